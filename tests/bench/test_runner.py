"""Bots measured in turn: the slices of one scenario merge into one scenario."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.load import LoadResult
from bench.runner import _share, _Turns


def _slice(latencies: list, elapsed_s: float, errors: Counter = Counter()) -> LoadResult:
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
