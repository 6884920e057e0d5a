"""Fixtures for the widget tests: the built bundle, Chromium, and the demo site on a free port."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.widget.browser import BrowserUnavailable, ensure_chromium

ROOT = Path(__file__).resolve().parents[2]
WIDGET = ROOT / "widget"
BUNDLE = WIDGET / "dist" / "tax-chat.js"


@pytest.fixture(scope="session")
def widget_built() -> Path:
    """The bundle, after ``make widget`` (npm ci and the build, each only when stale)."""
    try:
        result = subprocess.run(
            ["make", "--no-print-directory", "widget"], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
    except FileNotFoundError:
        pytest.fail(
            "`make` is not installed: build the widget with `cd widget && npm ci && node build.mjs`", pytrace=False
        )
    if result.returncode != 0:
        pytest.fail(f"`make widget` failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}", pytrace=False)
    return BUNDLE


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Chromium's path, installed with apt-get first when it is missing."""
    try:
        return ensure_chromium()
    except BrowserUnavailable as error:
        pytest.fail(f"No Chromium for the widget's browser test: {error}", pytrace=False)


@pytest.fixture
def demo_site(widget_built: Path, tmp_path: Path, demo_port: int) -> Iterator[str]:
    """The demo website with the built widget (widget/serve.py) on a free loopback port."""
    port = demo_port
    log = tmp_path / "demo-site.log"
    process = subprocess.Popen(
        [sys.executable, str(WIDGET / "serve.py"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the demo site did not start:\n{log.read_text()}", pytrace=False)
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
