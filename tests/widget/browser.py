"""Chromium for the widget's browser test: Debian's package, installed with apt-get when missing.

``make browser`` runs this module; the test's fixture calls :func:`ensure_chromium`. Playwright's
own browser download is never used (``playwright install`` needs a CDN this project cannot reach).
Set ``CHROMIUM=/path/to/chromium`` to use another build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# Flags for a headless run as root in a container, without background traffic to Google.
LAUNCH_ARGS: List[str] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserUnavailable(RuntimeError):
    """Chromium is missing and could not be installed; the message says what to do."""


def chromium_path() -> Path:
    """Where Chromium is expected (``CHROMIUM`` or Debian's /usr/bin/chromium)."""
    return Path(os.environ.get("CHROMIUM") or DEBIAN_CHROMIUM)


def _usable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def ensure_chromium() -> Path:
    """Return Chromium's path, installing Debian's ``chromium`` package first if it is missing.

    Raises:
        BrowserUnavailable: not installed and apt-get is missing, not root, or failed.
    """
    path = chromium_path()
    if _usable(path):
        return path
    if path != DEBIAN_CHROMIUM:
        raise BrowserUnavailable(f"CHROMIUM={path} is not an executable file")
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        raise BrowserUnavailable(
            "Chromium is not installed at /usr/bin/chromium and there is no apt-get: "
            "install Chromium and set CHROMIUM=/path/to/chromium"
        )
    if os.geteuid() != 0:
        raise BrowserUnavailable("Chromium is not installed; install it with: sudo apt-get install -y chromium")
    print("==> Installing Chromium with apt-get (for the chat widget's browser test)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt_get, "install", "-y", "chromium"]
    result = subprocess.run(install, env=env, capture_output=True, text=True)
    if result.returncode != 0:  # a fresh image has no package lists yet
        subprocess.run([apt_get, "update"], env=env, capture_output=True, text=True)
        result = subprocess.run(install, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not _usable(path):
        output = (result.stdout + result.stderr)[-2000:]
        raise BrowserUnavailable(f"apt-get could not install chromium (exit {result.returncode}):\n{output}")
    return path


def main() -> int:
    """Make sure Chromium is there; print its version."""
    try:
        path = ensure_chromium()
    except BrowserUnavailable as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    version = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"==> Browser for the widget test: {version or path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
