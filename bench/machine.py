"""The machine a benchmark ran on, for the table's header."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any, Dict

import psutil

from bench.paths import rasa_version


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, else what ``platform`` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    return platform.processor() or platform.machine()


def machine_info() -> Dict[str, Any]:
    """CPU, cores, RAM, OS, Python and Rasa versions, and the load just before the run."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "cpu": cpu_model(),
        "cores_logical": psutil.cpu_count(logical=True),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "rasa": rasa_version(),
        "load_average": [round(x, 2) for x in load],
    }


def busy(info: Dict[str, Any]) -> bool:
    """Whether other work was loading the machine when the run started (1-min load > 0.5/core)."""
    cores = info.get("cores_usable") or info.get("cores_logical") or 1
    return info["load_average"][0] > 0.5 * cores
