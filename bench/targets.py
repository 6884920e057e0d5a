"""The performance targets (ratios to stock Rasa in the same run, the long conversation, two
replicas against one, start-up, training, memory, photos), checked against a benchmark run:
PASS, MISS, or SKIP when not measured."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional

from bench.cpu import MACHINE, replica_ceiling
from bench.records import BenchRun, BotRun, Scenario

P95_RATIO = 1.0  # our p95 at most stock's, at every concurrency measured
THROUGHPUT_RATIO = 1.0  # messages per second at least stock's
LONG_RATIO = 1.2  # p95 near the end of a long conversation at most 1.2x that near its start
REPLICA_SPEEDUP = 1.6  # two replicas at least 1.6x one replica's messages per second
RSS_LIMIT_MB = 1000.0  # 1.0 GB
STARTUP_LIMIT_S = 25.0
TRAINING_LIMIT_S = 150.0
PHOTO_LIMIT_S = 3.0  # one notice photo read in at most 3 s (a taxpayer waits for the confirmation)
OURS, STOCK, REPLICAS, ONE_REPLICA = "ours", "stock", "ours-2x", "ours-1x-prod"


@dataclass
class Check:
    """One target: what was required, what was measured, and the verdict."""

    target: str
    limit: str
    measured: str
    status: str  # PASS, MISS or SKIP


def _missing(value: Optional[float]) -> bool:
    return value is None or math.isnan(value)


def _limit(target: str, limit: str, value: Optional[float], bound: float, unit: str, fmt: str = "{:.1f}") -> Check:
    if value is None or math.isnan(value):
        return Check(target, limit, "not measured", "SKIP")
    return Check(target, limit, fmt.format(value) + unit, "PASS" if value <= bound else "MISS")


def _against_stock(ours: BotRun, stock: Optional[BotRun]) -> List[Check]:
    """Per concurrency: p95 at most ``P95_RATIO`` x stock's, then messages per second at least
    ``THROUGHPUT_RATIO`` x stock's; SKIP without a stock result, MISS when nothing was answered."""
    checks = []
    for key, unit, bound, lower_is_better in (
        ("p95_ms", "ms", P95_RATIO, True),
        ("messages_per_s", "msg/s", THROUGHPUT_RATIO, False),
    ):
        for scenario in ours.scenarios:
            if lower_is_better:
                target, limit = f"p95 latency, {scenario.concurrency} concurrent", f"<= {bound:g}x stock's"
            else:
                target, limit = f"throughput, {scenario.concurrency} concurrent", f">= {bound:g}x stock's msg/s"
            value: float = getattr(scenario.summary, key)
            other = stock.scenario(scenario.concurrency) if stock else None
            reference: Optional[float] = getattr(other.summary, key) if other else None
            if _missing(value):
                checks.append(Check(target, limit, "no message answered", "MISS"))
            elif reference is None or _missing(reference) or reference <= 0:
                checks.append(Check(target, limit, f"{value:.1f} {unit} (no stock result)", "SKIP"))
            else:
                ratio = value / reference
                passed = ratio <= bound if lower_is_better else ratio >= bound
                measured = f"{value:.1f} {unit} vs {reference:.1f} {unit} = {ratio:.2f}x"
                checks.append(Check(target, limit, measured, "PASS" if passed else "MISS"))
    return checks


def _long_check(ours: BotRun) -> Check:
    target, limit = "long conversation: p95 near the end vs near the start", f"<= {LONG_RATIO:g}x"
    long = ours.long
    if long is None:
        return Check(target, limit, "not measured", "SKIP")
    window = long.window
    measured = (
        f"messages {long.late_first}-{long.late_first + window - 1} of {long.messages} "
        f"{long.late_p95_ms:.1f} ms vs 1-{window} {long.early_p95_ms:.1f} ms"
    )
    if _missing(long.ratio):
        return Check(target, limit, f"{measured} ({long.errors} errors)", "MISS")
    measured += f" = {long.ratio:.2f}x" + (f", {long.errors} errors" if long.errors else "")
    return Check(target, limit, measured, "PASS" if long.ratio <= LONG_RATIO and not long.errors else "MISS")


