"""Rasa's outgoing requests on kept-alive connections (ops/action_client.py), on loopback."""

from __future__ import annotations

import asyncio
import socket
from typing import AsyncIterator, Dict, List

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig
from sanic.config import DEFAULT_CONFIG

from ops import action_client


class CountingServer:
    """An HTTP server that records which client connection (peer port) each request came on."""

    def __init__(self, keepalive_s: float = 75.0) -> None:
        self.peers: List[int] = []
        self.headers: List[Dict[str, str]] = []
        self.keepalive_s = keepalive_s
        self.port = _free_port()
        self.runner: web.AppRunner

    async def handle(self, request: web.Request) -> web.Response:
        self.peers.append(request.transport.get_extra_info("peername")[1])
        self.headers.append(dict(request.headers))
        return web.json_response({"events": [], "responses": [], "echo": await request.json()})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self.handle)
        self.runner = web.AppRunner(app, keepalive_timeout=self.keepalive_s)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def server() -> AsyncIterator[CountingServer]:
    running = CountingServer()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def kept_alive(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(EndpointConfig, "session", action_client.shared_session)
    yield
    await action_client.close_sessions()


async def post_n(config: EndpointConfig, count: int) -> List[dict]:
    return [await config.request(json={"n": n}, method="post") for n in range(count)]


async def test_rasas_own_requests_open_a_connection_each(server: CountingServer) -> None:
    """The control: what install() changes."""
    await post_n(EndpointConfig(server.url), 5)
    assert len(set(server.peers)) == 5


async def test_requests_share_one_kept_alive_connection(server: CountingServer, kept_alive: None) -> None:
    replies = await post_n(EndpointConfig(server.url), 5)
    assert [reply["echo"]["n"] for reply in replies] == list(range(5))
    assert len(server.peers) == 5 and len(set(server.peers)) == 1


async def test_concurrent_requests_all_get_their_own_answer(server: CountingServer, kept_alive: None) -> None:
    config = EndpointConfig(server.url)
    replies = await asyncio.gather(*(config.request(json={"n": n}, method="post") for n in range(30)))
    assert [reply["echo"]["n"] for reply in replies] == list(range(30))


async def test_the_body_arrives_as_the_same_data(server: CountingServer, kept_alive: None) -> None:
    """ujson writes the body: accents, slashes, floats, nulls and nesting come back unchanged."""
    body = {
        "tracker": {
            "latest_message": {
                "text": '¿me embargarán? </script> 50% \\ "ok"',
                "intent": {"confidence": 0.1234567890123},
            },
            "events": [{"event": "slot", "name": "amount", "value": 4000.5, "timestamp": 1764900000.123456}, None],
        },
        "big": 2**53 + 1,
        "empty": [],
    }
    reply = await EndpointConfig(server.url).request(json=body, method="post")
    assert reply["echo"] == body


async def test_headers_and_basic_auth_still_go_with_every_request(server: CountingServer, kept_alive: None) -> None:
    config = EndpointConfig(
        server.url, headers={"X-Firm": "milestone"}, basic_auth={"username": "rasa", "password": "pw"}
    )
    await post_n(config, 2)
    await post_n(EndpointConfig(server.url), 1)
    assert [h.get("X-Firm") for h in server.headers] == ["milestone", "milestone", None]
    assert [h.get("Authorization", "").startswith("Basic ") for h in server.headers] == [True, True, False]


async def test_an_idle_connection_is_dropped_before_the_server_would_drop_it(
    server: CountingServer, kept_alive: None
) -> None:
    assert action_client.IDLE_S < DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"]  # Sanic: the action server
    config = EndpointConfig(server.url)
    await post_n(config, 1)
    await asyncio.sleep(action_client.IDLE_S + 1.5)
    await post_n(config, 1)
    assert len(set(server.peers)) == 2


async def test_a_restarted_server_is_reached_on_a_new_connection(kept_alive: None) -> None:
    first = CountingServer()
    await first.start()
    config = EndpointConfig(first.url)
    await post_n(config, 2)
    await first.stop()
    second = CountingServer()
    second.port = first.port
    await second.start()
    try:
        replies = await post_n(config, 3)
    finally:
        await second.stop()
    assert len(replies) == 3 and len(second.peers) == 3


async def test_closing_ends_the_sessions_of_this_loop(server: CountingServer, kept_alive: None) -> None:
    config = EndpointConfig(server.url)
    async with config.session() as session:
        pass
    assert not session.closed  # borrowed, not closed by the `async with`
    assert await action_client.close_sessions() == 1
    assert session.closed
    await post_n(config, 1)  # a new session after closing
    assert len(server.peers) == 1


async def test_rasas_stop_listener_also_closes_the_sessions(server: CountingServer, kept_alive: None) -> None:
    called: List[str] = []

    async def rasa_close(app: object, loop: object) -> None:
        called.append("rasa")

    config = EndpointConfig(server.url)
    async with config.session() as session:
        pass
    await action_client.close_with_rasa(rasa_close)(object(), asyncio.get_running_loop())
    assert called == ["rasa"] and session.closed


def test_install_patches_the_endpoint_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    assert not action_client.installed()
    action_client.install()
    action_client.install()
    assert action_client.installed()
