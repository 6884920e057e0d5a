"""ops.serve: Rasa's wait for a custom action is set from ACTION_TIMEOUT_S, and that still works.

If a Rasa upgrade renames ``DEFAULT_REQUEST_TIMEOUT`` in ``rasa.core.actions.action`` or stops
passing it to the action server request, these tests fail: the bot would otherwise silently go back
to waiting five minutes for a hung action server.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from typing import AsyncIterator, Iterator, Set

import pytest

from ops import serve
from ops.serve import ServeSettings, TimeoutHookMissing, set_action_timeout
from tests.integration.servers import ROOT

HANG_S = 60.0


@pytest.fixture
def restore_timeout() -> Iterator[None]:
    import rasa.core.actions.action as action_module

    before = action_module.DEFAULT_REQUEST_TIMEOUT
    yield
    action_module.DEFAULT_REQUEST_TIMEOUT = before


@pytest.fixture
async def hung_action_server() -> AsyncIterator[str]:
    """An HTTP server that accepts the action call and never answers (within a minute)."""

    handlers: Set[asyncio.Task] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.add(asyncio.current_task())
        await reader.read(65536)
        try:
            await asyncio.sleep(HANG_S)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/webhook"
    server.close()
    for task in handlers:
        task.cancel()
    await asyncio.gather(*handlers, return_exceptions=True)
    await server.wait_closed()


def test_rasa_still_has_the_attribute_at_its_five_minute_default() -> None:
    import rasa.core.actions.action as action_module
    import rasa.core.constants as constants

    assert hasattr(action_module, serve.TIMEOUT_ATTRIBUTE), "Rasa renamed the action timeout: fix ops/serve.py"
    assert constants.DEFAULT_REQUEST_TIMEOUT == 300


def test_setting_returns_the_previous_value(restore_timeout: None) -> None:
    import rasa.core.actions.action as action_module

    previous = action_module.DEFAULT_REQUEST_TIMEOUT
    assert set_action_timeout(7.5) == previous
    assert action_module.DEFAULT_REQUEST_TIMEOUT == 7.5


def test_a_missing_attribute_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.actions.action as action_module

    monkeypatch.delattr(action_module, serve.TIMEOUT_ATTRIBUTE)
    with pytest.raises(TimeoutHookMissing):
        set_action_timeout(10)


async def test_a_hung_action_server_is_given_up_on_in_time(restore_timeout: None, hung_action_server: str) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import EndpointConfig

    set_action_timeout(1.0)
    domain = Domain.empty()
    action = RemoteAction("action_anything", EndpointConfig(hung_action_server))
    started = time.monotonic()
    with pytest.raises((RasaException, asyncio.TimeoutError)):
        # The outer limit only keeps a broken hook from hanging the test suite for five minutes.
        await asyncio.wait_for(
            action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator({}),
                DialogueStateTracker("someone", []),
                domain,
            ),
            timeout=15,
        )
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"Rasa waited {elapsed:.1f} s: the action timeout is no longer applied"


@pytest.mark.parametrize("value", ["0", "-1", "301", "soon"])
def test_bad_timeouts_are_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_TIMEOUT_S", value)
    with pytest.raises(ValueError):
        ServeSettings(_env_file=None)


def test_the_default_is_ten_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACTION_TIMEOUT_S", raising=False)
    assert ServeSettings(_env_file=None).action_timeout_s == 10.0


def test_the_command_line_is_rasa_run() -> None:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "ops.serve", "--help"],
        cwd=ROOT,
        env={**os.environ, "ACTION_TIMEOUT_S": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage: rasa run" in result.stdout and "--enable-api" in result.stdout
    assert "custom actions time out after 3 s" in result.stderr


def test_request_bodies_are_capped_unless_the_environment_sets_a_limit() -> None:
    from ops.serve import DEFAULT_REQUEST_MAX_BYTES, limit_request_size

    environ: dict = {}
    assert limit_request_size(environ) == DEFAULT_REQUEST_MAX_BYTES
    assert environ["SANIC_REQUEST_MAX_SIZE"] == str(DEFAULT_REQUEST_MAX_BYTES)
    assert limit_request_size({"SANIC_REQUEST_MAX_SIZE": "500000"}) == 500_000


def test_sanic_reads_the_limit_from_the_environment(monkeypatch) -> None:
    from sanic import Sanic

    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", "1234")
    app = Sanic("request_size_probe")
    assert app.config.REQUEST_MAX_SIZE == 1234


def test_tensorflow_uses_one_thread_per_pool_unless_configured() -> None:
    from ops.serve import limit_tensorflow_threads

    environ: dict = {"TF_INTER_OP_PARALLELISM_THREADS": "4"}
    limit_tensorflow_threads(environ)
    assert environ == {"TF_INTER_OP_PARALLELISM_THREADS": "4", "TF_INTRA_OP_PARALLELISM_THREADS": "1"}


def test_rasa_still_reads_the_tensorflow_thread_variables() -> None:
    from rasa import constants

    from ops.serve import TENSORFLOW_THREADS

    assert set(TENSORFLOW_THREADS) == {constants.ENV_CPU_INTER_OP_CONFIG, constants.ENV_CPU_INTRA_OP_CONFIG}
