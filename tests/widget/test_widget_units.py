"""The widget's pure logic (Markdown sanitising, conversation, history, config) under ``node --test``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.widget.conftest import WIDGET


def test_widget_logic_passes_its_node_tests(widget_built: Path) -> None:
    files = sorted(str(path.relative_to(WIDGET)) for path in (WIDGET / "test").glob("*.test.js"))
    assert files, "no widget/test/*.test.js files"
    result = subprocess.run(["node", "--test", *files], cwd=WIDGET, capture_output=True, text=True, timeout=300)
    summary = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", result.stdout, re.MULTILINE))
    assert result.returncode == 0 and summary.get("fail") == "0", (
        f"node --test failed ({summary}):\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}"
    )
    assert int(summary["pass"]) >= 60
