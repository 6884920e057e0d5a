"""Print a hash of everything a trained model depends on, to retrain only when it changed.

Usage: python scripts/fingerprint.py
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, List

ROOT = Path(__file__).resolve().parents[1]
INPUT_GLOBS = ["config.yml", "domain.yml", "data/**/*.yml", "nlp/*.py", "requirements.lock"]


def model_inputs(root: Path = ROOT) -> List[Path]:
    """Every file the model is trained from, in a stable order."""
    files = {p for pattern in INPUT_GLOBS for p in root.glob(pattern) if p.is_file()}
    return sorted(files)


def fingerprint(paths: Iterable[Path], root: Path = ROOT) -> str:
    """SHA-256 over the relative paths and contents of ``paths``."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


if __name__ == "__main__":
    print(fingerprint(model_inputs()))
