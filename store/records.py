"""Plain records the case store reads and writes; no database code here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, List, Optional

# Status of a case, in the order a case normally moves through them.
STATUS_NEW = "new"
STATUS_WAITING = "waiting"  # waiting for a pro
STATUS_IN_CONVERSATION = "in_conversation"
STATUS_CLOSED = "closed"
STATUSES = (STATUS_NEW, STATUS_WAITING, STATUS_IN_CONVERSATION, STATUS_CLOSED)

PRIORITIES = ("critical", "high", "normal")  # most urgent first

# Kinds of entries in a case's event log.
EVENT_CREATED = "created"
EVENT_NOTE = "note"
EVENT_STATUS = "status"
EVENT_MESSAGE = "message"  # a message a pro sent to the taxpayer
EVENT_KINDS = (EVENT_CREATED, EVENT_NOTE, EVENT_STATUS, EVENT_MESSAGE)

NOTIFY_WEBHOOK = "webhook"
NOTIFY_EMAIL = "email"


@dataclass(frozen=True)
class Consent:
    """The taxpayer's consent to be contacted: the exact wording shown, when and on which channel."""

    wording: str
    given_at: dt.datetime  # timezone-aware, UTC
    channel: str  # the chat channel the consent was given on (rest, socketio, twilio, facebook…)
    contact_method: str  # how the firm may contact: sms, phone, email or chat


@dataclass(frozen=True)
class Intake:
    """What the taxpayer told the intake form (all optional fields may be None or empty)."""

    full_name: str
    consent: Consent
    preferred_channel: str  # sms, phone, email or chat
    phone: Optional[str] = None  # E.164, e.g. +15125550142
    email: Optional[str] = None
    us_state: Optional[str] = None  # two-letter code
    notice_codes: List[str] = field(default_factory=list)  # display codes, e.g. ["LT11"]
    notice_date: Optional[dt.date] = None
    tax_years: List[int] = field(default_factory=list)
    amount_owed: Optional[Decimal] = None
    levy_active: Optional[str] = None  # yes, no or unsure
    unfiled_returns: Optional[str] = None  # yes, no or unsure
    joint_filing: Optional[str] = None  # yes, no or unsure
    contact_time: Optional[str] = None
    language: str = "en"  # the conversation's language (en or es): the pro replies in it


@dataclass(frozen=True)
class NewCase:
    """A case to create. ``idempotency_key`` makes creation safe to retry."""

    idempotency_key: str
    channel: str  # the taxpayer's chat channel, where a pro's reply is delivered
    sender_id: str  # Rasa conversation id
    priority: str
    priority_reasons: List[str]
    deadline: Optional[dt.date]
    intake: Intake
    status: str = STATUS_NEW


@dataclass(frozen=True)
class Case:
    """A stored case."""

    id: int
    reference: str  # what the taxpayer sees, e.g. MTS-7K3Q9
    status: str
    priority: str
    priority_reasons: List[str]
    deadline: Optional[dt.date]
    channel: str
    sender_id: str
    intake: Intake
    created_at: dt.datetime
    updated_at: dt.datetime
    assigned_to: Optional[str] = None


@dataclass(frozen=True)
class CaseEvent:
    """One entry in a case's event log."""

    id: int
    case_id: int
    kind: str
    actor: str  # "bot", "taxpayer" or a pro's username
    body: str
    created_at: dt.datetime
    data: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    """A queued notification (outbox row) about a case."""

    id: int
    case_id: int
    kind: str  # webhook or email
    payload: Dict[str, Any]
    attempts: int
    next_attempt_at: dt.datetime
    delivered_at: Optional[dt.datetime] = None
    last_error: Optional[str] = None


@dataclass(frozen=True)
class Pro:
    """A tax pro who can sign in to the agent desk."""

    id: int
    username: str
    display_name: str
    password_hash: Optional[str]
    created_at: dt.datetime
