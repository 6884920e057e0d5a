"""Smoke run of the benchmark machinery: ``python -m bench --quick`` against the real servers.

Our bot always, with a 60-message long conversation; the stock ``rasa init`` bot only when it is
already built (``make bench`` builds it once per Rasa version, about a minute of training on
2 cores), so this test never trains.
Takes about 1 minute with our bot alone and 2 with both on a 2-core machine; it starts in the
background when collection ends (``quick_bench`` in tests/conftest.py, tests/bench/quick_run.py),
so most of that overlaps with the tests before it.
"""

from __future__ import annotations

import json

import pytest

from bench.paths import MODEL
from bench.report import BUILD_COLUMNS, LOAD_COLUMNS, MISSING, TARGET_COLUMNS
from tests.bench.markdown import tables
from tests.bench.quick_run import QuickBench

pytestmark = pytest.mark.model
SMOKE_TIMEOUT_S = 300


def _number(cell: str) -> float:
    return float(cell)


def test_quick_benchmark_prints_a_complete_table(quick_bench: QuickBench) -> None:
    assert MODEL.exists(), "train first: make train"
    with_stock, out = quick_bench.with_stock, quick_bench.out
    done = quick_bench.wait(timeout_s=SMOKE_TIMEOUT_S)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

    report = (out / "latest.md").read_text()
    assert report in done.stdout
    (load_header, load_rows), (build_header, build_rows), (target_header, target_rows) = tables(report)
    assert (tuple(load_header), tuple(build_header), tuple(target_header)) == (
        LOAD_COLUMNS,
        BUILD_COLUMNS,
        TARGET_COLUMNS,
    )
    bots = ["stock", "ours"] if with_stock else ["ours"]
    assert [(r[0], r[1]) for r in load_rows] == [(b, c) for c in ("1", "10") for b in bots]
    for row in load_rows:
        messages, *latencies, rate, errors = row[2:8]
        assert int(messages) > 0 and int(errors) == 0, row
        assert all(_number(v) > 0 for v in (*latencies, rate)), row
        assert _number(row[8]) > 100  # Rasa RSS, MB
    ours_build = dict(zip(BUILD_COLUMNS, next(r for r in build_rows if r[0] == "ours"), strict=True))
    assert ours_build["training from scratch s"] == MISSING  # --quick never trains
    assert 0 < _number(ours_build["start-up to first answer s"]) < 300
    assert _number(ours_build["actions peak RSS MB"]) > 10
    for column in ("intent accuracy", "entity F1"):  # scored by a full run, or not yet
        assert ours_build[column] == MISSING or 0 <= _number(ours_build[column]) <= 1
    long_target = "long conversation: p95 near the end vs near the start"
    assert {r[0] for r in target_rows} >= {"errors", "Rasa server peak RSS", "start-up to first answer", long_target}
    assert all(r[3].strip("*") in ("PASS", "MISS", "SKIP") for r in target_rows)

    data = json.loads((out / "latest.json").read_text())
    assert [b["name"] for b in data["bots"]] == bots
    assert data["machine"]["rasa"] == "3.6.21" and not any(b["failure"] for b in data["bots"])
    long = next(b for b in data["bots"] if b["name"] == "ours")["long"]
    assert (long["messages"], long["window"], long["errors"]) == (60, 10, 0)
    assert 0 < long["early_p95_ms"] < 10_000 and 0 < long["late_p95_ms"] < 10_000 and len(long["blocks"]) == 10
    assert "Long conversation (`bench/long.py`, ours): one sender, 60 messages" in report
    photos = data["photos"]  # the notice reader over a spread of the generated set
    assert photos["files"] == 4 and photos["photos"] >= 1 and 0 < photos["photo_max_s"] < 20
    assert "Notice photos (`bench/photos.py`)" in report and "slowest notice photo read" in {r[0] for r in target_rows}
