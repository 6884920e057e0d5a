"""understanding/sentence_model.py: a fitted sentence model is kept and loaded again for the same inputs only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.pipeline import Pipeline

from understanding import sentence_model
from understanding.sentence_model import cache_key, fitted_sentence_model

TEXTS = ["can they take my wages", "will they garnish my paycheck", "is this a scam", "is this letter fake"] * 3
LABELS = ["wage_levy", "wage_levy", "scam", "scam"] * 3


def _predict(model: Pipeline) -> list:
    return list(model.predict(["they garnish my paycheck", "a fake letter"]))


def test_the_same_inputs_load_the_kept_model_without_fitting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fitted_sentence_model(TEXTS, LABELS, cache_dir=tmp_path)
    assert [p.suffix for p in tmp_path.iterdir()] == [".joblib"]
    fitted_sentence_model(TEXTS, [*LABELS[:-1], "wage_levy"], cache_dir=tmp_path)  # new examples: the old model goes
    assert len(list(tmp_path.iterdir())) == 1
    first = fitted_sentence_model(TEXTS, LABELS, cache_dir=tmp_path)

    def no_fit(*args: object, **kwargs: object) -> None:
        raise AssertionError("fitted again")

    monkeypatch.setattr(Pipeline, "fit", no_fit)
    again = fitted_sentence_model(TEXTS, LABELS, cache_dir=tmp_path)
    assert _predict(again) == _predict(first) == ["wage_levy", "scam"]


def test_changed_examples_fit_a_new_model() -> None:
    assert cache_key(TEXTS, LABELS) != cache_key(TEXTS, [*LABELS[:-1], "wage_levy"])
    assert cache_key(TEXTS, LABELS) != cache_key([*TEXTS[:-1], "is this letter real"], LABELS)


def test_a_damaged_file_is_fitted_again(tmp_path: Path) -> None:
    (tmp_path / f"sentences-{cache_key(TEXTS, LABELS)}.joblib").write_bytes(b"not a model")
    assert _predict(fitted_sentence_model(TEXTS, LABELS, cache_dir=tmp_path)) == ["wage_levy", "scam"]


def test_an_unwritable_cache_still_gives_a_model(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    model = fitted_sentence_model(TEXTS, LABELS, cache_dir=blocked / "models")
    assert _predict(model) == ["wage_levy", "scam"]


def test_the_cache_lives_in_the_build_directory() -> None:
    assert sentence_model.CACHE_DIR.parts[-2:] == ("build", "sentence-models")
