"""Sums over a process and its children, for the benchmark's memory and CPU readings."""

from __future__ import annotations

from typing import Callable

import psutil


def tree_sum(pid: int, reading: Callable[[psutil.Process], float]) -> float:
    """``reading`` summed over ``pid`` and its live child processes (0 when it is gone; a process
    that ends while being read counts 0)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            total += reading(process)
        except psutil.Error:
            continue
    return total
