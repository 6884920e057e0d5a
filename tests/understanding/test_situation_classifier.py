"""The sentence-level situation classifier and its place beside the situation patterns."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from understanding.situation_classifier import (
    MIN_PROBABILITY,
    NO_SITUATION,
    SITUATION_EXAMPLES,
    SituationClassifier,
    situation_classifier,
    situation_examples,
    trained_situation_classifier,
)
from understanding.situations import SITUATIONS, find_situations

MEASURING_SET = Path(__file__).with_name("situation_sentences.yml")


def test_examples_cover_every_situation_in_both_languages() -> None:
    data = yaml.safe_load(SITUATION_EXAMPLES.read_text(encoding="utf-8"))
    assert list(data["situations"]) == list(SITUATIONS)
    for name, by in data["situations"].items():
        assert len(by["en"]) >= 12 and len(by["es"]) >= 12, name
    assert len(data[NO_SITUATION]["en"]) >= 60 and len(data[NO_SITUATION]["es"]) >= 60


def test_examples_are_not_taken_from_the_measuring_set() -> None:
    measured = yaml.safe_load(MEASURING_SET.read_text(encoding="utf-8"))
    stated = [text for by in measured["situations"].values() for texts in by.values() for text in texts]
    near = [text for texts in measured["none"].values() for text in texts]
    measuring = {text.lower() for text in [*stated, *near]}
    assert not {text.lower() for text, _ in situation_examples()} & measuring


def test_example_file_reads_labels(tmp_path: Path) -> None:
    (tmp_path / "s.yml").write_text(
        "situations:\n  levied:\n    en: [they garnish my pay]\n    es: [me embargan el sueldo]\n"
        "none:\n  en: [will they garnish me]\n  es: [me van a embargar]\n",
        encoding="utf-8",
    )
    assert situation_examples(tmp_path / "s.yml") == [
        ("they garnish my pay", "levied"),
        ("me embargan el sueldo", "levied"),
        ("will they garnish me", NO_SITUATION),
        ("me van a embargar", NO_SITUATION),
    ]


@pytest.mark.parametrize(
    "sentence, situation",
    [
        ("my employer has been sending part of each paycheck to the irs since june", "levied"),
        ("the bank put a hold on everything in my checking", "bank_frozen"),
        ("me quede sin trabajo cuando cerraron la planta", "lost_income"),
        ("lo unico que tengo para vivir es la pension", "fixed_income"),
    ],
)
def test_statements_are_read(sentence: str, situation: str) -> None:
    assert situation_classifier().situation(sentence) == situation


@pytest.mark.parametrize(
    "sentence",
    [
        "are they going to garnish my paycheck",
        "i have not been levied yet",
        "i never got any letters before this one",
        "todavia no me han quitado nada",
        "the notice is dated october 2",
    ],
)
def test_fears_denials_and_plain_facts_are_not_read(sentence: str) -> None:
    assert situation_classifier().situation(sentence) is None


def test_patterns_come_first_and_the_classifier_adds_unmatched_statements() -> None:
    text = "Got a CP504. A big piece of every paycheck now goes straight to the IRS. What can I do?"
    assert find_situations(text, classify=False) == []
    assert find_situations(text) == ["levied"]


def test_asking_sentences_are_left_to_the_patterns() -> None:
    assert find_situations("is a big piece of every paycheck going to go straight to the IRS?") == []


def test_threshold_is_high() -> None:
    assert MIN_PROBABILITY >= 0.6


def test_fits_in_about_a_second() -> None:
    start = time.perf_counter()
    SituationClassifier(situation_examples())
    assert time.perf_counter() - start < 5.0


async def test_trained_off_the_event_loop_once() -> None:
    first = await trained_situation_classifier()
    assert await trained_situation_classifier() is first and situation_classifier() is first
