"""A fresh, migrated database per test, on SQLite (a temporary file) and on PostgreSQL
(tests/databases.py; the ``postgres_url`` fixture is session-wide, in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from store.db import Database
from tests.databases import open_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database without tables, on each backend."""
    with open_database(request.param, tmp_path, request) as database:
        yield database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database, on each backend."""
    with open_database(request.param, tmp_path, request) as database:
        database.migrate()
        yield database
