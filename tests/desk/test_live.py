"""The /events stream: sign-in required, notices reach the browser, streams end with the session
or the server, and a desk with an unreachable broker still serves (sweeping every 60 s)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, List

import aiohttp
import pytest

import desk.blueprints.live as live
from desk.app import BROKER_SWEEP_INTERVAL_S, SWEEP_INTERVAL_S, create_app
from services.delivery import Notifier
from settings.assistant import Settings
from store.pros import ProRepository
from tests.desk.conftest import Desk, csrf_from, desk_settings, start_desk, stop_desk
from tests.desk.fake_rasa import FakeRasa

UNREACHABLE = "amqp://127.0.0.1:1/"


async def read_frame(response: aiohttp.ClientResponse, timeout_s: float = 2.0) -> str:
    """The next server-sent event frame (up to the blank line), as text."""
    return (await asyncio.wait_for(response.content.readuntil(b"\n\n"), timeout_s)).decode()


async def test_events_need_a_session(desk: Desk) -> None:
    response = await desk.page("/events")
    assert response.status == 401
    assert not response.headers["Content-Type"].startswith("text/event-stream")


async def test_a_notice_reaches_the_signed_in_browser(signed_in: Desk) -> None:
    async with signed_in.http.get(f"{signed_in.url}/events") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "connected" in await read_frame(response)
        notice = {
            "type": "handoff",
            "reference": "MTS-7K3Q9",
            "live": True,
            "priority": "critical",
            "status": "waiting",
        }
        assert signed_in.app.ctx.hub.publish(notice) == 1
        frame = await read_frame(response)
    assert frame.startswith("event: handoff\ndata: ")
    assert json.loads(frame.split("data: ", 1)[1]) == notice


async def test_stream_ends_after_sign_out(signed_in: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "HEARTBEAT_S", 0.05)
    async with signed_in.http.get(f"{signed_in.url}/events") as response:
        await read_frame(response)
        assert (await read_frame(response)).startswith(": ping")
        logout = await signed_in.form("/logout", {})
        assert logout.status == 303
        rest = await asyncio.wait_for(response.content.read(), 2)
    assert b"handoff" not in rest
    assert signed_in.app.ctx.hub.subscribers == 0


async def test_stopping_the_desk_ends_open_streams(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    app = create_app(desk_settings(tmp_path, rasa.url), core, sweeper=False)
    server = await start_desk(app)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        desk = Desk(app.ctx.test_url, app, http)
        await desk.login()
        async with http.get(f"{desk.url}/events") as response:
            await read_frame(response)
            await asyncio.wait_for(stop_desk(server), 5)
            assert await asyncio.wait_for(response.content.read(), 2) == b""


async def test_unreachable_broker_does_not_stop_the_desk(
    tmp_path: Path,
    core: Settings,
    pros: ProRepository,
    rasa: FakeRasa,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    intervals: List[float] = []

    async def fake_run(self: Notifier, interval_s: float = 2.0, stop: Any = None) -> None:
        intervals.append(interval_s)
        await stop.wait()

    monkeypatch.setattr(Notifier, "run", fake_run)
    app = create_app(desk_settings(tmp_path, rasa.url, rabbitmq_url=UNREACHABLE), core, sweeper=True)
    server = await start_desk(app)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            desk = Desk(app.ctx.test_url, app, http)
            assert (await desk.login()).status == 303
            page = await (await desk.page("/cases")).text()
        assert 'data-live="on"' in page and 'id="live-banner"' in page
        for _ in range(40):
            if app.ctx.consumer.attempts:
                break
            await asyncio.sleep(0.05)
        assert app.ctx.consumer.attempts >= 1 and not app.ctx.consumer.ready.is_set()
    finally:
        await asyncio.wait_for(stop_desk(server), 5)
    assert intervals == [BROKER_SWEEP_INTERVAL_S] and BROKER_SWEEP_INTERVAL_S >= 30 * SWEEP_INTERVAL_S
    assert "RabbitMQ is unavailable" in caplog.text


async def test_no_live_events_without_a_broker(signed_in: Desk) -> None:
    page = await (await signed_in.page("/cases")).text()
    assert "data-live" not in page and signed_in.app.ctx.consumer is None
    assert '<script src="/static/desk.js" defer></script>' in page


async def test_login_page_of_a_broker_desk_has_no_live_attribute(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    app = create_app(desk_settings(tmp_path, rasa.url, rabbitmq_url=UNREACHABLE), core, sweeper=False)
    server = await start_desk(app)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{app.ctx.test_url}/login") as response:
                page = await response.text()
        assert "data-live" not in page and csrf_from(page)
    finally:
        await stop_desk(server)
