"""Alembic environment for the case store.

Run by ``Database.migrate()`` (which passes its connection in ``config.attributes["connection"]``)
or by the ``alembic`` command at the repository root, which connects to ``DATABASE_URL`` as read by
``settings.assistant``. This directory deliberately has no ``__init__.py``: the action server imports
every package under ``actions/`` and must not import this file.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from store.tables import metadata

if context.config.config_file_name:  # run from the command line with alembic.ini
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

# Any constant works; it only has to be the same in every process migrating this database.
_PG_MIGRATION_LOCK = 74_118_203


def _database_url() -> str:
    url = context.config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from settings.assistant import get_settings

    return get_settings().database_url


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Two processes starting together must not both create the tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Write the SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    context.configure(url=_database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new one to the configured database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from store.db import Database

    database = Database(_database_url())
    try:
        with database.engine.begin() as new_connection:
            _run(new_connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
