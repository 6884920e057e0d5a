"""The model both sentence classifiers fit (questions and scope, situations): TF-IDF character and word n-grams
and a one-vs-rest logistic regression (scikit-learn, which Rasa already installs). Fitting takes about a
second on a few thousand sentences idle (many times that while servers start beside it) and nothing is
downloaded.

Every process that answers messages (each action server, the test process) needs both models, so a fitted
model is kept under ``build/sentence-models/``, named by a hash of its training sentences, labels, this
module's settings and scikit-learn's version: a process whose inputs are unchanged loads it instead of
fitting again, and any change to the examples fits (and keeps) a new one. The files are written by this
project into its own ``build/`` directory (like the trained Rasa model, they are pickles: trusted as much
as the code beside them). When that directory cannot be written, the model is fitted in memory as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Optional, Sequence

import joblib
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

logger = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parents[1] / "build" / "sentence-models"
# Part of every cache key: change it when the pipeline below changes.
SETTINGS = "char_wb 2-5 min_df 2 sublinear + word 1-2 sublinear; liblinear C=10"


def _new_model() -> Pipeline:
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )
    return Pipeline([("features", features), ("classify", LogisticRegression(C=10.0, solver="liblinear"))])


def cache_key(texts: Sequence[str], labels: Sequence[str]) -> str:
    """The hash naming the fitted model of ``texts`` and ``labels`` (with the settings and scikit-learn's version)."""
    payload = json.dumps([SETTINGS, sklearn.__version__, list(texts), list(labels)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _load(path: Path) -> Optional[Pipeline]:
    try:
        model = joblib.load(path)
    except Exception as error:  # noqa: BLE001 - a damaged or foreign file is fitted again, never trusted
        logger.warning("Ignoring the cached sentence model %s (%s)", path.name, type(error).__name__)
        return None
    return model if isinstance(model, Pipeline) else None


def _keep(model: Pipeline, path: Path, name: str) -> None:
    """Write ``model`` to ``path`` atomically (processes starting together never read half a file), and remove
    the models of the same name fitted on earlier examples."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        joblib.dump(model, partial)
        os.replace(partial, path)
        for old in path.parent.glob(f"{name}-*.joblib"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        logger.info("Sentence model not kept (%s): it is fitted in memory", type(error).__name__)


def fitted_sentence_model(
    texts: Sequence[str], labels: Sequence[str], name: str = "sentences", cache_dir: Optional[Path] = None
) -> Pipeline:
    """The pipeline fitted on ``texts`` with their ``labels``: loaded from the cache when they are unchanged.
    ``name`` names the classifier (one kept model per name)."""
    path = (cache_dir or CACHE_DIR) / f"{name}-{cache_key(texts, labels)}.joblib"
    if path.is_file():
        cached = _load(path)
        if cached is not None:
            return cached
    model = _new_model()
    model.fit(list(texts), list(labels))
    _keep(model, path, name)
    return model
