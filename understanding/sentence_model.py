"""The model both sentence classifiers fit (questions and scope, situations): TF-IDF character and word n-grams
and a one-vs-rest logistic regression (scikit-learn, which Rasa already installs). Fitting takes about a
second on a few thousand sentences and nothing is downloaded."""

from __future__ import annotations

from typing import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline


def fitted_sentence_model(texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    """The pipeline fitted on ``texts`` with their ``labels``."""
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )
    model = Pipeline([("features", features), ("classify", LogisticRegression(C=10.0, solver="liblinear"))])
    model.fit(list(texts), list(labels))
    return model