def _roles(scenario: Scenario) -> str:
    """The cores each process used in ``scenario``, largest first."""
    ranked = sorted(scenario.cpu_cores.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{role} {value:.2f}" for role, value in ranked if role != MACHINE)


def _cpu_note(one: Scenario, two: Scenario, cores: int) -> str:
    """Why two replicas went no faster, from the CPU both scenarios used (bench/cpu.py)."""
    used, used_two = one.cpu_cores.get(MACHINE), two.cpu_cores.get(MACHINE)
    if not used or not used_two:
        return ""
    replicas = sum(value for role, value in two.cpu_cores.items() if role.startswith("rasa"))
    return (
        f"; with one replica the machine used {used:.2f} of its {cores} cores ({_roles(one)}), so at most "
        f"{replica_ceiling(used, cores):.2f}x is possible here; with two, {used_two:.2f} cores were busy, of which "
        f"the two replicas had {replicas:.2f} ({_roles(two)})"
    )


def _replica_check(
    ours: BotRun, replicas: Optional[BotRun], cores: int = 0, one_prod: Optional[BotRun] = None
) -> Check:
    """Two replicas against one, at the highest concurrency both ran (one conversation cannot
    use a second replica: its turns run one at a time). The baseline is one replica of the same
    production profile when it was measured (else the default profile). A miss says how much CPU
    was left and where it went: the target assumes a core for each replica."""
    if one_prod is not None and not one_prod.failure and one_prod.scenarios:
        ours = one_prod
    target, limit = "2 replicas vs 1: throughput", f">= {REPLICA_SPEEDUP:g}x"
    if replicas is None:
        return Check(target, limit, "not measured", "SKIP")
    if replicas.failure:
        return Check(target, limit, replicas.failure.splitlines()[0][:120], "MISS")
    levels = {s.concurrency for s in ours.scenarios} & {s.concurrency for s in replicas.scenarios}
    if not levels:
        return Check(target, limit, "no common concurrency", "SKIP")
    level = max(levels)
    one, two = ours.scenario(level), replicas.scenario(level)
    assert one is not None and two is not None
    single, double = one.summary.messages_per_s, two.summary.messages_per_s
    if _missing(single) or _missing(double) or single <= 0:
        return Check(target, limit, f"no message answered at {level} concurrent", "MISS")
    speedup = double / single
    measured = f"{double:.1f} vs {single:.1f} msg/s ({ours.name}) at {level} concurrent = {speedup:.2f}x"
    if speedup >= REPLICA_SPEEDUP:
        return Check(target, limit, measured, "PASS")
    return Check(target, limit, measured + _cpu_note(one, two, cores), "MISS")


def check_targets(run: BenchRun) -> List[Check]:
    """Check every target for our bot against the stock bot of the same run."""
    ours, stock = run.bot(OURS), run.bot(STOCK)
    if ours is None:
        return [Check("our bot", "measured", "not part of this run", "SKIP")]
    if ours.failure:
        return [Check("our bot runs", "starts and answers", ours.failure.splitlines()[0][:120], "MISS")]
    usable_stock = stock if stock and not stock.failure else None
    checks = _against_stock(ours, usable_stock)
    kinds = sorted(
        {k for s in ours.scenarios for k in s.errors_by_kind} | set(ours.long.errors_by_kind if ours.long else {})
    )
    checks.append(
        Check(
            "errors",
            "0",
            f"{ours.errors}" + (f" ({', '.join(kinds)})" if kinds else ""),
            "PASS" if ours.errors == 0 and ours.scenarios else "MISS",
        )
    )
    checks.append(_long_check(ours))
    cores = run.machine.get("cores_usable") or run.machine.get("cores_logical") or 0
    checks.append(_replica_check(ours, run.bot(REPLICAS), cores, run.bot(ONE_REPLICA)))
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
