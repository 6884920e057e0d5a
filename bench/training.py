"""Train the bots the benchmark compares, from scratch, and time it.

* The stock bot is ``rasa init --no-prompt`` (the template trains itself), built once per Rasa
  version under ``build/bench/stock-rasa-<version>/`` with its training time kept beside it.
* Our bot and the light alternative are trained with ``rasa train --force`` into a temporary
  output directory with ``RASA_CACHE_DIRECTORY`` pointing to an empty temporary directory, so
  neither ``models/`` nor the project's ``.rasa`` cache is read or touched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from bench.paths import BUILD_DIR, LIGHT_CONFIG, RASA, ROOT, rasa_version

STOCK_META = "bench-stock.json"
TRAIN_TIMEOUT_S = 3600


@dataclass
class Training:
    """A model and how long training it from scratch took (``None`` when not measured)."""

    model: Optional[Path]
    seconds: Optional[float]
    note: str = ""


def quiet_env(**extra: str) -> Dict[str, str]:
    """The environment for Rasa subprocesses: no telemetry, plus ``extra``."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **extra}


def _run_logged(command: List[str], cwd: Path, env: Dict[str, str], log: Path) -> float:
    """Run ``command`` with its output in ``log``; return the wall time, raise on failure."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=TRAIN_TIMEOUT_S, check=False
        )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({result.returncode}); log {log}:\n{tail}")
    return seconds


def stock_dir(version: Optional[str] = None) -> Path:
    """Where the stock bot of this Rasa version is cached."""
    return BUILD_DIR / f"stock-rasa-{version or rasa_version()}"


def cached_stock(version: Optional[str] = None) -> Optional[Training]:
    """The cached stock bot (project directory's model and its training time), or ``None``."""
    meta_path = stock_dir(version) / STOCK_META
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    model = stock_dir(version) / meta["model"]
    if not model.exists():
        return None
    return Training(model=model, seconds=meta["train_seconds"], note=f"rasa init, measured {meta['measured_at']}")


def build_stock(rebuild: bool = False, log_dir: Optional[Path] = None) -> Training:
    """Build (once per Rasa version) the stock ``rasa init --no-prompt`` bot and time it.

    The whole ``rasa init`` is timed: copying the template takes milliseconds, the rest is
    training. The project is built in a temporary directory and moved into place on success.
    """
    version = rasa_version()
    if not rebuild and (cached := cached_stock(version)):
        return cached
    target = stock_dir(version)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stock-", dir=BUILD_DIR) as tmp:
        project, cache = Path(tmp) / "project", Path(tmp) / "cache"
        project.mkdir()
        log = (log_dir or BUILD_DIR) / "stock-init.log"
        seconds = _run_logged(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project,
            env=quiet_env(RASA_CACHE_DIRECTORY=str(cache)),
            log=log,
        )
        models = sorted((project / "models").glob("*.tar.gz"))
        if not models:
            raise RuntimeError(f"rasa init trained no model; see {log}")
        shutil.rmtree(project / ".rasa", ignore_errors=True)
        measured_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        meta = {
            "rasa_version": version,
            "model": str(models[-1].relative_to(project)),
            "train_seconds": round(seconds, 1),
            "measured_at": measured_at,
        }
        (project / STOCK_META).write_text(json.dumps(meta, indent=2))
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(project), str(target))
    built = cached_stock(version)
    assert built is not None
    built.note = "rasa init, measured in this run"
    return built


def train_from_scratch(config: Path, out_dir: Path, name: str, log: Path) -> Training:
    """Train our project with ``config`` into ``out_dir`` with an empty cache; time it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        seconds = _run_logged(
            [
                str(RASA),
                "train",
                "--force",
                "--config",
                str(config),
                "--domain",
                "domain.yml",
                "--data",
                "data",
                "--out",
                str(out_dir),
                "--fixed-model-name",
                name,
            ],
            cwd=ROOT,
            env=quiet_env(RASA_CACHE_DIRECTORY=cache),
            log=log,
        )
    return Training(model=out_dir / f"{name}.tar.gz", seconds=seconds, note="rasa train --force, empty cache")


def light_fingerprint() -> str:
    """A hash of everything the light model depends on (the project's inputs plus its config)."""
    from scripts.fingerprint import fingerprint, model_inputs

    return fingerprint([*model_inputs(), LIGHT_CONFIG])


def light_model_path() -> Path:
    """Where the light model is kept between benchmark runs."""
    return BUILD_DIR / "models" / "ours-light.tar.gz"


def cached_light() -> Optional[Path]:
    """The light model if it was trained from the current inputs, else ``None``."""
    model = light_model_path()
    stamp = model.with_suffix("").with_suffix(".fingerprint")
    if model.exists() and stamp.exists() and stamp.read_text().strip() == light_fingerprint():
        return model
    return None


def train_light(log: Path) -> Training:
    """Train the light alternative config from scratch, time it and keep the model for reuse."""
    model = light_model_path()
    training = train_from_scratch(LIGHT_CONFIG, model.parent, "ours-light", log)
    model.with_suffix("").with_suffix(".fingerprint").write_text(light_fingerprint())
    return training
