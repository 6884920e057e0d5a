"""Percentiles and scenario summaries."""

from __future__ import annotations

import math
from typing import List

import numpy as np
import pytest

from bench.stats import percentiles, summarise


@pytest.mark.parametrize(
    "values, expected",
    [
        ([5.0], {50: 5.0, 95: 5.0, 99: 5.0}),
        ([1.0, 2.0], {50: 1.5, 95: 1.95, 99: 1.99}),
        (list(range(1, 101)), {50: 50.5, 95: 95.05, 99: 99.01}),
        ([3.0, 1.0, 2.0], {50: 2.0, 95: 2.9, 99: 2.98}),
    ],
)
def test_percentiles_interpolate_linearly(values: List[float], expected: dict) -> None:
    assert percentiles(values) == pytest.approx(expected)


def test_percentiles_of_nothing_are_nan() -> None:
    assert all(math.isnan(v) for v in percentiles([]).values())


def test_percentiles_agree_with_numpy_on_random_data() -> None:
    values = np.random.default_rng(7).lognormal(3, 0.5, 999).tolist()
    got = percentiles(values, (50, 95, 99))
    assert got[95] == pytest.approx(np.percentile(values, 95))
    assert got[50] <= got[95] <= got[99] <= max(values)


def test_summary_counts_only_successful_messages_in_throughput() -> None:
    summary = summarise([10.0, 20.0, 30.0, 40.0], errors=1, messages=5, elapsed_s=2.0)
    assert summary.messages_per_s == pytest.approx(2.0)
    assert (summary.answered, summary.errors, summary.messages) == (4, 1, 5)
    assert summary.p50_ms == pytest.approx(25.0)
    assert summary.max_ms == 40.0


def test_summary_of_a_scenario_without_answers() -> None:
    summary = summarise([], errors=3, messages=3, elapsed_s=1.0)
    assert math.isnan(summary.p95_ms) and math.isnan(summary.mean_ms)
    assert summary.messages_per_s == 0.0
