"""Test databases on SQLite (a temporary file) and on PostgreSQL, for the store, ops and other tests.

PostgreSQL runs at 127.0.0.1:5432, database ``test``, trust authentication (user ``postgres``, or
``root`` where that is the superuser); it is started when down, and a test fails (does not skip)
when it cannot be reached. Every test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from store.db import Database
from tests.services_up import ensure_postgres

POSTGRES_URLS = (
    "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg2://root@127.0.0.1:5432/test",
)
CONNECT_WAIT_S = 30.0


def admin_engine(url: str) -> Engine:
    """An engine for schema DDL (autocommit)."""
    return create_engine(url, future=True, isolation_level="AUTOCOMMIT")


def usable_postgres_url() -> str:
    """The URL of the test database, with whichever user can connect (fails the test when none can)."""
    ensure_postgres(POSTGRES_URLS[0])
    errors = []
    deadline = time.monotonic() + CONNECT_WAIT_S
    while time.monotonic() < deadline:
        for url in POSTGRES_URLS:
            engine = admin_engine(url)
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return url
            except OperationalError as exc:
                errors.append(f"{url}: {str(exc.orig).strip()}")
            finally:
                engine.dispose()
        time.sleep(1.0)  # e.g. "the database system is starting up"
    pytest.fail("PostgreSQL is not usable:\n" + "\n".join(errors[-4:]))


def postgres_schema_url(base_url: str, schema: str) -> str:
    """``base_url`` with ``schema`` as the only schema on the search path."""
    return f"{base_url}?options=-csearch_path%3D{schema}"


@contextmanager
def open_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A new empty database: a SQLite file under ``tmp_path`` or a fresh PostgreSQL schema (on the
    session's ``postgres_url`` fixture, tests/conftest.py), dropped afterwards."""
    if backend == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'var' / 'cases.db'}")
        try:
            yield database
        finally:
            database.dispose()
        return
    base_url = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = admin_engine(base_url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))  # a generated identifier, not input
    database = Database(postgres_schema_url(base_url, schema))
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
