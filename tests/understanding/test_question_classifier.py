"""The sentence-level question classifier trained on the project's NLU examples."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from understanding.question_classifier import (
    QUESTION_OF_INTENT,
    QuestionClassifier,
    question_classifier,
    question_examples,
    trained_question_classifier,
    training_examples,
)
from understanding.questions import QUESTIONS
from understanding.reading import read_message

TODAY = __import__("datetime").date(2026, 12, 3)


def test_examples_lose_their_entity_annotations(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: explain_notice\n  examples: |\n    - what is a [CP504](notice_code)\n'
        '    - got [LT11]{"entity": "notice_code"} today\n- regex: x\n  examples: |\n    - \\d+\n',
        encoding="utf-8",
    )
    assert training_examples(tmp_path) == [("what is a CP504", "explain_notice"), ("got LT11 today", "explain_notice")]


def test_every_mapped_label_is_a_known_question() -> None:
    assert set(QUESTION_OF_INTENT.values()) <= set(QUESTIONS)


@pytest.mark.parametrize(
    "sentence, question",
    [
        ("can they take my disability check?", "social_security_levy"),  # a disability check is a benefit
        ("can they go after my car next", "levy_general"),
        ("is the letter even legit", "scam"),
        ("hello there", None),
        ("my name is Dana Reyes", None),
    ],
)
def test_sentences(sentence: str, question: object) -> None:
    assert question_classifier().question(sentence) == question


def test_examples_are_not_taken_from_the_measuring_set() -> None:
    measured = yaml.safe_load(Path(__file__).with_name("question_sentences.yml").read_text(encoding="utf-8"))
    asked = [text for by in measured["questions"].values() for texts in by.values() for text in texts]
    measuring = {str(text).lower() for text in [*asked, *(t for texts in measured["none"].values() for t in texts)]}
    assert not {text.lower() for text, _ in question_examples()} & measuring


def test_fits_in_about_a_second() -> None:
    started = time.perf_counter()
    QuestionClassifier(training_examples())
    assert time.perf_counter() - started < 5.0


def test_reading_adds_the_classified_question_only_for_sentences_the_patterns_missed() -> None:
    asked = []

    def classify(sentence: str):
        asked.append(sentence)
        return "scam"

    reading = read_message(
        "I got a bill. Can I pay monthly? Is the whole thing on the level", lambda raw: None, TODAY, classify=classify
    )
    assert asked == ["Is the whole thing on the level"]
    assert reading.questions[0] == "payment_plan" and "scam" in reading.questions


def test_a_sentence_the_patterns_read_can_ask_the_classifiers_question_too() -> None:
    beside: list = []

    def classify_beside(sentence: str):
        beside.append(sentence)
        return "cnc_hardship" if "monthly" in sentence else None

    text = "I got a bill. Can I pay monthly, I have almost nothing? Is the whole thing on the level"
    reading = read_message(text, lambda raw: None, TODAY, classify=lambda s: None, classify_beside=classify_beside)
    assert beside == ["Can I pay monthly, I have almost nothing?"]  # only asking sentences the patterns placed
    assert reading.questions[:2] == ["payment_plan", "cnc_hardship"]
    assert "cnc_hardship" not in read_message(text, lambda raw: None, TODAY, classify=lambda s: None).questions


async def test_first_use_trains_off_the_event_loop_and_later_uses_share_one_classifier() -> None:
    question_classifier.cache_clear()
    first = await trained_question_classifier()
    assert question_classifier.cache_info().currsize == 1
    assert await trained_question_classifier() is first and question_classifier() is first


def test_a_clause_that_asks_on_its_own_after_a_comma_is_classified_too() -> None:
    asked: list = []

    def classify_beside(sentence: str):
        asked.append(sentence)
        return "offer_in_compromise" if "offer" in sentence else None

    text = "they want to levy my pension. what are my options, can I do an offer?"
    reading = read_message(text, lambda raw: None, TODAY, classify=lambda s: None, classify_beside=classify_beside)
    assert asked == ["what are my options, can I do an offer?", "can I do an offer?"]
    assert "offer_in_compromise" in reading.questions
    # a statement after the comma asks nothing, though the sentence ends in a question mark
    asked.clear()
    text = "Can I pay monthly, I have almost nothing?"
    read_message(text, lambda raw: None, TODAY, classify=lambda s: None, classify_beside=classify_beside)
    assert asked == ["Can I pay monthly, I have almost nothing?"]


@pytest.mark.parametrize(
    "sentence, label",
    [
        # whether the IRS may do what it did is no scam question; whether the letter is real is
        ("is that even legal??", None),
        ("are they allowed to do that?", None),
        ("es legal eso?", None),
        ("is this letter legit or a scam", "scam"),
        ("es real esta carta?", "scam"),
    ],
)
def test_asking_whether_an_action_is_allowed_is_no_scam_question(sentence: str, label: str) -> None:
    assert question_classifier().question(sentence) == label
