"""Summaries of py-spy speedscope profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.paths import ROOT
from bench.profile_report import format_summary, package, short_file, summarise_speedscope

SITE = "/work/.venv/lib/python3.10/site-packages"


@pytest.mark.parametrize(
    "path, expected",
    [
        (f"{SITE}/jsonschema/validators.py", "jsonschema"),
        (f"{SITE}/yaml/_yaml.cpython-310-x86_64-linux-gnu.so", "yaml"),
        (f"{SITE}/six.py", "six"),
        (str(ROOT / "actions" / "notices.py"), "project:actions"),
        ("/usr/lib/python3.10/asyncio/events.py", "stdlib:asyncio"),
        ("/usr/lib/python3.10/json.py", "stdlib:json"),
        ("<string>", "<string>"),
    ],
)
def test_package(path: str, expected: str) -> None:
    assert package(path) == expected


def test_short_file() -> None:
    assert short_file(f"{SITE}/rasa/core/processor.py") == "rasa/core/processor.py"
    assert short_file(str(ROOT / "ops" / "serve.py")) == "ops/serve.py"


def test_self_inclusive_and_package_times(tmp_path: Path) -> None:
    frames = [
        {"name": "main", "file": str(ROOT / "actions" / "x.py"), "line": 1},
        {"name": "validate", "file": f"{SITE}/jsonschema/validators.py", "line": 2},
        {"name": "urlsplit", "file": "/usr/lib/python3.10/urllib/parse.py", "line": 3},
    ]
    profile = {
        "type": "sampled",
        "name": "MainThread",
        "unit": "seconds",
        "startValue": 0,
        "endValue": 1,
        "samples": [[0, 1, 2], [0, 1, 2], [0, 1], [0], []],
        "weights": [0.01, 0.01, 0.01, 0.01, 0.01],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"shared": {"frames": frames}, "profiles": [profile]}))
    summary = summarise_speedscope(path, "rasa", recorded_s=1.0)
    assert summary.total_s == pytest.approx(0.04)
    by_name = {k[0]: v for k, v in summary.self_s.items()}
    assert by_name == pytest.approx({"urlsplit": 0.02, "validate": 0.01, "main": 0.01})
    assert {k[0]: v for k, v in summary.inclusive_s.items()}["validate"] == pytest.approx(0.03)
    assert summary.packages_s["stdlib:urllib"] == pytest.approx(0.02)
    text = format_summary(summary, top=2)
    assert "urlsplit  (urllib/parse.py)" in text
    assert "main  (actions/x.py)" in text.split("Project code by inclusive time:")[1]
