"""Held-out NLU quality of a model: intent accuracy and notice-code entity F1.

The scoring is the held-out gate's own (``tests/nlu/evaluation.py``), imported rather than copied.
The model is loaded in a subprocess (``python -m bench.nlu MODEL OUT.json``) so that TensorFlow
never lives in the benchmark's process, and results are cached by the model file's SHA-256: the
same model bytes always score the same.

Usage: python -m bench.nlu models/tax-assistant.tar.gz /tmp/nlu.json
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.paths import BUILD_DIR, PYTHON, ROOT
from bench.training import quiet_env

CACHE_DIR = BUILD_DIR / "nlu"
EVAL_TIMEOUT_S = 1800
KEPT = ("examples", "intent_accuracy", "span_f1", "value_f1")


def model_digest(model: Path) -> str:
    """SHA-256 of the model file."""
    digest = hashlib.sha256()
    with model.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cached_score(model: Path) -> Optional[Dict[str, Any]]:
    """The cached score of exactly this model file, or ``None``."""
    path = CACHE_DIR / f"{model_digest(model)}.json"
    return json.loads(path.read_text()) if path.exists() else None


def evaluate(model: Path, log: Path) -> Dict[str, Any]:
    """Score ``model`` on the held-out set (cached); keys as in ``KEPT`` plus ``seconds``."""
    if (cached := cached_score(model)) is not None:
        return {**cached, "cached": True}
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    out = CACHE_DIR / f"{model_digest(model)}.json"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        result = subprocess.run(
            [str(PYTHON), "-m", "bench.nlu", str(model), str(out)],
            cwd=ROOT,
            env=quiet_env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=EVAL_TIMEOUT_S,
            check=False,
        )
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"held-out evaluation of {model} failed; log {log}:\n{log.read_text(errors='replace')[-3000:]}"
        )
    return {**json.loads(out.read_text()), "cached": False}


async def _score(model: Path) -> Dict[str, Any]:
    import time

    from rasa.core.agent import Agent

    from tests.nlu.evaluation import Score, heldout_examples, score_example

    start = time.perf_counter()
    agent = Agent.load(str(model))
    score = Score()
    for example in heldout_examples():
        score_example(score, example, await agent.parse_message(example["text"]))
    summary = score.summary()
    kept = {key: summary[key] for key in KEPT}
    return {**kept, "seconds": round(time.perf_counter() - start, 1)}


def main(argv: List[str]) -> int:
    """Score the model ``argv[0]`` and write the JSON to ``argv[1]``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    model, out = Path(argv[0]).resolve(), Path(argv[1])
    scored = asyncio.run(_score(model))
    out.write_text(json.dumps(scored, indent=2))
    print(json.dumps(scored))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
