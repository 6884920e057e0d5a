"""Shared pieces of the fault tests: a time limit per test, fresh PostgreSQL schemas, domain texts.

Every fault test runs real processes on loopback (action server, Rasa, agent desk, PostgreSQL) and
breaks one of them on purpose. Each test fails, rather than hangs, after :data:`TEST_LIMIT_S`.
"""

from __future__ import annotations

import signal
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import yaml
from sqlalchemy import create_engine, text

from tests.services_up import ensure_postgres

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
TEST_LIMIT_S = 240
# The channel guard's polite answer to a turn the bot could not answer (channels/guard.py).
TECHNICAL_PROBLEM = "utter_technical_problem"


class TimeLimit(Exception):
    """A fault test ran longer than TEST_LIMIT_S."""


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    """Interrupt the test (in the main thread, where it waits) after TEST_LIMIT_S seconds."""

    def expire(_signum: int, _frame: Any) -> None:
        raise TimeLimit(f"the fault test took more than {TEST_LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, TEST_LIMIT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def response_text(response: str, /, **values: str) -> Optional[str]:
    """The text of a domain response's default variant (no ``channel``), filled in; None if absent."""
    variants = DOMAIN.get("responses", {}).get(response)
    if not variants:
        return None
    variant = next((v for v in variants if "channel" not in v), variants[0])
    return variant["text"].format(**values) if values else variant["text"]


@contextmanager
def postgres_schema() -> Iterator[Dict[str, str]]:
    """A fresh schema in the test database, dropped afterwards.

    Yields:
        ``{"name": schema, "direct": URL straight to PostgreSQL}``; callers build proxied URLs
        with :func:`schema_url`.
    """
    ensure_postgres(PG_URL)
    schema = f"fault_{uuid.uuid4().hex[:10]}"  # hex only: safe as an identifier
    admin = create_engine(PG_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield {"name": schema, "direct": schema_url(schema)}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def schema_url(schema: str, port: int = 5432) -> str:
    """The test database at ``port`` (PostgreSQL or a proxy in front of it), on ``schema``.

    ``connect_timeout`` keeps a connection attempt from hanging while the proxy is cut.
    """
    return f"postgresql+psycopg2://postgres@127.0.0.1:{port}/test?options=-csearch_path%3D{schema}&connect_timeout=3"
