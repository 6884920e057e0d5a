"""Measure running bots: warm-up, then the load scenarios, with the bots taking turns.

``measure_in_turn`` only needs each player's base URLs, its mix and an RSS sampler of the processes
behind it, so the production profile's replicas (bench/replicas.py) take turns the same way as the
single bots (``run_in_turn``).
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


@dataclass
class Player:
    """A started bot (or set of replicas) that takes turns: where to send, what, and its RSS sampler.

    ``concurrencies`` limits the scenarios it plays (empty: all of them)."""

    bot: BotRun
    urls: List[str]
    mix: Mix
    sampler: RssSampler
    concurrencies: Sequence[int] = ()


def measure_in_turn(players: Sequence[Player], options: LoadOptions) -> None:
    """Play every scenario in ``options.rounds`` rounds, each player its share in every round, one
    after the other; append each player's merged scenario to its bot."""
    rounds = max(1, options.rounds)
    slice_messages = None if options.max_messages is None else max(1, options.max_messages // rounds)
    slice_s = _share(options.duration_s, rounds)
    for concurrency in options.concurrencies:
        playing = [p for p in players if not p.concurrencies or concurrency in p.concurrencies]
        turns = {id(player): _Turns(concurrency) for player in playing}
        for player in playing:
            player.sampler.reset_window()
        for _ in range(rounds):
            for player in playing:
                meter = CpuMeter(player.sampler.pids).start()
                result = _drive(
                    player.urls, player.mix, concurrency, options, max_messages=slice_messages, duration_s=slice_s
                )
                turns[id(player)].results.append(result)
                turns[id(player)].cpu.append(meter.cores())
        for player in playing:
            scenario = turns[id(player)].scenario(player.sampler.window_peaks_mb())
            player.bot.scenarios.append(scenario)
            s = scenario.summary
            print(
                f"    {player.bot.name} x{concurrency}: {s.messages} messages in {rounds} turns, "
                f"p50 {s.p50_ms:.1f} ms, p95 {s.p95_ms:.1f} ms, {s.messages_per_s:.1f} msg/s, {s.errors} errors",
                flush=True,
            )


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
        measure_in_turn([Player(bot, [started.url], mix, started.sampler) for bot, started, mix in live], options)
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
