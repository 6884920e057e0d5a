"""Latency statistics of one load scenario (percentiles with numpy, no hand-written edge cases)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterable, Sequence

import numpy as np

PERCENTILES = (50, 95, 99)


def percentiles(values: Sequence[float], points: Iterable[float] = PERCENTILES) -> Dict[float, float]:
    """The given percentiles of ``values`` (linear interpolation); NaN for each when empty."""
    points = tuple(points)
    if len(values) == 0:
        return {p: math.nan for p in points}
    computed = np.percentile(np.asarray(values, dtype=float), points)
    return {p: float(v) for p, v in zip(points, computed, strict=True)}


@dataclass
class Summary:
    """What the table shows for one scenario."""

    messages: int
    answered: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    messages_per_s: float
    elapsed_s: float


def summarise(latencies_ms: Sequence[float], errors: int, messages: int, elapsed_s: float) -> Summary:
    """Summarise a scenario.

    Args:
        latencies_ms: the latency of every answered (HTTP 200) message.
        errors: how many messages failed (non-200, timeout, connection error, empty reply).
        messages: how many messages were sent.
        elapsed_s: wall time from the first send to the last reply.
    """
    pct = percentiles(latencies_ms)
    answered = len(latencies_ms)
    ok = max(messages - errors, 0)
    return Summary(
        messages=messages,
        answered=answered,
        errors=errors,
        p50_ms=pct[50],
        p95_ms=pct[95],
        p99_ms=pct[99],
        mean_ms=float(np.mean(latencies_ms)) if answered else math.nan,
        max_ms=float(np.max(latencies_ms)) if answered else math.nan,
        messages_per_s=ok / elapsed_s if elapsed_s > 0 else math.nan,
        elapsed_s=elapsed_s,
    )
