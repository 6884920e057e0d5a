"""The notification outbox: rows queued with a case, claimed and delivered by workers.

A worker claims due rows by setting a lease (``locked_until``); a claim is a conditional UPDATE
whose row count says whether this worker won, so two workers, even in different processes, never
send the same row at the same time. A worker that dies mid-delivery leaves the lease to expire, and
the row is claimed again. Rows are never deleted: delivered rows keep ``delivered_at``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, List, Optional

from sqlalchemy import func, or_, select, update

from store.db import Database
from store.mapping import row_to_notification
from store.records import Notification
from store.tables import notifications

MAX_ERROR_CHARS = 500
_N = notifications.c


def _claimable(now: dt.datetime) -> Any:
    return (_N.delivered_at.is_(None), _N.next_attempt_at <= now, or_(_N.locked_until.is_(None), _N.locked_until < now))


class Outbox:
    """Queued notifications in a Database (created by ``CaseRepository.create``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def claim_due(self, now: dt.datetime, lease: dt.timedelta, limit: int = 20) -> List[Notification]:
        """Claim up to ``limit`` undelivered notifications that are due and not leased.

        Each returned notification is leased to the caller until ``now + lease``; deliver it and
        call ``mark_delivered`` or ``mark_failed`` before then.
        """
        candidates = select(_N.id).where(*_claimable(now)).order_by(_N.next_attempt_at.asc(), _N.id.asc()).limit(limit)
        claimed: List[int] = []
        with self._db.session() as session:
            ids = list(session.execute(candidates).scalars())
            for notification_id in ids:
                # Each claim commits on its own: row locks are held only for one statement.
                result = session.execute(
                    update(notifications)
                    .where(_N.id == notification_id, *_claimable(now))
                    .values(locked_until=now + lease)
                )
                session.commit()
                if result.rowcount == 1:
                    claimed.append(notification_id)
            if not claimed:
                return []
            rows = session.execute(
                select(notifications).where(_N.id.in_(claimed)).order_by(_N.next_attempt_at.asc(), _N.id.asc())
            )
            return [row_to_notification(row) for row in rows]

    def mark_delivered(self, notification_id: int, now: dt.datetime) -> None:
        """Record that a notification was delivered (and release its lease)."""
        with self._db.session() as session:
            session.execute(
                update(notifications)
                .where(_N.id == notification_id, _N.delivered_at.is_(None))
                .values(delivered_at=now, locked_until=None)
            )

    def mark_failed(self, notification_id: int, error: str, next_attempt_at: dt.datetime) -> None:
        """Record a failed attempt: count it, keep the error (500 characters) and schedule a retry."""
        with self._db.session() as session:
            session.execute(
                update(notifications)
                .where(_N.id == notification_id, _N.delivered_at.is_(None))
                .values(
                    attempts=_N.attempts + 1,
                    last_error=error[:MAX_ERROR_CHARS],
                    next_attempt_at=next_attempt_at,
                    locked_until=None,
                )
            )

    def postpone(self, notification_id: int, reason: str, next_attempt_at: dt.datetime) -> None:
        """Put a notification back for later without counting an attempt (e.g. "not configured")."""
        with self._db.session() as session:
            session.execute(
                update(notifications)
                .where(_N.id == notification_id, _N.delivered_at.is_(None))
                .values(last_error=reason[:MAX_ERROR_CHARS], next_attempt_at=next_attempt_at, locked_until=None)
            )

    def get(self, notification_id: int) -> Optional[Notification]:
        """One notification, delivered or not, or None."""
        with self._db.session() as session:
            row = session.execute(select(notifications).where(_N.id == notification_id)).first()
            return row_to_notification(row) if row else None

    def for_case(self, case_id: int) -> List[Notification]:
        """Every notification about a case, oldest first (for the desk's delivery status)."""
        statement = select(notifications).where(_N.case_id == case_id).order_by(_N.id.asc())
        with self._db.session() as session:
            return [row_to_notification(row) for row in session.execute(statement)]

    def pending(self, limit: int = 100) -> List[Notification]:
        """Undelivered notifications, the next due first."""
        statement = (
            select(notifications)
            .where(_N.delivered_at.is_(None))
            .order_by(_N.next_attempt_at.asc(), _N.id.asc())
            .limit(limit)
        )
        with self._db.session() as session:
            return [row_to_notification(row) for row in session.execute(statement)]

    def count_pending(self) -> int:
        """How many notifications are not delivered yet."""
        statement = select(func.count()).select_from(notifications).where(_N.delivered_at.is_(None))
        with self._db.session() as session:
            return int(session.execute(statement).scalar_one())
