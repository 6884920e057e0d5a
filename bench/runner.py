"""Measure running bots: warm-up, then one load scenario per concurrency level.

``measure`` only needs base URLs and, optionally, an RSS sampler of the processes behind them, so
a later "production profile, two replicas" row is::

    with RssSampler({"rasa-1": pid1, "rasa-2": pid2, "actions": pid3}) as sampler:
        scenarios = measure([url1, url2], mix, options, sampler)
    run.bots.append(BotRun("ours-2x", "production profile, two replicas", scenarios=scenarios))
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from bench.cpu import CpuMeter
from bench.load import LoadResult, drive
from bench.long import DEFAULT_WINDOW, run_long
from bench.memory import RssSampler
from bench.mix import Mix
from bench.records import BotRun, Scenario
from bench.servers import BotSpec, running
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


def run_bot(
    bot: BotRun, spec: BotSpec, mix: Mix, options: LoadOptions, workdir: Path, with_long: bool = False
) -> BotRun:
    """Start ``spec``, time start-up, measure every scenario and fill ``bot``; failures recorded.

    With ``with_long`` (and ``options.long_messages``), the long conversation follows the scenarios.
    """
    try:
        with running(spec, workdir, mix.startup) as started:
            bot.startup_s, bot.actions_ready_s = started.startup_s, started.actions_ready_s
            print(f"    {bot.name}: answering after {started.startup_s:.1f} s", flush=True)
            if options.warmup:
                bot.warmup_errors = warm_up([started.url], mix, options).error_count
            bot.scenarios = measure([started.url], mix, options, started.sampler)
            if with_long and options.long_messages > 0:
                bot.long = run_long(started.url, mix, options.long_messages, options.long_window, options.timeout_s)
            if died := started.died():
                raise RuntimeError(
                    "; ".join(
                        f"the {role} server died during the load (exit code {code})" for role, code in died.items()
                    )
                    + f"; logs {started.logs}"
                )
            for scenario in bot.scenarios:
                s = scenario.summary
                print(
                    f"    {bot.name} x{scenario.concurrency}: {s.messages} messages, "
                    f"p50 {s.p50_ms:.1f} ms, p95 {s.p95_ms:.1f} ms, {s.messages_per_s:.1f} msg/s, "
                    f"{s.errors} errors",
                    flush=True,
                )
        peaks = started.sampler.peaks_mb()
        bot.rasa_peak_mb, bot.actions_peak_mb = peaks.get("rasa"), peaks.get("actions")
    except (RuntimeError, OSError) as error:
        bot.failure = str(error)
        print(f"    {bot.name} FAILED: {str(error)[:2000]}", flush=True)
    return bot
