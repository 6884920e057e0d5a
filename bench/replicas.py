"""The production profile with two Rasa replicas, measured like the single bots.

The replicas share a fresh PostgreSQL database, the atomic Redis lock store and a RabbitMQ
exchange (started by the scale-out test's launcher, ``tests/integration/cluster.py``, which
starts the local services when they are down); conversations are spread over both replicas
message by message, so consecutive turns of one conversation usually land on different
replicas, as behind a proxy without sticky sessions.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Dict

import psutil

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
ONE_NAME = "ours-1x-prod"
ONE_DESCRIPTION = (
    "the same production profile with one replica (the baseline of the two-replica target), measured at the "
    "highest concurrency only"
)
# The local services both profiles share, found by process name; their CPU is measured with the servers'.
SERVICES = {"postgres": ("postgres",), "redis": ("redis-server",), "rabbitmq": ("beam.smp",)}


def service_pids() -> Dict[str, int]:
    """The oldest running process of each local service (PostgreSQL's postmaster, Redis, RabbitMQ's VM)."""
    found: Dict[str, psutil.Process] = {}
    for process in psutil.process_iter(["name", "create_time"]):
        for role, names in SERVICES.items():
            if process.info["name"] in names:
                oldest = found.get(role)
                if oldest is None or process.info["create_time"] < oldest.info["create_time"]:
                    found[role] = process
    return {role: process.pid for role, process in found.items()}


def run_replicas(mix: Mix, options: LoadOptions, workdir: Path, count: int = 2) -> BotRun:
    """Start the production profile with ``count`` replicas, measure the scenarios across them, stop it.

    One replica is the two-replica target's baseline: it runs the highest concurrency only.
    """
    from tests.integration.cluster import running_cluster

    name, description = (NAME, DESCRIPTION) if count == 2 else (ONE_NAME, ONE_DESCRIPTION)
    if count == 1:
        options = replace(options, concurrencies=(max(options.concurrencies),), long_messages=0)
    bot = BotRun(name, description)
    logs = workdir / f"replicas-{count}"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    env = {**BENCH_LIMITS_OFF, "REST_TOKEN": BENCH_REST_TOKEN}
    try:
        with running_cluster(logs, replicas=count, env=env) as cluster:
            bot.startup_s = round(time.perf_counter() - started, 1)
            print(f"    {name}: {count} replica(s) answering after {bot.startup_s:.1f} s", flush=True)
            pids = {"actions": cluster.processes[0].pid}
            pids.update({f"rasa-{index + 1}": process.pid for index, process in enumerate(cluster.processes[1:])})
            pids.update(service_pids())
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
                    f"    {name} x{scenario.concurrency}: {s.messages} messages, p50 {s.p50_ms:.1f} ms, "
                    f"p95 {s.p95_ms:.1f} ms, {s.messages_per_s:.1f} msg/s, {s.errors} errors",
                    flush=True,
                )
    except (RuntimeError, OSError, TimeoutError) as error:
        bot.failure = str(error)
        print(f"    {name} FAILED: {str(error)[:2000]}", flush=True)
    return bot
