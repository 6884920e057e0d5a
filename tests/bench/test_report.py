"""The markdown report: columns, rows, number formats, notes."""

from __future__ import annotations

import math

import pytest

from bench.report import BUILD_COLUMNS, LOAD_COLUMNS, MISSING, TARGET_COLUMNS, fmt, render
from bench.targets import check_targets
from tests.bench.markdown import tables
from tests.bench.runs import bench_run, bot


@pytest.mark.parametrize(
    "value, digits, expected",
    [
        (1.2345, 1, "1.2"),
        (1234.5, 0, "1234"),
        (0.95, 3, "0.950"),
        (None, 1, MISSING),
        (math.nan, 1, MISSING),
    ],
)
def test_fmt(value, digits: int, expected: str) -> None:
    assert fmt(value, digits) == expected


def test_report_has_three_tables_with_bots_side_by_side() -> None:
    run = bench_run(
        bot("stock", 25.0, 300.0), bot("ours", 37.0, 450.0, nlu={"intent_accuracy": 0.951, "span_f1": 0.98})
    )
    report = render(run, check_targets(run))
    (load_header, load_rows), (build_header, build_rows), (target_header, target_rows) = tables(report)
    assert tuple(load_header) == LOAD_COLUMNS
    assert tuple(build_header) == BUILD_COLUMNS
    assert tuple(target_header) == TARGET_COLUMNS
    assert [(r[0], r[1]) for r in load_rows] == [("stock", "1"), ("ours", "1"), ("stock", "10"), ("ours", "10")]
    for row in load_rows:
        for cell in row[2:9]:
            float(cell)
    assert load_rows[0][-1] == MISSING  # the stock bot has no action server
    assert build_rows[1][-2:] == ["0.951", "0.980"]
    assert len(target_rows) == 11
    assert (
        "Long conversation (`bench/long.py`, ours): one sender, 1000 messages one at a time (the mix's turns "
        "over and over), 0 errors, 50 s; p95 of messages 1-10 40.0 ms, of messages 973-982 (the same turns) "
        "44.0 ms (1.10x); "
        "p95 ms per block of messages: 1-100: 40, 101-200: 40, 201-300: 41" in report
    )
    assert report.count("Long conversation (") == 1  # the stock bot plays no long conversation
    assert "code 98%, date 91%, amount 95%" in report and "slowest photo 2.37 s" in report
    assert "Test CPU" in report and "Rasa 3.6.21" in report and "2026-11-26" in report


def test_busy_machine_and_failures_are_called_out() -> None:
    failed = bot("ours", 1.0, 1.0, failure="ours: no answer within 300 s: ModuleNotFoundError")
    failed.scenarios = []
    report = render(bench_run(bot("stock", 1.0, 1.0), failed, load=3.0), [])
    assert "busy with other work" in report
    assert "FAILED: ours: no answer within 300 s: ModuleNotFoundError" in report


def test_error_kinds_are_listed() -> None:
    report = render(bench_run(bot("ours", 1.0, 1.0, errors=3)), [])
    assert "errors: empty_reply 3" in report
