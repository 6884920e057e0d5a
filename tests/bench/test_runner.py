"""Bots measured in turn: players take turns, and the slices of one scenario merge into one scenario."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Dict, Iterator, List, Optional

import pytest
from aiohttp import web

from bench.load import REST_PATH, LoadResult
from bench.mix import Conversation, Mix, Turn
from bench.records import BotRun
from bench.runner import LoadOptions, Player, _share, _Turns, measure_in_turn


def _slice(latencies: List[float], elapsed_s: float, errors: Optional[Counter] = None) -> LoadResult:
    errors = errors or Counter()
    return LoadResult(
        concurrency=1,
        base_urls=["http://127.0.0.1:1"],
        elapsed_s=elapsed_s,
        sent=len(latencies) + sum(errors.values()),
        latencies_ms=list(latencies),
        errors=Counter(errors),
        error_samples=[{"kind": kind} for kind in errors],
    )


def test_slices_merge_into_one_scenario() -> None:
    turns = _Turns(10)
    turns.results = [_slice([10.0] * 90, 10.0), _slice([30.0] * 10, 30.0, Counter(timeout=2))]
    turns.cpu = [{"rasa": 1.0, "machine": 1.5}, {"rasa": 0.2, "machine": 0.5}]
    scenario = turns.scenario({"rasa": 800.0})
    summary = scenario.summary
    assert scenario.concurrency == 10 and scenario.rss_mb == {"rasa": 800.0}
    assert summary.messages == 102 and summary.errors == 2
    # every latency of every slice counts: 90 of 100 at 10 ms, so the p95 is a 30 ms one
    assert summary.p50_ms == pytest.approx(10.0) and summary.p95_ms == pytest.approx(30.0)
    assert summary.messages_per_s == pytest.approx(100 / 40.0)  # answered messages over both slices' time
    assert scenario.errors_by_kind == {"timeout": 2} and scenario.error_samples == [{"kind": "timeout"}]
    # cores used, weighted by each slice's time: (1.0 * 10 + 0.2 * 30) / 40
    assert scenario.cpu_cores == {"machine": pytest.approx(0.75), "rasa": pytest.approx(0.4)}


def test_each_round_gets_its_share_of_the_budget() -> None:
    assert _share(60.0, 3) == 20.0
    assert _share(None, 3) is None


@pytest.fixture
def fake_bots() -> Iterator[List[str]]:
    """Two fake REST channels on loopback, served from their own thread (the driver runs its own loop)."""
    loop = asyncio.new_event_loop()
    runners: List[web.AppRunner] = []

    async def start() -> List[str]:
        urls = []
        for _ in range(2):
            app = web.Application()
            app.router.add_post(REST_PATH, _answer)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            runners.append(runner)
            urls.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
        return urls

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    urls = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    yield urls
    for runner in runners:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


async def _answer(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response([{"recipient_id": body["sender"], "text": "hi"}])


class _Sampler:
    """What measure_in_turn reads of an RSS sampler."""

    def __init__(self) -> None:
        self.pids: Dict[str, int] = {}

    def reset_window(self) -> None:
        pass

    def window_peaks_mb(self) -> Dict[str, float]:
        return {"rasa": 1.0}


def test_players_take_turns_and_a_player_plays_only_its_scenarios(fake_bots: List[str]) -> None:
    mix = Mix("fake", "hello", (Conversation("one", (Turn("hello"), Turn("again"))),))
    both, baseline = BotRun("both", ""), BotRun("baseline", "")
    players = [
        Player(both, fake_bots, mix, _Sampler()),  # type: ignore[arg-type]
        Player(baseline, fake_bots[:1], mix, _Sampler(), concurrencies=(2,)),  # type: ignore[arg-type]
    ]
    options = LoadOptions(concurrencies=(1, 2), duration_s=None, max_messages=12, rounds=3, warmup=False)
    measure_in_turn(players, options)
    assert [s.concurrency for s in both.scenarios] == [1, 2]
    assert [s.concurrency for s in baseline.scenarios] == [2]
    # each round plays a third of the messages: 3 x 4 per scenario
    assert [s.summary.messages for s in both.scenarios + baseline.scenarios] == [12, 12, 12]
    assert all(s.summary.errors == 0 and s.rss_mb == {"rasa": 1.0} for s in both.scenarios + baseline.scenarios)
