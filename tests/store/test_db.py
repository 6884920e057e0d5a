"""The database wrapper and the migrations: `upgrade head` must build exactly tables.py's schema."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import List

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, insert, inspect, select, text

from store import tables
from store.cases import CaseRepository
from store.db import Database, alembic_config, get_database
from tests.store.factories import make_new_case

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"cases", "case_events", "notifications", "pros", "pro_tokens", "desk_sessions"}


def _differences(database: Database, metadata: MetaData = tables.metadata) -> List:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_upgrade_from_empty_matches_the_tables(empty_database: Database) -> None:
    empty_database.migrate()
    assert TABLES <= set(inspect(empty_database.engine).get_table_names())
    assert _differences(empty_database) == []


def test_the_comparison_notices_a_difference(database: Database) -> None:
    changed = MetaData()
    tables.cases.to_metadata(changed).append_column(Column("extra", Integer))
    assert _differences(database, changed)


def test_migrate_twice_changes_nothing(database: Database) -> None:
    database.migrate()
    assert _differences(database) == []


def test_downgrade_to_base_and_up_again(database: Database) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    database.migrate()
    assert _differences(database) == []


def test_session_commits_or_rolls_back(database: Database) -> None:
    row = dict(username="ann", display_name="Ann", created_at=tables.utcnow())
    with pytest.raises(RuntimeError):
        with database.session() as session:
            session.execute(insert(tables.pros).values(**row))
            raise RuntimeError("boom")
    with database.session() as session:
        session.execute(insert(tables.pros).values(**row))
    with database.session() as session:
        assert session.execute(select(tables.pros.c.username)).scalars().all() == ["ann"]


def test_timestamps_come_back_aware_utc_and_naive_ones_are_refused(database: Database) -> None:
    eastern = dt.timezone(dt.timedelta(hours=-5))
    with database.session() as session:
        session.execute(
            insert(tables.pros).values(
                username="ann", display_name="Ann", created_at=dt.datetime(2026, 11, 26, 10, 0, 0, 5, tzinfo=eastern)
            )
        )
    with database.session() as session:
        created = session.execute(select(tables.pros.c.created_at)).scalar_one()
    assert created == dt.datetime(2026, 11, 26, 15, 0, 0, 5, tzinfo=dt.timezone.utc)
    assert created.utcoffset() == dt.timedelta(0)
    with pytest.raises(Exception, match="naive"):
        with database.session() as session:
            session.execute(
                insert(tables.pros).values(username="bob", display_name="Bob", created_at=dt.datetime(2026, 11, 26))
            )


def test_sqlite_creates_the_directory_and_enables_foreign_keys_and_wal(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'a' / 'b' / 'cases.db'}")
    try:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert (tmp_path / "a" / "b").is_dir()
    finally:
        database.dispose()


def test_nothing_connects_before_first_use(tmp_path: Path) -> None:
    Database(f"sqlite:///{tmp_path / 'never' / 'cases.db'}")
    assert not (tmp_path / "never").exists()


def test_get_database_migrates_once_and_is_shared_between_threads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    found: List[Database] = []
    threads = [threading.Thread(target=lambda: found.append(get_database(url))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and all(database is found[0] for database in found)
    assert TABLES <= set(inspect(found[0].engine).get_table_names())
    found[0].dispose()


def test_the_alembic_command_line_uses_database_url(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    alembic = [sys.executable, "-m", "alembic"]
    for arguments in (["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]):
        result = subprocess.run(alembic + arguments, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    database = Database(env["DATABASE_URL"])
    assert _differences(database) == []
    database.dispose()


@pytest.mark.parametrize("amount", ["0.01", "12500.00", "999999999999.99", "1234567.89", "0.10"])
def test_money_round_trips_to_the_cent(database: Database, amount: str) -> None:
    case, _ = CaseRepository(database).create(make_new_case(intake=dict(amount_owed=Decimal(amount))))
    stored = CaseRepository(database).get(case.reference)
    assert stored is not None and str(stored.intake.amount_owed) == amount
