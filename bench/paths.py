"""Where the benchmark finds the project, the virtual environment and its own files."""

from __future__ import annotations

import importlib.metadata
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
RASA = VENV_BIN / "rasa"
PYTHON = VENV_BIN / "python"
PY_SPY = VENV_BIN / "py-spy"
MODEL = ROOT / "models" / "tax-assistant.tar.gz"
MESSAGES = BENCH_DIR / "messages.yml"
LIGHT_CONFIG = BENCH_DIR / "config-light.yml"
BUILD_DIR = ROOT / "build" / "bench"
RESULTS_DIR = BENCH_DIR / "results"
QUICK_RESULTS_DIR = BUILD_DIR / "quick"
# One load client on the loopback address: our per-address abuse limits would throttle it, and the
# long conversation sends far more than a person's messages per minute, so the bench measures the bot
# with the limits off; the REST channel gets a fresh bearer token (production needs one).
BENCH_REST_TOKEN = secrets.token_urlsafe(24)
BENCH_LIMITS_OFF = {
    "RATE_LIMIT_MESSAGES": "0",
    "ADDRESS_MESSAGES_PER_MINUTE": "0",
    "ADDRESS_NEW_CONVERSATIONS": "0",
    "GLOBAL_NEW_CONVERSATIONS": "0",
}


def rasa_version() -> str:
    """The installed Rasa version, read from the package metadata (no Rasa import)."""
    return importlib.metadata.version("rasa")
