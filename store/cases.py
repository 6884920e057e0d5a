"""Cases, their event log and the notifications a new case queues (the transactional outbox).

Usage::

    repo = CaseRepository(get_database(settings.database_url), settings.case_reference_prefix)
    case, created = repo.create(new_case, notify=settings.notification_kinds)

Creating a case, its ``created`` event and its notifications happens in one transaction, so a case
is never stored without the notifications that tell the firm about it. Every method opens its own
session; call them from a thread (``asyncio.to_thread``) in async code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import String, cast, func, insert, or_, select, update
from sqlalchemy import case as case_when
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import Database
from store.mapping import case_payload, case_values, row_to_case, row_to_event
from store.records import (
    EVENT_CREATED,
    EVENT_KINDS,
    EVENT_NOTE,
    EVENT_STATUS,
    NOTIFY_EMAIL,
    NOTIFY_WEBHOOK,
    PRIORITIES,
    STATUSES,
    Case,
    CaseEvent,
    NewCase,
)
from store.references import new_reference, normalise_reference
from store.tables import case_events, cases, notifications, pros, utcnow

logger = logging.getLogger(__name__)

# How many new cases one conversation may open per CASE_WINDOW (a flood of cases from one
# client would swamp the urgent queue and page the firm each time).
MAX_CASES_PER_CONVERSATION = 2
CASE_WINDOW = dt.timedelta(hours=24)


def key_hash(sender_id: str) -> str:
    """A short stand-in for a conversation id in logs."""
    return hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]


__all__ = ["CaseNotFound", "CaseRepository", "case_payload", "EVENT_CASE_CREATED"]

EVENT_CASE_CREATED = "case.created"
NOTIFICATION_KINDS = (NOTIFY_WEBHOOK, NOTIFY_EMAIL)
_MAX_REFERENCE_ATTEMPTS = 10
_PRIORITY_RANK = case_when(
    *[(cases.c.priority == name, rank) for rank, name in enumerate(PRIORITIES)], else_=len(PRIORITIES)
)


class CaseNotFound(LookupError):
    """No case has this reference."""


class CaseRepository:
    """Reads and writes cases in a Database; every method is one short transaction."""

    def __init__(
        self, db: Database, reference_prefix: str = "MTS", max_cases_per_conversation: int = MAX_CASES_PER_CONVERSATION
    ) -> None:
        """Args:
        db: the database.
        reference_prefix: the letters before a case reference.
        max_cases_per_conversation: new cases one conversation may open per
            :data:`CASE_WINDOW`; beyond that its latest case is returned (and nobody is paged
            again), so one client cannot flood the urgent queue. 0: no cap.
        """
        self._db = db
        self._prefix = reference_prefix.upper()
        self._max_per_conversation = max_cases_per_conversation

    def create(self, new: NewCase, notify: Sequence[str] = ()) -> Tuple[Case, bool]:
        """Store a new case with its ``created`` event and one notification per kind in ``notify``.

        Idempotent per ``new.idempotency_key``: when a case with that key exists (also when a
        concurrent call just created it), that case is returned with ``False`` and nothing is queued.

        Returns:
            The case and whether this call created it.

        Raises:
            ValueError: an unknown priority, status or notification kind.
        """
        if new.priority not in PRIORITIES or new.status not in STATUSES:
            raise ValueError(f"bad priority {new.priority!r} or status {new.status!r}")
        unknown = [kind for kind in notify if kind not in NOTIFICATION_KINDS]
        if unknown:
            raise ValueError(f"unknown notification kinds {unknown}")
        for _ in range(_MAX_REFERENCE_ATTEMPTS):
            try:
                with self._db.session() as session:
                    existing = self._by_key(session, new.idempotency_key) or self._over_cap(session, new)
                    if existing is not None:
                        return existing, False
                    return self._insert(session, new, notify), True
            except IntegrityError as exc:
                # Either a concurrent call stored this key first, or the reference collided.
                with self._db.session() as session:
                    existing = self._by_key(session, new.idempotency_key)
                if existing is not None:
                    return existing, False
                if "reference" not in str(exc.orig):
                    raise
        raise RuntimeError(f"no free case reference after {_MAX_REFERENCE_ATTEMPTS} attempts")

    def get(self, reference: str) -> Optional[Case]:
        """The case with this reference (e.g. ``MTS-7K3Q9``), or None."""
        with self._db.session() as session:
            row = session.execute(select(cases).where(cases.c.reference == reference.strip().upper())).first()
            return row_to_case(row) if row else None

    def latest_for_sender(self, sender_id: str) -> Optional[Case]:
        """The most recently created case of a conversation, or None."""
        statement = (
            select(cases)
            .where(cases.c.sender_id == sender_id)
            .order_by(cases.c.created_at.desc(), cases.c.id.desc())
            .limit(1)
        )
        with self._db.session() as session:
            row = session.execute(statement).first()
            return row_to_case(row) if row else None

    def list(
        self,
        statuses: Optional[Sequence[str]] = None,
        priorities: Optional[Sequence[str]] = None,
        query: Optional[str] = None,
        limit: int = 200,
    ) -> List[Case]:
        """Cases most urgent first: by priority, then deadline (none last), then age (oldest first).

        Args:
            statuses: only these statuses (None: all).
            priorities: only these priorities (None: all).
            query: text matched case-insensitively against the reference, name, phone, e-mail and
                notice codes; a phone number matches however it is punctuated.
            limit: at most this many cases.
        """
        statement = select(cases)
        if statuses is not None:
            statement = statement.where(cases.c.status.in_(list(statuses)))
        if priorities is not None:
            statement = statement.where(cases.c.priority.in_(list(priorities)))
        if query and query.strip():
            statement = statement.where(self._matches(query.strip()))
        statement = statement.order_by(
            _PRIORITY_RANK,
            case_when((cases.c.deadline.is_(None), 1), else_=0),
            cases.c.deadline.asc(),
            cases.c.created_at.asc(),
            cases.c.id.asc(),
        ).limit(limit)
        with self._db.session() as session:
            return [row_to_case(row) for row in session.execute(statement)]

    def set_status(self, reference: str, status: str, actor: str, note: Optional[str] = None) -> Case:
        """Move a case to ``status``, logging a ``status`` event ("waiting → in_conversation: note").

        Setting the status a case already has changes nothing (a given note is logged as a note).

        Raises:
            ValueError: ``status`` is not one of ``records.STATUSES``.
            CaseNotFound: no case has this reference.
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._db.session() as session:
            row = self._row(session, reference)
            if row.status != status:
                body = f"{row.status} → {status}" + (f": {note}" if note else "")
                self._touch(session, row.id, status=status)
                self._log(session, row.id, EVENT_STATUS, actor, body, {"from": row.status, "to": status})
            elif note:
                self._log(session, row.id, EVENT_NOTE, actor, note, {})
            return self._load(session, row.id)

    def assign(self, reference: str, username: Optional[str]) -> Case:
        """Assign a case to a pro (None: unassign).

        Raises:
            CaseNotFound: no case has this reference.
            ValueError: no pro has this username.
        """
        with self._db.session() as session:
            row = self._row(session, reference)
            if (
                username is not None
                and session.execute(select(pros.c.id).where(pros.c.username == username)).first() is None
            ):
                raise ValueError(f"unknown pro {username!r}")
            if row.assigned_to != username:
                self._touch(session, row.id, assigned_to=username)
            return self._load(session, row.id)

    def add_event(self, reference: str, kind: str, actor: str, body: str, data: Optional[dict] = None) -> CaseEvent:
        """Append an entry to a case's event log (``kind`` is one of ``records.EVENT_KINDS``).

        Raises:
            ValueError: an unknown kind.
            CaseNotFound: no case has this reference.
        """
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        with self._db.session() as session:
            row = self._row(session, reference)
            self._touch(session, row.id)
            event_id = self._log(session, row.id, kind, actor, body, data or {})
            event_row = session.execute(select(case_events).where(case_events.c.id == event_id)).one()
            return row_to_event(event_row)

    def events(self, reference: str) -> List[CaseEvent]:
        """A case's event log, oldest first.

        Raises:
            CaseNotFound: no case has this reference.
        """
        with self._db.session() as session:
            row = self._row(session, reference)
            statement = (
                select(case_events)
                .where(case_events.c.case_id == row.id)
                .order_by(case_events.c.created_at.asc(), case_events.c.id.asc())
            )
            return [row_to_event(event) for event in session.execute(statement)]

    def counts_by_status(self) -> Dict[str, int]:
        """How many cases have each status (every status is present, zero included)."""
        counts = dict.fromkeys(STATUSES, 0)
        statement = select(cases.c.status, func.count()).group_by(cases.c.status)
        with self._db.session() as session:
            for status, count in session.execute(statement):
                counts[status] = int(count)
        return counts

    # Helpers, each working inside the caller's session.

    def _matches(self, query: str) -> Any:
        needle = query.lower()
        columns = [
            cases.c.reference,
            cases.c.full_name,
            cases.c.phone,
            cases.c.email,
            cast(cases.c.notice_codes, String),
        ]
        conditions = [func.lower(column).contains(needle, autoescape=True) for column in columns]
        digits = re.sub(r"\D", "", query)
        if len(digits) >= 4:
            conditions.append(cases.c.phone.contains(digits, autoescape=True))
        reference = normalise_reference(query, self._prefix)
        if reference:
            conditions.append(cases.c.reference == reference)
        return or_(*conditions)

    def _over_cap(self, session: Session, new: NewCase) -> Optional[Case]:
        """The conversation's latest case when it already opened the most cases allowed lately."""
        if self._max_per_conversation <= 0:
            return None
        since = utcnow() - CASE_WINDOW
        recent = session.execute(
            select(func.count())
            .select_from(cases)
            .where(cases.c.sender_id == new.sender_id, cases.c.created_at >= since)
        ).scalar_one()
        if recent < self._max_per_conversation:
            return None
        logger.warning(
            "case store: conversation %s opened %d cases within %s; its latest case is reused",
            key_hash(new.sender_id),
            recent,
            CASE_WINDOW,
        )
        row = session.execute(
            select(cases)
            .where(cases.c.sender_id == new.sender_id)
            .order_by(cases.c.created_at.desc(), cases.c.id.desc())
            .limit(1)
        ).first()
        return row_to_case(row) if row else None

    @staticmethod
    def _by_key(session: Session, key: str) -> Optional[Case]:
        row = session.execute(select(cases).where(cases.c.idempotency_key == key)).first()
        return row_to_case(row) if row else None

    @staticmethod
    def _row(session: Session, reference: str) -> Row:
        row = session.execute(select(cases).where(cases.c.reference == reference.strip().upper())).first()
        if row is None:
            raise CaseNotFound(reference)
        return row

    @staticmethod
    def _load(session: Session, case_id: int) -> Case:
        return row_to_case(session.execute(select(cases).where(cases.c.id == case_id)).one())

    @staticmethod
    def _touch(session: Session, case_id: int, **values: Any) -> None:
        session.execute(update(cases).where(cases.c.id == case_id).values(updated_at=utcnow(), **values))

    @staticmethod
    def _log(session: Session, case_id: int, kind: str, actor: str, body: str, data: dict) -> int:
        result = session.execute(
            insert(case_events).values(
                case_id=case_id, kind=kind, actor=actor, body=body, data=data, created_at=utcnow()
            )
        )
        return int(result.inserted_primary_key[0])

    def _insert(self, session: Session, new: NewCase, notify: Sequence[str]) -> Case:
        values = case_values(new, new_reference(self._prefix))
        case_id = int(session.execute(insert(cases).values(**values)).inserted_primary_key[0])
        self._log(
            session,
            case_id,
            EVENT_CREATED,
            "bot",
            f"Case {values['reference']} created",
            {"priority": new.priority, "priority_reasons": list(new.priority_reasons)},
        )
        case = self._load(session, case_id)
        payload = {**case_payload(case), "event": EVENT_CASE_CREATED}
        for kind in dict.fromkeys(notify):  # each kind once, in the given order
            session.execute(
                insert(notifications).values(
                    case_id=case_id,
                    kind=kind,
                    payload=payload,
                    attempts=0,
                    next_attempt_at=values["created_at"],
                    created_at=values["created_at"],
                )
            )
        return case
