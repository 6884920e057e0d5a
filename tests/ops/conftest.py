"""Fixtures of the ops tests: a case store and a tracker table to run retention on, on each backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator, Tuple

import pytest
from sqlalchemy import insert

from ops.retention import RetentionSettings
from store.db import Database
from tests.databases import open_database
from tests.ops.retention_data import CONVERSATIONS, NOW


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tuple[Database, RetentionSettings]]:
    """A migrated case store and a tracker table with :data:`CONVERSATIONS`, on one backend."""
    from rasa.core.tracker_store import SQLTrackerStore

    with open_database(request.param, tmp_path, request) as database:
        database.migrate()
        # On SQLite the tracker has its own file, as in the embedded profile; on PostgreSQL a table
        # beside the cases in the test's schema.
        tracker = Database(f"sqlite:///{tmp_path / 'tracker.db'}") if request.param == "sqlite" else database
        events = SQLTrackerStore.SQLEvent.__table__
        events.create(tracker.engine)
        with tracker.engine.begin() as connection:
            for sender, ages in CONVERSATIONS.items():
                for age in ages:
                    connection.execute(
                        insert(events).values(
                            sender_id=sender,
                            type_name="user",
                            timestamp=(NOW - dt.timedelta(days=age)).timestamp(),
                            intent_name="greet",
                            action_name=None,
                            data="{}",
                        )
                    )
        yield database, RetentionSettings(_env_file=None, tracker_store_url=tracker.url, database_url=database.url)
        tracker.dispose()
