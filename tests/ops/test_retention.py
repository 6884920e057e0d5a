"""ops.retention on SQLite and PostgreSQL (a fresh schema per test): what goes, what stays, dry runs.

The tracker table is Rasa's own (``SQLTrackerStore.SQLEvent``), created in the test database, so a
Rasa upgrade that changes it shows up here.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Dict, Tuple

import pytest
from sqlalchemy import func, insert, select, update

from ops.retention import Report, RetentionSettings, run
from store.db import Database
from store.records import STATUS_CLOSED, STATUS_WAITING
from store.tables import case_events, cases, notifications
from tests.integration.servers import ROOT
from tests.ops.retention_data import DAYS, NOW, add_case

SECRETS = ("+15125550101", "old-web-visitor", "Jane Doe", "MTS-")


def counts(database: Database, tracker_url: str) -> Dict[str, int]:
    from rasa.core.tracker_store import SQLTrackerStore

    events = SQLTrackerStore.SQLEvent.__table__
    tracker = Database(tracker_url)
    try:
        with tracker.engine.connect() as connection:
            senders = set(connection.execute(select(events.c.sender_id)).scalars())
            tracked = connection.execute(select(func.count()).select_from(events)).scalar_one()
    finally:
        if tracker_url != database.url:
            tracker.dispose()
    with database.engine.connect() as connection:

        def count(table) -> int:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()

        return {
            "senders": len(senders),
            "events": tracked,
            "cases": count(cases),
            "case_events": count(case_events),
            "notifications": count(notifications),
        }


def test_old_conversations_and_old_closed_cases_go(stores: Tuple[Database, RetentionSettings]) -> None:
    database, settings = stores
    gone = add_case(database, STATUS_CLOSED, 400)
    add_case(database, STATUS_CLOSED, 30)  # closed recently: stays
    add_case(database, STATUS_WAITING, 700)  # open, however old: stays
    add_case(database, "new", 400, notify=())  # open: stays
    before = counts(database, settings.tracker_store_url)

    report = run(settings, DAYS, dry_run=False, now=NOW)

    assert report == Report(conversations=2, tracker_events=4, cases=1, case_events=2, notifications=1)
    after = counts(database, settings.tracker_store_url)
    assert after == {
        "senders": 2,
        "events": before["events"] - 4,
        "cases": 3,
        "case_events": before["case_events"] - 2,
        "notifications": before["notifications"] - 1,
    }
    with database.engine.connect() as connection:
        assert connection.execute(select(cases.c.id).where(cases.c.id == gone)).first() is None
    assert run(settings, DAYS, dry_run=False, now=NOW) == Report()  # nothing left to do


def test_a_dry_run_counts_and_deletes_nothing(stores: Tuple[Database, RetentionSettings]) -> None:
    database, settings = stores
    add_case(database, STATUS_CLOSED, 400)
    before = counts(database, settings.tracker_store_url)
    report = run(settings, DAYS, dry_run=True, now=NOW)
    assert report == Report(conversations=2, tracker_events=4, cases=1, case_events=2, notifications=1)
    assert counts(database, settings.tracker_store_url) == before


def test_a_shorter_limit_takes_more(stores: Tuple[Database, RetentionSettings]) -> None:
    database, settings = stores
    assert run(settings, 2, dry_run=False, now=NOW).conversations == 3  # all but "recent"
    assert counts(database, settings.tracker_store_url)["senders"] == 1


def test_missing_stores_are_left_alone(tmp_path: Path) -> None:
    settings = RetentionSettings(
        _env_file=None,
        tracker_store_url=f"sqlite:///{tmp_path / 'none.db'}",
        database_url=f"sqlite:///{tmp_path / 'no-cases.db'}",
    )
    assert run(settings, DAYS, dry_run=False, now=NOW) == Report()
    assert list(tmp_path.iterdir()) == []


def test_the_days_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RetentionSettings(_env_file=None, retention_days=0)


def test_the_command_prints_counts_only(tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    tracker = Database(f"sqlite:///{tmp_path / 'tracker.db'}")
    SQLTrackerStore.SQLEvent.__table__.create(tracker.engine)
    now = dt.datetime.now(dt.timezone.utc)
    with tracker.engine.begin() as connection:
        for sender, age in (("+15125550101", 400), ("recent", 1)):
            connection.execute(
                insert(SQLTrackerStore.SQLEvent.__table__).values(
                    sender_id=sender, type_name="user", timestamp=(now - dt.timedelta(days=age)).timestamp()
                )
            )
    tracker.dispose()
    case_store = Database(f"sqlite:///{tmp_path / 'cases.db'}")
    case_store.migrate()
    add_case_at = add_case(case_store, STATUS_CLOSED, 0)
    with case_store.session() as session:  # add_case dates relative to NOW; here relative to today
        session.execute(update(cases).where(cases.c.id == add_case_at).values(updated_at=now - dt.timedelta(days=400)))
    case_store.dispose()
    env = {**os.environ, "TRACKER_STORE_URL": tracker.url, "DATABASE_URL": case_store.url, "RETENTION_DAYS": "365"}

    def command(*args: str) -> str:
        result = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "ops.retention", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert not any(secret in result.stdout + result.stderr for secret in SECRETS)
        return result.stdout

    dry = command("--dry-run")
    assert "Retention: 365 days" in dry and "dry run" in dry
    assert "1 conversations (1 events) would be deleted" in dry and "1 closed cases" in dry
    assert "1 conversations (1 events) deleted" in command()
    assert "0 conversations (0 events) deleted" in command("--days", "365")
