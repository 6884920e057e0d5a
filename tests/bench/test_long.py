"""The long conversation against a local fake REST channel whose replies slow down as it grows."""

from __future__ import annotations

import asyncio
import math
from typing import AsyncIterator, Dict, List, Tuple

import pytest
from aiohttp import web

from bench.load import LoadResult
from bench.long import converse, late_start, script, summarise_long
from bench.mix import Conversation, Mix, Turn


def growing_app(senders: Dict[str, List[str]], step_s: float) -> web.Application:
    """Answers each message after ``step_s`` per message the sender has sent before."""

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        seen = senders.setdefault(body["sender"], [])
        await asyncio.sleep(step_s * len(seen))
        seen.append(body["message"])
        if body["message"] == "fail":
            return web.Response(status=500, text="boom")
        return web.json_response([{"recipient_id": body["sender"], "text": "ok"}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    return app


@pytest.fixture
async def server() -> AsyncIterator[Tuple[str, Dict[str, List[str]]]]:
    senders: Dict[str, List[str]] = {}
    runner = web.AppRunner(growing_app(senders, step_s=0.002))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", senders
    await runner.cleanup()


def test_the_script_is_every_turn_of_the_mix_in_order() -> None:
    mix = Mix("m", "hi", (Conversation("a", (Turn("1"), Turn("2"))), Conversation("b", (Turn("3"),))))
    assert [t.text for t in script(mix)] == ["1", "2", "3"]


async def test_one_sender_cycles_the_turns_and_the_growth_shows(server: Tuple[str, Dict[str, List[str]]]) -> None:
    url, senders = server
    long = await converse(url, (Turn("a"), Turn("b"), Turn("c")), messages=40, window=5)
    assert len(senders) == 1
    assert next(iter(senders.values())) == ["a", "b", "c"] * 13 + ["a"]
    assert long.messages == 40 and long.errors == 0 and len(long.latencies_ms) == 40
    # message n waits 2 ms x n; the late window is the last full "a b c a b" (messages 34-38)
    assert long.late_first == 34 and long.late_p95_ms >= 66 and long.ratio > 3
    assert [b[:2] for b in long.blocks] == [[float(1 + 4 * i), float(4 + 4 * i)] for i in range(10)]
    assert long.blocks[-1][2] > long.blocks[0][2]


async def test_failed_messages_count_and_are_left_out_of_the_windows(
    server: Tuple[str, Dict[str, List[str]]],
) -> None:
    url, _ = server
    long = await converse(url, (Turn("fail"), Turn("fine")), messages=4, window=2)
    assert long.errors == 2 and long.errors_by_kind == {"http_500": 2}
    assert not math.isnan(long.early_p95_ms) and not math.isnan(long.late_p95_ms)


@pytest.mark.parametrize(
    "count, window, period, first",
    [(1000, 10, 27, 972), (1000, 10, 0, 990), (1000, 10, 10, 990), (60, 10, 27, 27), (30, 10, 27, 0), (5, 10, 27, 0)],
)
def test_the_late_window_repeats_the_first_turns_as_near_the_end_as_it_can(
    count: int, window: int, period: int, first: int
) -> None:
    assert late_start(count, window, period) == first


def test_windows_take_the_first_messages_and_the_same_turns_near_the_end() -> None:
    latencies = [10.0] * 10 + [50.0] * 80 + [12.0] * 10 + [99.0] * 5
    long = summarise_long(latencies, 10, LoadResult(1, ["u"]), elapsed_s=3.0, period=45)
    assert (long.late_first, long.early_p95_ms, long.late_p95_ms) == (91, 10.0, 12.0)
    assert math.isclose(long.ratio, 1.2)
    empty = summarise_long([None, None], 1, LoadResult(1, ["u"]), elapsed_s=0.0)
    assert math.isnan(empty.ratio)


async def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        await converse("http://x", (), messages=10)
    with pytest.raises(ValueError):
        await converse("http://x", (Turn("a"),), messages=0)
