"""The widget in English and Spanish under ``node --test`` (jsdom, no browser): strings table,
starting language, the EN | ES switch, following the bot, and the language hint in metadata.

Needs Node.js and the widget's npm packages (``cd widget && npm ci``), not the built bundle.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.widget.conftest import ROOT, WIDGET

TEST_FILE = ROOT / "tests" / "widget" / "widget_language.test.mjs"


def test_widget_language_passes_its_node_tests() -> None:
    if not (WIDGET / "node_modules" / "jsdom").is_dir():
        pytest.fail("the widget's npm packages are missing: run `cd widget && npm ci`", pytrace=False)
    result = subprocess.run(["node", "--test", str(TEST_FILE)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    summary = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", result.stdout, re.MULTILINE))
    assert result.returncode == 0 and summary.get("fail") == "0", (
        f"node --test failed ({summary}):\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}"
    )
    assert int(summary["pass"]) >= 25
