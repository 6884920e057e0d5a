"""Where the benchmark finds the project, the virtual environment and its own files."""
from __future__ import annotations

import importlib.metadata
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


def rasa_version() -> str:
    """The installed Rasa version, read from the package metadata (no Rasa import)."""
    return importlib.metadata.version("rasa")
