"""Converting between table rows, the record dataclasses and JSON-ready payloads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict

from sqlalchemy.engine import Row

from store.records import Case, CaseEvent, Consent, Intake, NewCase, Notification, Pro
from store.tables import utcnow


def case_payload(case: Case) -> Dict[str, Any]:
    """The case as JSON-ready data, for the webhook, the e-mail and the desk's API.

    Case fields are top-level; what the taxpayer told the intake form is nested under ``intake``
    and their consent under ``intake.consent``. Dates and datetimes are ISO 8601 strings
    (datetimes in UTC with ``+00:00``), ``amount_owed`` a string with two decimals (``"12500.00"``)
    or None. Example::

        {"reference": "MTS-7K3Q9", "status": "new", "priority": "critical",
         "priority_reasons": ["levy"], "deadline": "2026-12-01", "channel": "twilio",
         "sender_id": "+15125550142", "assigned_to": None,
         "created_at": "2026-11-26T15:04:05.123456+00:00", "updated_at": "…",
         "intake": {"full_name": "Jane Doe", "preferred_channel": "sms", "phone": "+15125550142",
                    "email": None, "us_state": "TX", "notice_codes": ["LT11"],
                    "notice_date": "2026-11-20", "tax_years": [2022, 2023],
                    "amount_owed": "12500.00", "levy_active": "yes", "unfiled_returns": "no",
                    "joint_filing": "unsure", "contact_time": "mornings", "language": "es",
                    "consent": {"wording": "…", "given_at": "…", "channel": "twilio",
                                "contact_method": "sms"}}}
    """
    intake = case.intake
    amount = None
    if intake.amount_owed is not None:
        amount = str(Decimal(intake.amount_owed).quantize(Decimal("0.01")))
    return {
        "reference": case.reference,
        "status": case.status,
        "priority": case.priority,
        "priority_reasons": list(case.priority_reasons),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "channel": case.channel,
        "sender_id": case.sender_id,
        "assigned_to": case.assigned_to,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "intake": {
            "full_name": intake.full_name,
            "preferred_channel": intake.preferred_channel,
            "phone": intake.phone,
            "email": intake.email,
            "us_state": intake.us_state,
            "notice_codes": list(intake.notice_codes),
            "notice_date": intake.notice_date.isoformat() if intake.notice_date else None,
            "tax_years": list(intake.tax_years),
            "amount_owed": amount,
            "levy_active": intake.levy_active,
            "unfiled_returns": intake.unfiled_returns,
            "joint_filing": intake.joint_filing,
            "contact_time": intake.contact_time,
            "language": intake.language,
            "consent": {
                "wording": intake.consent.wording,
                "given_at": intake.consent.given_at.isoformat(),
                "channel": intake.consent.channel,
                "contact_method": intake.consent.contact_method,
            },
        },
    }


def row_to_case(row: Row) -> Case:
    """A ``cases`` row as a Case."""
    consent = Consent(
        wording=row.consent_wording,
        given_at=row.consent_given_at,
        channel=row.consent_channel,
        contact_method=row.consent_contact_method,
    )
    intake = Intake(
        full_name=row.full_name,
        consent=consent,
        preferred_channel=row.preferred_channel,
        phone=row.phone,
        email=row.email,
        us_state=row.us_state,
        notice_codes=list(row.notice_codes or []),
        notice_date=row.notice_date,
        tax_years=list(row.tax_years or []),
        amount_owed=row.amount_owed,
        levy_active=row.levy_active,
        unfiled_returns=row.unfiled_returns,
        joint_filing=row.joint_filing,
        contact_time=row.contact_time,
        language=row.language or "en",
    )
    return Case(
        id=row.id,
        reference=row.reference,
        status=row.status,
        priority=row.priority,
        priority_reasons=list(row.priority_reasons or []),
        deadline=row.deadline,
        channel=row.channel,
        sender_id=row.sender_id,
        intake=intake,
        created_at=row.created_at,
        updated_at=row.updated_at,
        assigned_to=row.assigned_to,
    )


def row_to_event(row: Row) -> CaseEvent:
    """A ``case_events`` row as a CaseEvent."""
    return CaseEvent(
        id=row.id,
        case_id=row.case_id,
        kind=row.kind,
        actor=row.actor,
        body=row.body,
        created_at=row.created_at,
        data=dict(row.data or {}),
    )


def case_values(new: NewCase, reference: str) -> Dict[str, Any]:
    """The ``cases`` row to insert for ``new`` under ``reference`` (created and updated now)."""
    intake, now = new.intake, utcnow()
    return {
        "reference": reference,
        "idempotency_key": new.idempotency_key,
        "status": new.status,
        "priority": new.priority,
        "priority_reasons": list(new.priority_reasons),
        "deadline": new.deadline,
        "channel": new.channel,
        "sender_id": new.sender_id,
        "full_name": intake.full_name,
        "phone": intake.phone,
        "email": intake.email,
        "preferred_channel": intake.preferred_channel,
        "us_state": intake.us_state,
        "notice_codes": list(intake.notice_codes),
        "notice_date": intake.notice_date,
        "tax_years": list(intake.tax_years),
        "amount_owed": intake.amount_owed,
        "levy_active": intake.levy_active,
        "unfiled_returns": intake.unfiled_returns,
        "joint_filing": intake.joint_filing,
        "contact_time": intake.contact_time,
        "language": intake.language,
        "consent_wording": intake.consent.wording,
        "consent_given_at": intake.consent.given_at,
        "consent_channel": intake.consent.channel,
        "consent_contact_method": intake.consent.contact_method,
        "created_at": now,
        "updated_at": now,
    }


def row_to_notification(row: Row) -> Notification:
    """A ``notifications`` row as a Notification."""
    return Notification(
        id=row.id,
        case_id=row.case_id,
        kind=row.kind,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
        last_error=row.last_error,
    )


def row_to_pro(row: Row) -> Pro:
    """A ``pros`` row as a Pro."""
    return Pro(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        password_hash=row.password_hash,
        created_at=row.created_at,
    )
