"""CPU per scenario (bench/cpu.py) and the replica target's explanation of a miss."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.cpu import LOAD, MACHINE, CpuMeter, replica_ceiling
from bench.targets import check_targets
from tests.bench.runs import bench_run, bot

REPLICAS = "2 replicas vs 1: throughput"


def test_the_meter_counts_a_busy_child_and_the_machine() -> None:
    spinner = subprocess.Popen(
        [sys.executable, "-c", "import time\nend = time.time() + 1.5\nwhile time.time() < end: pass"]
    )
    try:
        meter = CpuMeter({"spinner": spinner.pid}).start()
        time.sleep(1.0)
        cores = meter.cores()
    finally:
        spinner.wait(timeout=10)
    assert 0.6 <= cores["spinner"] <= 1.1, cores  # one core kept busy
    assert cores[MACHINE] >= 0.6 * cores["spinner"], cores
    assert cores[LOAD] < 0.3, cores  # this process only slept: its child's CPU is not the load generator's


def test_a_gone_process_counts_nothing() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(timeout=10)
    meter = CpuMeter({"gone": finished.pid}).start()
    assert meter.cores()["gone"] == 0.0


def test_the_ceiling_is_the_cores_over_what_one_replica_used() -> None:
    assert replica_ceiling(1.6, 2) == 1.25
    assert replica_ceiling(0.5, 4) == 8.0


def test_a_replica_miss_says_how_much_cpu_one_replica_left() -> None:
    ours = bot("ours", 20.0, 300.0, messages=20)
    ours.scenarios[1].cpu_cores = {"rasa": 1.02, "actions": 0.21, LOAD: 0.3, MACHINE: 1.7}
    two = bot("ours-2x", 20.0, 300.0, messages=24)
    two.scenarios[1].cpu_cores = {"rasa-1": 0.7, "rasa-2": 0.68, MACHINE: 1.97}
    check = next(c for c in check_targets(bench_run(ours, two)) if c.target == REPLICAS)
    assert check.status == "MISS"
    assert check.measured == (
        "12.0 vs 10.0 msg/s (ours) at 10 concurrent = 1.20x; with one replica the machine used 1.70 of its 2 cores "
        "(rasa 1.02, load generator 0.30, actions 0.21), so at most 1.18x is possible here; with two, 1.97 "
        "cores were busy, of which the two replicas had 1.38 (rasa-1 0.70, rasa-2 0.68)"
    )
    passing = next(
        c for c in check_targets(bench_run(ours, bot("ours-2x", 20.0, 300.0, messages=40))) if c.target == REPLICAS
    )
    assert passing.status == "PASS" and "cores" not in passing.measured
