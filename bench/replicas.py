"""The production profile with two Rasa replicas, and with one as its baseline, measured in turn
like the single bots.

The replicas share a fresh PostgreSQL database, the atomic Redis lock store and a RabbitMQ
exchange (started by the scale-out test's launcher, ``tests/integration/cluster.py``, which
starts the local services when they are down); conversations are spread over both replicas
message by message, so consecutive turns of one conversation usually land on different
replicas, as behind a proxy without sticky sessions.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List

import psutil

from bench.memory import RssSampler
from bench.mix import Mix
from bench.paths import BENCH_LIMITS_OFF, BENCH_REST_TOKEN
from bench.records import BotRun
from bench.runner import LoadOptions, Player, measure_in_turn, warm_up

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


def run_replicas(mix: Mix, options: LoadOptions, workdir: Path) -> List[BotRun]:
    """Start the production profile with one replica and with two, then measure them in turn
    (``bench.runner.measure_in_turn``); stop both. Returns the one-replica run and the two-replica run.

    One replica is the two-replica target's baseline: it plays the highest concurrency only.
    """
    from tests.integration.cluster import running_cluster

    runs = [(BotRun(ONE_NAME, ONE_DESCRIPTION), 1), (BotRun(NAME, DESCRIPTION), 2)]
    env = {**BENCH_LIMITS_OFF, "REST_TOKEN": BENCH_REST_TOKEN}
    players: List[Player] = []
    with ExitStack() as stack:
        for bot, count in runs:
            logs = workdir / f"replicas-{count}"
            logs.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            try:
                cluster = stack.enter_context(running_cluster(logs, replicas=count, env=env))
                bot.startup_s = round(time.perf_counter() - started, 1)
                print(f"    {bot.name}: {count} replica(s) answering after {bot.startup_s:.1f} s", flush=True)
                pids = {"actions": cluster.processes[0].pid}
                pids.update({f"rasa-{index + 1}": process.pid for index, process in enumerate(cluster.processes[1:])})
                pids.update(service_pids())
                sampler = stack.enter_context(RssSampler(pids))
                if options.warmup:
                    bot.warmup_errors = warm_up(cluster.urls, mix, options).error_count
                only = (max(options.concurrencies),) if count == 1 else ()
                players.append(Player(bot, list(cluster.urls), mix, sampler, only))
            except (RuntimeError, OSError, TimeoutError) as error:
                bot.failure = str(error)
                print(f"    {bot.name} FAILED: {str(error)[:2000]}", flush=True)
        measure_in_turn(players, options)
        for player in players:
            peaks = player.sampler.peaks_mb()
            player.bot.rasa_peak_mb = max(peaks.get("rasa-1", 0.0), peaks.get("rasa-2", 0.0)) or None
            player.bot.actions_peak_mb = peaks.get("actions")
    return [bot for bot, _ in runs]
