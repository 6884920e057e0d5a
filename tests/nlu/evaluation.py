"""Score the trained model's NLU on the held-out set: intent accuracy and notice-code entity F1."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

from rasa.shared.nlu.training_data.loading import load_data

from knowledge.codes import normalise_code

HELDOUT = Path(__file__).parent / "heldout.yml"
ENTITY = "notice_code"

Span = Tuple[int, int, str]


@dataclass
class Score:
    """Counts and rates of one evaluation run."""

    examples: int = 0
    intent_correct: int = 0
    span_tp: int = 0
    span_fp: int = 0
    span_fn: int = 0
    value_tp: int = 0
    value_fp: int = 0
    value_fn: int = 0
    intent_errors: List[Dict[str, Any]] = field(default_factory=list)
    entity_errors: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.examples if self.examples else 0.0

    @staticmethod
    def _f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not (fp or fn) else 0.0)

    @property
    def span_f1(self) -> float:
        """F1 over exact (start, end) spans of notice codes."""
        return self._f1(self.span_tp, self.span_fp, self.span_fn)

    @property
    def value_f1(self) -> float:
        """F1 over normalised code values per message (what the bot looks up)."""
        return self._f1(self.value_tp, self.value_fp, self.value_fn)

    def summary(self) -> Dict[str, Any]:
        data = asdict(self)
        data.update(
            intent_accuracy=round(self.intent_accuracy, 4),
            span_f1=round(self.span_f1, 4),
            value_f1=round(self.value_f1, 4),
        )
        return data


def heldout_examples(path: Path = HELDOUT) -> List[Dict[str, Any]]:
    """The held-out examples as dicts with text, intent and gold notice-code spans."""
    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        gold = [(e["start"], e["end"], e["value"]) for e in message.get("entities", []) or [] if e["entity"] == ENTITY]
        examples.append({"text": message.get("text"), "intent": message.get("intent"), "gold": gold})
    return examples


def score_example(score: Score, example: Dict[str, Any], parsed: Dict[str, Any]) -> None:
    """Add one parsed message to ``score``."""
    score.examples += 1
    predicted_intent = (parsed.get("intent") or {}).get("name")
    if predicted_intent == example["intent"]:
        score.intent_correct += 1
    else:
        score.intent_errors.append(
            {"text": example["text"], "expected": example["intent"], "predicted": predicted_intent}
        )
    predicted: Set[Span] = {
        (e["start"], e["end"], e["value"]) for e in parsed.get("entities", []) if e.get("entity") == ENTITY
    }
    gold: Set[Span] = set(example["gold"])
    gold_pos = {(s, e) for s, e, _ in gold}
    pred_pos = {(s, e) for s, e, _ in predicted}
    score.span_tp += len(gold_pos & pred_pos)
    score.span_fp += len(pred_pos - gold_pos)
    score.span_fn += len(gold_pos - pred_pos)
    gold_values = {normalise_code(v) for _, _, v in gold}
    pred_values = {normalise_code(v) for _, _, v in predicted}
    score.value_tp += len(gold_values & pred_values)
    score.value_fp += len(pred_values - gold_values)
    score.value_fn += len(gold_values - pred_values)
    if gold_pos != pred_pos:
        score.entity_errors.append({"text": example["text"], "expected": sorted(gold), "predicted": sorted(predicted)})


def write_report(score: Score, path: Path) -> None:
    """Save the full score, with every error, as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(score.summary(), indent=2), encoding="utf-8")
