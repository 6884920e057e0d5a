"""The performance targets (ratios to stock Rasa, start-up, training, memory, photos), checked against
a benchmark run: PASS, MISS, or SKIP when not measured."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional

from bench.records import BenchRun, BotRun

P95_RATIO = 1.5
RSS_LIMIT_MB = 1500.0  # 1.5 GB
STARTUP_LIMIT_S = 60.0
TRAINING_LIMIT_S = 360.0  # 6 minutes
PHOTO_LIMIT_S = 3.0  # one notice photo read in at most 3 s (a taxpayer waits for the confirmation)
OURS, STOCK = "ours", "stock"


@dataclass
class Check:
    """One target: what was required, what was measured, and the verdict."""

    target: str
    limit: str
    measured: str
    status: str  # PASS, MISS or SKIP


def _limit(target: str, limit: str, value: Optional[float], bound: float, unit: str, fmt: str = "{:.1f}") -> Check:
    if value is None or math.isnan(value):
        return Check(target, limit, "not measured", "SKIP")
    return Check(target, limit, fmt.format(value) + unit, "PASS" if value <= bound else "MISS")


def _p95_checks(ours: BotRun, stock: Optional[BotRun]) -> List[Check]:
    checks = []
    for scenario in ours.scenarios:
        target = f"p95 latency, {scenario.concurrency} concurrent"
        limit = f"<= {P95_RATIO}x stock's"
        other = stock.scenario(scenario.concurrency) if stock else None
        if math.isnan(scenario.summary.p95_ms):
            checks.append(Check(target, limit, "no message answered", "MISS"))
            continue
        if other is None or math.isnan(other.summary.p95_ms):
            checks.append(Check(target, limit, f"{scenario.summary.p95_ms:.1f} ms (no stock result)", "SKIP"))
            continue
        ratio = scenario.summary.p95_ms / other.summary.p95_ms
        measured = f"{scenario.summary.p95_ms:.1f} ms vs {other.summary.p95_ms:.1f} ms = {ratio:.2f}x"
        checks.append(Check(target, limit, measured, "PASS" if ratio <= P95_RATIO else "MISS"))
    return checks


def check_targets(run: BenchRun) -> List[Check]:
    """Check every target for our bot against the stock bot of the same run."""
    ours, stock = run.bot(OURS), run.bot(STOCK)
    if ours is None:
        return [Check("our bot", "measured", "not part of this run", "SKIP")]
    if ours.failure:
        return [Check("our bot runs", "starts and answers", ours.failure.splitlines()[0][:120], "MISS")]
    checks = _p95_checks(ours, stock if stock and not stock.failure else None)
    kinds = sorted({k for s in ours.scenarios for k in s.errors_by_kind})
    checks.append(
        Check(
            "errors",
            "0",
            f"{ours.errors}" + (f" ({', '.join(kinds)})" if kinds else ""),
            "PASS" if ours.errors == 0 and ours.scenarios else "MISS",
        )
    )
    checks.append(
        _limit("Rasa server peak RSS", f"<= {RSS_LIMIT_MB:.0f} MB", ours.rasa_peak_mb, RSS_LIMIT_MB, " MB", "{:.0f}")
    )
    checks.append(
        _limit("start-up to first answer", f"<= {STARTUP_LIMIT_S:.0f} s", ours.startup_s, STARTUP_LIMIT_S, " s")
    )
    checks.append(
        _limit("training from scratch", f"<= {TRAINING_LIMIT_S:.0f} s", ours.training_s, TRAINING_LIMIT_S, " s")
    )
    photos = run.photos or {}
    checks.append(
        _limit(
            "slowest notice photo read",
            f"<= {PHOTO_LIMIT_S:.0f} s",
            photos.get("photo_max_s"),
            PHOTO_LIMIT_S,
            " s",
            "{:.2f}",
        )
    )
    return checks
