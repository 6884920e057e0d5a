"""Measure running bots: warm-up, then one load scenario per concurrency level.

``measure`` only needs base URLs and, optionally, an RSS sampler of the processes behind them, so
a later "production profile, two replicas" row is::

    with RssSampler({"rasa-1": pid1, "rasa-2": pid2, "actions": pid3}) as sampler:
        scenarios = measure([url1, url2], mix, options, sampler)
    run.bots.append(BotRun("ours-2x", "production profile, two replicas", scenarios=scenarios))
"""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bench.cpu import CpuMeter
from bench.load import LoadResult, drive
from bench.long import DEFAULT_WINDOW, run_long
from bench.memory import RssSampler
from bench.mix import Mix
from bench.records import BotRun, Scenario
from bench.servers import BotSpec, RunningBot, running
from bench.stats import summarise


@dataclass(frozen=True)
class LoadOptions:
    """How long and how hard each scenario runs."""

    concurrencies: Sequence[int] = (1, 10)
    duration_s: Optional[float] = 60.0
    max_messages: Optional[int] = None
    timeout_s: float = 30.0
    warmup: bool = True
    long_messages: int = 0  # the long conversation (bench/long.py); 0 leaves it out
    long_window: int = DEFAULT_WINDOW
    # Bots measured together (run_in_turn) take turns this many times per scenario, each turn a
    # share of the duration or messages, so a slow or busy spell of the machine falls on all of them.
    rounds: int = 1


def _drive(
    base_urls: Sequence[str],
    mix: Mix,
    concurrency: int,
    options: LoadOptions,
    max_messages: Optional[int] = None,
    duration_s: Optional[float] = None,
) -> LoadResult:
    return asyncio.run(
        drive(
            base_urls,
            mix.conversations,
            concurrency,
            duration_s=duration_s,
            max_messages=max_messages,
            timeout_s=options.timeout_s,
        )
    )


def warm_up(base_urls: Sequence[str], mix: Mix, options: LoadOptions) -> LoadResult:
    """Play every conversation once per URL, unmeasured (first calls build TensorFlow graphs)."""
    return _drive(base_urls, mix, 1, options, max_messages=mix.messages * len(base_urls))


def measure(
    base_urls: Sequence[str], mix: Mix, options: LoadOptions, sampler: Optional[RssSampler] = None
) -> List[Scenario]:
    """Run one scenario per concurrency level against ``base_urls``; peak RSS per scenario."""
    scenarios = []
    for concurrency in options.concurrencies:
        if sampler:
            sampler.reset_window()
        meter = CpuMeter(sampler.pids if sampler else {}).start()
        result = _drive(
            base_urls, mix, concurrency, options, max_messages=options.max_messages, duration_s=options.duration_s
        )
        cpu_cores = meter.cores()
        summary = summarise(result.latencies_ms, result.error_count, result.sent, result.elapsed_s)
        scenarios.append(
            Scenario(
                concurrency,
                summary,
                dict(result.errors),
                result.error_samples,
                sampler.window_peaks_mb() if sampler else {},
                cpu_cores,
            )
        )
    return scenarios


@dataclass
class _Turns:
    """The slices one bot played of one scenario, merged into one :class:`Scenario` at the end."""

    concurrency: int
    results: List[LoadResult] = field(default_factory=list)
    cpu: List[Dict[str, float]] = field(default_factory=list)

    def scenario(self, rss_mb: Dict[str, float]) -> Scenario:
        latencies = [ms for result in self.results for ms in result.latencies_ms]
        errors: Counter = sum((result.errors for result in self.results), Counter())
        samples = [sample for result in self.results for sample in result.error_samples][:5]
        sent = sum(result.sent for result in self.results)
        elapsed = sum(result.elapsed_s for result in self.results)
        weights = [max(result.elapsed_s, 1e-9) for result in self.results]
        roles = {role for cores in self.cpu for role in cores}
        cpu = {
            role: round(sum(c.get(role, 0.0) * w for c, w in zip(self.cpu, weights, strict=True)) / sum(weights), 3)
            for role in sorted(roles)
        }
        summary = summarise(latencies, sum(errors.values()), sent, elapsed)
        return Scenario(self.concurrency, summary, dict(errors), samples, rss_mb, cpu)


def _share(total: Optional[float], rounds: int) -> Optional[float]:
    return None if total is None else total / rounds


def run_in_turn(
    entries: Sequence[Tuple[BotRun, BotSpec, Mix]], options: LoadOptions, workdir: Path, long_for: str = ""
) -> List[BotRun]:
    """Start every bot, then measure them in turn: each scenario is played in ``options.rounds``
    rounds, and in each round every bot plays its share, one after the other.

    Bots measured one after the other over many minutes see the machine in different states (other
    work on the host, clock speed); taking turns in short slices shares those spells out, so the
    ratios between bots are fairer. The bot named ``long_for`` then plays the long conversation.
    Returns the bots in ``entries``' order, each with its scenarios or its failure.
    """
    rounds = max(1, options.rounds)
    live: List[Tuple[BotRun, RunningBot, Mix]] = []
    with ExitStack() as stack:
        for bot, spec, mix in entries:
            try:
                started = stack.enter_context(running(spec, workdir, mix.startup))
                bot.startup_s, bot.actions_ready_s = started.startup_s, started.actions_ready_s
                print(f"    {bot.name}: answering after {started.startup_s:.1f} s", flush=True)
                if options.warmup:
                    bot.warmup_errors = warm_up([started.url], mix, options).error_count
                live.append((bot, started, mix))
            except (RuntimeError, OSError) as error:
                bot.failure = str(error)
                print(f"    {bot.name} FAILED: {str(error)[:2000]}", flush=True)
        for concurrency in options.concurrencies:
            turns = {bot.name: _Turns(concurrency) for bot, _, _ in live}
            for _, started, _ in live:
                started.sampler.reset_window()
            for _ in range(rounds):
                for bot, started, mix in live:
                    meter = CpuMeter(started.sampler.pids).start()
                    result = _drive(
                        [started.url],
                        mix,
                        concurrency,
                        options,
                        max_messages=None if options.max_messages is None else max(1, options.max_messages // rounds),
                        duration_s=_share(options.duration_s, rounds),
                    )
                    turns[bot.name].results.append(result)
                    turns[bot.name].cpu.append(meter.cores())
            for bot, started, _ in live:
                scenario = turns[bot.name].scenario(started.sampler.window_peaks_mb())
                bot.scenarios.append(scenario)
                s = scenario.summary
                print(
                    f"    {bot.name} x{concurrency}: {s.messages} messages in {rounds} turns, "
                    f"p50 {s.p50_ms:.1f} ms, p95 {s.p95_ms:.1f} ms, {s.messages_per_s:.1f} msg/s, {s.errors} errors",
                    flush=True,
                )
        for bot, started, mix in live:
            if bot.name == long_for and options.long_messages > 0:
                bot.long = run_long(started.url, mix, options.long_messages, options.long_window, options.timeout_s)
            if died := started.died():
                bot.failure = (
                    "; ".join(
                        f"the {role} server died during the load (exit code {code})" for role, code in died.items()
                    )
                    + f"; logs {started.logs}"
                )
                print(f"    {bot.name} FAILED: {bot.failure[:2000]}", flush=True)
            peaks = started.sampler.peaks_mb()
            bot.rasa_peak_mb, bot.actions_peak_mb = peaks.get("rasa"), peaks.get("actions")
    return [bot for bot, _, _ in entries]
