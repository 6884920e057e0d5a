"""Session-wide fixtures: the bot the integration and widget tests share (tests/integration/shared_bot.py)
and the PostgreSQL test database (tests/databases.py), and the trained model loaded in this process.

When the collected tests include one that uses ``shared_bot``, the bot starts in the background as
soon as collection ends (:class:`StartingSharedBot`), so its start-up overlaps with the unit tests
that run first; the fixture waits for it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

import pytest

from tests.databases import usable_postgres_url
from tests.integration.servers import MODEL, free_port
from tests.integration.shared_bot import SharedBot, StartingSharedBot

if TYPE_CHECKING:
    from rasa.core.agent import Agent


_DEMO_PORT = free_port()  # the widget demo website's port, fixed for the run: the shared bot allows its origin
_starting: Optional[StartingSharedBot] = None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the shared bot in the background when a collected test will use it."""
    global _starting
    if session.config.option.collectonly or not any("shared_bot" in item.fixturenames for item in session.items):
        return
    _starting = _start_shared_bot()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the shared bot if it was started and is still running (e.g. after ``-x``)."""
    if _starting is not None:
        _stop_shared_bot(_starting)


def _start_shared_bot() -> StartingSharedBot:
    tmp = Path(tempfile.mkdtemp(prefix="pytest-shared-bot-"))
    return StartingSharedBot(tmp, f"http://127.0.0.1:{_DEMO_PORT}").start()


def _stop_shared_bot(starting: StartingSharedBot) -> None:
    global _starting
    _starting = None
    starting.stop()  # raises when a channel secret is in the Rasa log
    shutil.rmtree(starting.tmp, ignore_errors=True)  # kept when the check fails


@pytest.fixture(scope="session")
def demo_port() -> int:
    """The widget demo website's port, fixed for the session so the shared bot can allow its origin."""
    return _DEMO_PORT


@pytest.fixture(scope="session")
def shared_bot() -> Iterator[SharedBot]:
    """The bot every module that needs no special settings talks to (started after collection)."""
    global _starting
    if _starting is None:  # the test was not in the collected set (e.g. requested dynamically)
        _starting = _start_shared_bot()
    starting = _starting
    yield starting.wait()
    _stop_shared_bot(starting)  # fails the last test's teardown when a secret is in the log


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The URL of the PostgreSQL test database, with whichever user can connect."""
    return usable_postgres_url()


@pytest.fixture(scope="session")
def trained_agent() -> Agent:
    """The trained model loaded once in the test process (about 5 s), for the tests that parse with it."""
    from rasa.core.agent import Agent

    assert MODEL.exists(), "train first: make train"
    return Agent.load(str(MODEL))
