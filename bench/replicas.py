"""The production profile with two Rasa replicas, measured like the single bots.

The replicas share a fresh PostgreSQL database, the atomic Redis lock store and a RabbitMQ
exchange (started by the scale-out test's launcher, ``tests/integration/cluster.py``, which
starts the local services when they are down); conversations are spread over both replicas
message by message, so consecutive turns of one conversation usually land on different
replicas, as behind a proxy without sticky sessions.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.memory import RssSampler
from bench.mix import Mix
from bench.paths import BENCH_LIMITS_OFF, BENCH_REST_TOKEN
from bench.records import BotRun
from bench.runner import LoadOptions, measure, warm_up

NAME = "ours-2x"
DESCRIPTION = (
    "this project in the production profile: two `python -m ops.serve` replicas and one action "
    "server, PostgreSQL tracker store, atomic Redis lock store, RabbitMQ broker, each message "
    "of a conversation sent to the other replica"
)


def run_replicas(mix: Mix, options: LoadOptions, workdir: Path) -> BotRun:
    """Start the two-replica cluster, measure every scenario across both replicas, stop it."""
    from tests.integration.cluster import running_cluster

    bot = BotRun(NAME, DESCRIPTION)
    logs = workdir / "replicas"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        with running_cluster(logs, env={**BENCH_LIMITS_OFF, "REST_TOKEN": BENCH_REST_TOKEN}) as cluster:
            bot.startup_s = round(time.perf_counter() - started, 1)
            print(f"    {NAME}: both replicas answering after {bot.startup_s:.1f} s", flush=True)
            pids = {"actions": cluster.processes[0].pid}
            pids.update({f"rasa-{index + 1}": process.pid for index, process in enumerate(cluster.processes[1:])})
            with RssSampler(pids) as sampler:
                if options.warmup:
                    bot.warmup_errors = warm_up(cluster.urls, mix, options).error_count
                bot.scenarios = measure(cluster.urls, mix, options, sampler)
            peaks = sampler.peaks_mb()
            bot.rasa_peak_mb = max(peaks.get("rasa-1", 0.0), peaks.get("rasa-2", 0.0)) or None
            bot.actions_peak_mb = peaks.get("actions")
            for scenario in bot.scenarios:
                s = scenario.summary
                print(
                    f"    {NAME} x{scenario.concurrency}: {s.messages} messages, p50 {s.p50_ms:.1f} ms, "
                    f"p95 {s.p95_ms:.1f} ms, {s.messages_per_s:.1f} msg/s, {s.errors} errors",
                    flush=True,
                )
    except (RuntimeError, OSError, TimeoutError) as error:
        bot.failure = str(error)
        print(f"    {NAME} FAILED: {str(error)[:2000]}", flush=True)
    return bot
