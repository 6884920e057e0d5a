"""The issue-5 targets: PASS, MISS and SKIP."""

from __future__ import annotations

from typing import Dict

from bench.targets import check_targets
from tests.bench.runs import PHOTOS, bench_run, bot


def statuses(run) -> Dict[str, str]:
    return {c.target: c.status for c in check_targets(run)}


def test_everything_within_the_targets_passes() -> None:
    run = bench_run(bot("stock", 25.0, 300.0), bot("ours", 37.0, 450.0, nlu={"intent_accuracy": 0.95}))
    assert set(statuses(run).values()) == {"PASS"}
    assert len(statuses(run)) == 7


def test_a_slow_notice_photo_misses_and_an_unmeasured_one_is_skipped() -> None:
    ours = bot("ours", 30.0, 300.0)
    slow = bench_run(bot("stock", 25.0, 300.0), ours, photos={**PHOTOS, "photo_max_s": 3.4})
    assert statuses(slow)["slowest notice photo read"] == "MISS"
    assert statuses(bench_run(bot("stock", 25.0, 300.0), ours, photos=None))["slowest notice photo read"] == "SKIP"


def test_p95_ratio_is_checked_per_concurrency() -> None:
    run = bench_run(bot("stock", 20.0, 300.0), bot("ours", 31.0, 300.0))
    result = statuses(run)
    assert result["p95 latency, 1 concurrent"] == "MISS"  # 1.55x
    assert result["p95 latency, 10 concurrent"] == "PASS"
    measured = {c.target: c.measured for c in check_targets(run)}
    assert "1.55x" in measured["p95 latency, 1 concurrent"]


def test_exactly_one_and_a_half_times_passes() -> None:
    assert (
        statuses(bench_run(bot("stock", 20.0, 200.0), bot("ours", 30.0, 300.0)))["p95 latency, 1 concurrent"] == "PASS"
    )


def test_limits_miss_when_exceeded() -> None:
    ours = bot("ours", 10.0, 10.0, errors=2, rasa_peak_mb=1600.0, startup_s=61.0, training_s=361.0)
    result = statuses(bench_run(bot("stock", 10.0, 10.0), ours))
    for target in ("errors", "Rasa server peak RSS", "start-up to first answer", "training from scratch"):
        assert result[target] == "MISS", target


def test_without_stock_or_training_the_checks_are_skipped() -> None:
    result = statuses(bench_run(bot("ours", 10.0, 10.0, training_s=None)))
    assert result["p95 latency, 1 concurrent"] == "SKIP"
    assert result["training from scratch"] == "SKIP"
    assert result["errors"] == "PASS"


def test_a_failed_bot_misses() -> None:
    ours = bot("ours", 10.0, 10.0, failure="ours: the rasa server exited early: boom\nlog...")
    checks = check_targets(bench_run(bot("stock", 10.0, 10.0), ours))
    assert [c.status for c in checks] == ["MISS"]
    assert "boom" in checks[0].measured


def test_no_answers_at_all_miss() -> None:
    ours = bot("ours", 10.0, 10.0)
    ours.scenarios[1].summary.p95_ms = float("nan")
    result = statuses(bench_run(bot("stock", 10.0, 10.0), ours))
    assert result["p95 latency, 10 concurrent"] == "MISS"
