"""The database connection: a lazily created engine, sessions per operation and migrations.

Usage::

    db = get_database(settings.database_url)  # migrates to the latest schema once per URL
    with db.session() as session:              # commits on success, rolls back on error
        session.execute(select(tables.cases))

Nothing connects at import time; the engine is created on first use.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
# Cases hold taxpayers' personal data: hide_parameters keeps bound values out of errors and logs.
_ENGINE_OPTIONS: Dict[str, Any] = {"future": True, "hide_parameters": True}


def alembic_config(connection: Optional[Connection] = None) -> Config:
    """An Alembic configuration built in code (no ini file), optionally bound to ``connection``.

    Args:
        connection: a connection the migrations run on; when None, ``env.py`` connects to
            ``DATABASE_URL`` from the settings.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        Path(parsed.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        **_ENGINE_OPTIONS,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from pysqlite (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent writers wait (busy timeout)
        # instead of failing with SQLITE_BUSY when a read transaction later tries to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One database, addressed by an SQLAlchemy URL (SQLite file or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        """Remember the URL; the engine is created on first use.

        Args:
            url: e.g. ``sqlite:////srv/var/cases.db`` or ``postgresql+psycopg2://user@host/db``.
        """
        self.url = url
        self._engine: Optional[Engine] = None
        self._lock = threading.Lock()

    @property
    def dialect(self) -> str:
        """The backend's name: ``sqlite`` or ``postgresql``."""
        return make_url(self.url).get_backend_name()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, created on first access."""
        with self._lock:
            if self._engine is None:
                if self.dialect == "sqlite":
                    self._engine = _sqlite_engine(self.url)
                else:
                    self._engine = create_engine(self.url, pool_pre_ping=True, **_ENGINE_OPTIONS)
            return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one operation: commits when the block ends, rolls back on an exception."""
        session = Session(self.engine, future=True)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migrate(self) -> None:
        """Upgrade the schema to the latest migration (``alembic upgrade head``)."""
        with self.engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")

    def dispose(self) -> None:
        """Close every pooled connection (call on shutdown; the engine is recreated if used again)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


_databases: Dict[str, Database] = {}
_databases_lock = threading.Lock()


def get_database(url: str) -> Database:
    """The shared Database for ``url``, migrated to the latest schema on first use.

    Safe to call from several threads: migration runs once per URL per process. Several processes
    migrating at once are serialised by the migration itself (a lock on PostgreSQL, an immediate
    transaction on SQLite).
    """
    with _databases_lock:
        database = _databases.get(url)
        if database is None:
            database = Database(url)
            database.migrate()
            _databases[url] = database
        return database
