"""Session-wide fixtures: the bot the integration and widget tests share (tests/integration/shared_bot.py)
and the PostgreSQL test database (tests/databases.py), and the trained model loaded in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

from tests.databases import usable_postgres_url
from tests.integration.servers import MODEL, free_port
from tests.integration.shared_bot import SharedBot, running_shared_bot

if TYPE_CHECKING:
    from rasa.core.agent import Agent


@pytest.fixture(scope="session")
def demo_port() -> int:
    """The widget demo website's port, fixed for the session so the shared bot can allow its origin."""
    return free_port()


@pytest.fixture(scope="session")
def shared_bot(tmp_path_factory: pytest.TempPathFactory, demo_port: int) -> Iterator[SharedBot]:
    """The bot every module that needs no special settings talks to (started on first use)."""
    with running_shared_bot(tmp_path_factory.mktemp("shared-bot"), f"http://127.0.0.1:{demo_port}") as shared:
        yield shared


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
