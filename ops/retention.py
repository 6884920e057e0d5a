"""Delete what the firm no longer needs to keep: old conversations and old closed cases.

Usage::

    python -m ops.retention --days 365 --dry-run   # counts of what would go, nothing deleted
    python -m ops.retention                        # RETENTION_DAYS (default 365)

- **Conversations**: every event of a conversation whose *last* event is older than the limit, from
  Rasa's SQL tracker store (table ``events``; ``TRACKER_STORE_URL``, default ``var/tracker.db``).
  A conversation with any recent event is kept whole.
- **Cases**: closed cases last changed before the limit, with their event log and notifications
  (``DATABASE_URL``). Open cases are never deleted, however old; neither are SMS opt-outs.

Work is done in batches of :data:`BATCH` conversations or cases, each its own short transaction,
so the bot keeps serving. The output gives counts only: no sender ids, names or references.
Schedule it daily (cron, a Kubernetes CronJob) with the same environment as the bot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import List, Optional, Sequence

from pydantic import validator
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, func, inspect, select
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from settings.assistant import DEFAULT_DATABASE_URL
from settings.base import EnvSettings
from store.db import Database
from store.notice_pages import NoticePageRepository
from store.records import STATUS_CLOSED
from store.tables import case_events, cases, notifications

ROOT = Path(__file__).resolve().parents[1]
BATCH = 500
# The columns of Rasa's tracker store table that retention reads (rasa.core.tracker_store.SQLEvent).
tracker_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


class RetentionSettings(EnvSettings):
    """How long to keep data, and where it is (environment variables in capitals)."""

    retention_days: int = 365
    tracker_store_url: str = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    database_url: str = DEFAULT_DATABASE_URL

    @validator("retention_days")
    def _at_least_a_day(cls, value: int) -> int:
        if value < 1:
            raise ValueError("RETENTION_DAYS must be at least 1")
        return value


@dataclass(frozen=True)
class Report:
    """What a run deleted (or, in a dry run, would delete)."""

    conversations: int = 0
    tracker_events: int = 0
    cases: int = 0
    case_events: int = 0
    notifications: int = 0
    notice_pages: int = 0

    def lines(self, dry_run: bool) -> List[str]:
        """The report in words (counts only)."""
        verb = "would be deleted" if dry_run else "deleted"
        return [
            f"tracker store: {self.conversations} conversations ({self.tracker_events} events) {verb}",
            f"case store: {self.cases} closed cases ({self.case_events} case events, "
            f"{self.notifications} notifications) {verb}",
            f"case store: {self.notice_pages} attached notice pages {verb}",
        ]


def cutoff(days: int, now: Optional[dt.datetime] = None) -> dt.datetime:
    """The moment before which data is old: ``days`` days before ``now`` (UTC)."""
    return (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=days)


def _chunks(items: Sequence, size: int = BATCH) -> List[Sequence]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def tracker_engine(url: str) -> Engine:
    """An engine for Rasa's tracker store (on SQLite, waiting for the bot's writes to finish)."""
    options = {"connect_args": {"timeout": 30}} if make_url(url).get_backend_name() == "sqlite" else {}
    return create_engine(url, future=True, hide_parameters=True, **options)


def _stale_senders(before: float, among: Optional[Sequence[str]] = None):  # -> Select
    statement = (
        select(tracker_events.c.sender_id)
        .group_by(tracker_events.c.sender_id)
        .having(func.max(tracker_events.c.timestamp) < before)
    )
    if among is not None:
        statement = statement.where(tracker_events.c.sender_id.in_(list(among)))
    return statement


def purge_conversations(engine: Engine, before: dt.datetime, dry_run: bool = False) -> Report:
    """Delete (or count) the conversations whose last event is older than ``before``."""
    if not inspect(engine).has_table(tracker_events.name):
        return Report()
    limit = before.timestamp()
    with engine.connect() as connection:
        senders = list(connection.execute(_stale_senders(limit)).scalars())
    removed = 0
    for chunk in _chunks(senders):
        with engine.begin() as connection:
            if dry_run:
                removed += connection.execute(
                    select(func.count()).select_from(tracker_events).where(tracker_events.c.sender_id.in_(list(chunk)))
                ).scalar_one()
                continue
            # Checked again in the statement: a conversation that came back meanwhile is kept.
            result = connection.execute(
                delete(tracker_events).where(tracker_events.c.sender_id.in_(_stale_senders(limit, chunk)))
            )
            removed += result.rowcount
    return Report(conversations=len(senders), tracker_events=removed)


def _count(connection: Connection, table: Table, ids: Sequence[int]) -> int:
    return connection.execute(
        select(func.count()).select_from(table).where(table.c.case_id.in_(list(ids)))
    ).scalar_one()


def purge_cases(engine: Engine, before: dt.datetime, dry_run: bool = False) -> Report:
    """Delete (or count) closed cases last changed before ``before``, with their events and notifications."""
    if not inspect(engine).has_table(cases.name):
        return Report()
    old = (cases.c.status == STATUS_CLOSED, cases.c.updated_at < before)
    with engine.connect() as connection:
        ids = list(connection.execute(select(cases.c.id).where(*old).order_by(cases.c.id)).scalars())
    deleted = events = sent = 0
    for chunk in _chunks(ids):
        with engine.begin() as connection:
            if dry_run:
                deleted += len(chunk)
                events += _count(connection, case_events, chunk)
                sent += _count(connection, notifications, chunk)
                continue
            # Still closed and old now: a case reopened meanwhile is kept with everything it has.
            still = list(
                connection.execute(
                    select(cases.c.id).where(cases.c.id.in_(list(chunk)), *old).with_for_update()
                ).scalars()
            )
            if not still:
                continue
            sent += connection.execute(delete(notifications).where(notifications.c.case_id.in_(still))).rowcount
            events += connection.execute(delete(case_events).where(case_events.c.case_id.in_(still))).rowcount
            deleted += connection.execute(delete(cases).where(cases.c.id.in_(still))).rowcount
    return Report(cases=deleted, case_events=events, notifications=sent)


def missing_sqlite_file(url: str) -> bool:
    """Whether ``url`` is an SQLite file that does not exist (nothing stored yet; don't create it)."""
    parsed = make_url(url)
    return (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).exists()
    )


