"""CPU used during a scenario: the whole machine's busy cores and each server's, in cores.

The replica target needs to know whether a second replica had any CPU left to use: on a machine
whose cores one replica (with its action server, stores and the load generator) already keeps
busy, two replicas cannot go much faster, whatever the code does. ``cores`` here are CPU seconds
per second of wall time: 1.0 is one core kept busy for the whole scenario.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Dict, Mapping

import psutil

from bench.processes import tree_sum

MACHINE = "machine"  # every process on the machine, idle and I/O wait left out
LOAD = "load generator"  # this process: the benchmark's own clients


def _cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live child processes."""
    return tree_sum(pid, _cpu_s)


def machine_busy_s() -> float:
    """CPU seconds all cores have spent busy since boot (neither idle nor waiting on I/O)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


@dataclass
class CpuMeter:
    """Cores used between :meth:`start` and :meth:`cores`, by role and for the whole machine."""

    pids: Mapping[str, int]
    _wall: float = 0.0
    _start: Dict[str, float] = field(default_factory=dict)

    def _now(self) -> Dict[str, float]:
        used = {role: tree_cpu_s(pid) for role, pid in self.pids.items()}
        own = psutil.Process().cpu_times()  # not the tree: the servers are this process's children
        used[LOAD] = own.user + own.system
        used[MACHINE] = machine_busy_s()
        return used

    def start(self) -> CpuMeter:
        """Take the starting readings."""
        self._start, self._wall = self._now(), time.monotonic()
        return self

    def cores(self) -> Dict[str, float]:
        """Cores used since :meth:`start` per role, for the load generator and the machine."""
        elapsed = max(time.monotonic() - self._wall, 1e-9)
        now = self._now()
        return {role: round(max(now[role] - self._start.get(role, 0.0), 0.0) / elapsed, 3) for role in now}


def replica_ceiling(machine_cores_used: float, cores: int) -> float:
    """How many times one replica's throughput the machine's cores could carry at most, if every
    core were kept as busy per message as they were with one replica (``cores / cores used``)."""
    return cores / machine_cores_used if machine_cores_used > 0 else float("nan")
