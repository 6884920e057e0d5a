"""A sentence-level question classifier trained on the assistant's own NLU examples.

Rasa's DIET gives one intent per message; a paragraph asks two or three things. The question
patterns (questions.py) catch the common wordings; this classifier reads each asking sentence the
patterns found nothing in and maps its likeliest intent to a question label. It is trained at first
use from ``data/nlu/*.yml`` (every intent, so greetings, intake answers and out-of-scope messages
compete too), with character and word n-grams and a one-vs-rest logistic regression (scikit-learn,
which Rasa already installs); fitting takes about half a second and nothing is downloaded.
"""
from __future__ import annotations

import asyncio
import functools
import re
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
# The question each intent asks; other intents are trained on but answer no question here.
QUESTION_OF_INTENT: Dict[str, str] = {
    "ask_levy": "levy_general", "ask_lien": "lien", "ask_collection_statute": "collection_statute",
    "ask_installment_agreement": "payment_plan", "ask_offer_in_compromise": "offer_in_compromise",
    "ask_cnc": "cnc_hardship", "ask_innocent_spouse": "innocent_spouse", "ask_penalty_relief": "penalty_relief",
    "ask_cdp_appeals": "cdp_hearing", "ask_scam": "scam", "ask_deadline": "deadline",
    "ask_relief_options": "what_to_do", "ask_collection_process": "consequences", "request_human": "talk_to_pro",
}
# Below this probability the sentence is left to the patterns alone.
MIN_PROBABILITY = 0.3
# "[CP504](notice_code)" and "[CP504]{"entity": ...}" in the examples: keep the text only.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples(nlu_dir: Path = NLU_DIR) -> List[Tuple[str, str]]:
    """(text, intent) for every intent example under ``nlu_dir``, annotations removed."""
    examples: List[Tuple[str, str]] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = _ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())
                if text:
                    examples.append((text, intent))
    return examples


class QuestionClassifier:
    """Intent probabilities for one sentence, mapped to a question label."""

    def __init__(self, examples: Sequence[Tuple[str, str]]) -> None:
        features = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ])
        self.model = Pipeline([("features", features), ("classify", LogisticRegression(C=10.0, solver="liblinear"))])
        texts, intents = zip(*examples)
        self.model.fit(list(texts), list(intents))

    def intent(self, sentence: str) -> Tuple[str, float]:
        """The likeliest intent of ``sentence`` and its probability."""
        probabilities = self.model.predict_proba([sentence])[0]
        best = int(probabilities.argmax())
        return str(self.model.classes_[best]), float(probabilities[best])

    def question(self, sentence: str, min_probability: float = MIN_PROBABILITY) -> Optional[str]:
        """The question label ``sentence`` asks, or None when no question intent is likely enough."""
        intent, probability = self.intent(sentence)
        return QUESTION_OF_INTENT.get(intent) if probability >= min_probability else None


@functools.lru_cache(maxsize=1)
def question_classifier() -> QuestionClassifier:
    """The classifier trained on the project's NLU data (once per process)."""
    return QuestionClassifier(training_examples())


async def trained_question_classifier() -> QuestionClassifier:
    """The classifier; its first use trains it in a worker thread, so the action server keeps serving."""
    if question_classifier.cache_info().currsize:
        return question_classifier()
    return await asyncio.to_thread(question_classifier)
