"""A sentence-level situation classifier, for statements the situation patterns do not know.

The patterns in situations.py read the common wordings of each situation ("they garnished my wages");
taxpayers say the same things in many other ways ("a chunk of my paycheck goes straight to the IRS").
This classifier gives one sentence its likeliest situation, or ``none`` for fears, questions, denials
and plain facts about a notice. It is trained at first use from ``situation_examples.yml`` (statements
of each situation in English and Spanish, and sentences stating none) with character and word n-grams
and a logistic regression (scikit-learn, which Rasa already installs); fitting takes well under a
second and nothing is downloaded. situations.py asks it only about stating sentences the patterns find
nothing in, and takes its answer only above MIN_PROBABILITY, so that precision stays high.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import yaml

from understanding.questions import normalise
from understanding.sentence_model import fitted_sentence_model

SITUATION_EXAMPLES = Path(__file__).with_name("situation_examples.yml")
NO_SITUATION = "none"
# Below this probability a sentence states no situation. Chosen on the dev sets: the lowest of 0.5, 0.6, ...
# at which the classifier adds no situation to a dev item (English or Spanish) that the item does not state.
MIN_PROBABILITY = 0.7


def situation_examples(path: Path = SITUATION_EXAMPLES) -> List[Tuple[str, str]]:
    """(sentence, situation or ``none``) for every sentence in ``path``, English and Spanish."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = [
        (str(text), name)
        for name, languages in data["situations"].items()
        for texts in languages.values()
        for text in texts
    ]
    examples += [(str(text), NO_SITUATION) for texts in data[NO_SITUATION].values() for text in texts]
    return examples


class SituationClassifier:
    """Situation probabilities for one sentence: a situation name or ``none``."""

    def __init__(self, examples: Sequence[Tuple[str, str]]) -> None:
        texts, labels = zip(*((normalise(text).lower(), label) for text, label in examples), strict=True)
        self.model = fitted_sentence_model(texts, labels, "situations")

    def labels(self, sentences: Sequence[str]) -> List[Tuple[str, float]]:
        """The likeliest label of each sentence (a situation or ``none``) and its probability, in one pass."""
        if not sentences:
            return []
        rows = self.model.predict_proba([normalise(sentence).lower() for sentence in sentences])
        return [(str(self.model.classes_[row.argmax()]), float(row.max())) for row in rows]

    def label(self, sentence: str) -> Tuple[str, float]:
        """The likeliest label of ``sentence`` and its probability."""
        return self.labels([sentence])[0]

    def situations(self, sentences: Sequence[str], min_probability: float = MIN_PROBABILITY) -> List[Optional[str]]:
        """The situation each sentence states, or None where none is likely enough."""
        return [
            label if label != NO_SITUATION and probability >= min_probability else None
            for label, probability in self.labels(sentences)
        ]

    def situation(self, sentence: str, min_probability: float = MIN_PROBABILITY) -> Optional[str]:
        """The situation ``sentence`` states, or None when none is likely enough."""
        return self.situations([sentence], min_probability)[0]


@functools.lru_cache(maxsize=1)
def situation_classifier() -> SituationClassifier:
    """The classifier trained on situation_examples.yml (once per process)."""
    return SituationClassifier(situation_examples())


async def trained_situation_classifier() -> SituationClassifier:
    """The classifier; its first use trains it in a worker thread, so the action server keeps serving."""
    if situation_classifier.cache_info().currsize:
        return situation_classifier()
    return await asyncio.to_thread(situation_classifier)
