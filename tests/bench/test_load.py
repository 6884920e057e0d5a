"""The load driver against a local fake REST channel: latencies, error kinds, URL spreading."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import AsyncIterator, Dict, List

import pytest
from aiohttp import web

from bench.load import drive, has_content
from bench.mix import Conversation, Turn

CONVERSATIONS = (Conversation("one", (Turn("hello"), Turn("fail"), Turn("empty"), Turn("quiet", False))),)


def fake_app(seen: Counter, senders: Dict[str, List[str]]) -> web.Application:
    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        seen[request.host] += 1
        senders.setdefault(body["sender"], []).append(body["message"])
        if body["message"] == "fail":
            return web.Response(status=500, text="boom")
        if body["message"] == "slow":
            await asyncio.sleep(1)
        if body["message"] in ("empty", "quiet"):
            return web.json_response([])
        return web.json_response([{"recipient_id": body["sender"], "text": "hi"}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    return app


@pytest.fixture
async def servers() -> AsyncIterator[tuple]:
    """Two fake Rasa REST channels on loopback: (urls, requests per host, messages per sender)."""
    seen: Counter = Counter()
    senders: Dict[str, List[str]] = {}
    runners, urls = [], []
    for _ in range(2):
        runner = web.AppRunner(fake_app(seen, senders))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        runners.append(runner)
        urls.append(f"http://127.0.0.1:{port}")
    yield urls, seen, senders
    for runner in runners:
        await runner.cleanup()


@pytest.mark.parametrize(
    "replies, expected",
    [
        ([{"text": "hi"}], True),
        ([{"buttons": [{"title": "a"}]}], True),
        ([], False),
        ([{"recipient_id": "x"}], False),
        ({"text": "hi"}, False),
    ],
)
def test_has_content(replies, expected: bool) -> None:
    assert has_content(replies) is expected


async def test_errors_are_classified_and_latencies_kept(servers: tuple) -> None:
    urls, _, senders = servers
    result = await drive(urls[:1], CONVERSATIONS, concurrency=1, max_messages=8)
    assert result.sent == 8
    assert result.errors == Counter({"http_500": 2, "empty_reply": 2})
    assert len(result.latencies_ms) == 6  # every HTTP 200, even an empty one
    assert len(senders) == 2  # a fresh sender per conversation
    assert all(messages == ["hello", "fail", "empty", "quiet"] for messages in senders.values())
    assert result.error_samples[0]["kind"] == "http_500"


async def test_conversations_are_spread_across_urls_and_stay_on_one(servers: tuple) -> None:
    urls, seen, _ = servers
    result = await drive(urls, CONVERSATIONS, concurrency=4, max_messages=16)
    assert result.sent == 16
    assert sorted(seen.values()) == [8, 8]


async def test_a_duration_bounds_the_scenario(servers: tuple) -> None:
    urls, _, _ = servers
    result = await drive(urls, CONVERSATIONS, concurrency=3, duration_s=0.3)
    assert 0.3 <= result.elapsed_s < 2.0
    assert result.sent > 3


async def test_timeouts_and_refused_connections_are_errors(servers: tuple) -> None:
    urls, _, _ = servers
    slow = (Conversation("slow", (Turn("slow"),)),)
    result = await drive(urls[:1], slow, concurrency=1, max_messages=1, timeout_s=0.2)
    assert result.errors == Counter({"timeout": 1})
    refused = await drive(["http://127.0.0.1:9"], slow, concurrency=1, max_messages=1)
    assert refused.errors == Counter({"connection": 1})


async def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        await drive([], CONVERSATIONS, concurrency=1, max_messages=1)
    with pytest.raises(ValueError):
        await drive(["http://x"], CONVERSATIONS, concurrency=1)