def run(settings: RetentionSettings, days: int, dry_run: bool, now: Optional[dt.datetime] = None) -> Report:
    """Apply the retention limit of ``days`` days to both stores."""
    before = cutoff(days, now)
    conversations = store = Report()
    if not missing_sqlite_file(settings.tracker_store_url):
        engine = tracker_engine(settings.tracker_store_url)
        try:
            conversations = purge_conversations(engine, before, dry_run)
        finally:
            engine.dispose()
    if not missing_sqlite_file(settings.database_url):
        # The case store's own engine: on SQLite it takes the write lock up front like the bot does.
        database = Database(settings.database_url)
        try:
            store = purge_cases(database.engine, before, dry_run)
            # Attached notice pages go with their conversation's last case (or, without one, when old).
            store = replace(store, notice_pages=NoticePageRepository(database).purge(before, dry_run))
        finally:
            database.dispose()
    return Report(
        conversations.conversations,
        conversations.tracker_events,
        store.cases,
        store.case_events,
        store.notifications,
        store.notice_pages,
    )


def main(argv: Optional[List[str]] = None) -> int:
    """Command line: ``--days N`` (default RETENTION_DAYS) and ``--dry-run``."""
    parser = argparse.ArgumentParser(
        prog="python -m ops.retention", description="Delete conversations and closed cases older than N days."
    )
    parser.add_argument("--days", type=int, help="keep this many days (default: RETENTION_DAYS or 365)")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    args = parser.parse_args(argv)
    try:
        settings = RetentionSettings(**({"retention_days": args.days} if args.days is not None else {}))
    except ValueError as problem:  # pydantic's ValidationError; it never contains the URLs' passwords
        print(f"error: {problem}", file=sys.stderr)
        return 2
    days = settings.retention_days
    print(
        f"Retention: {days} days (older than {cutoff(days):%Y-%m-%d %H:%M} UTC)"
        + (", dry run: nothing is deleted" if args.dry_run else "")
    )
    try:
        report = run(settings, days, args.dry_run)
    except SQLAlchemyError as problem:  # the class only: messages may quote URLs or rows
        print(
            f"error: a store could not be reached or changed ({type(problem).__name__}); nothing more was deleted",
            file=sys.stderr,
        )
        return 1
    print("\n".join(report.lines(args.dry_run)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
