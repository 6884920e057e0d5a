"""The question readers on asking sentences they were neither trained nor written from
(question_sentences.yml: the half of the written sentences kept apart from question_examples.yml).

A sentence is read as understanding/reading.py reads it: the patterns, then, for an asking sentence
they place nothing in, the sentence classifier. Floors are the measured figures (2026-12-04) less a
little, so a change that loses wordings or starts reading questions into statements fails here."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
import yaml

from understanding.question_classifier import question_classifier
from understanding.questions import QUESTIONS, find_questions, is_asking, sentence_questions

SENTENCES = yaml.safe_load((Path(__file__).with_name("question_sentences.yml")).read_text(encoding="utf-8"))
# Measured on 560 sentences (280 a language): patterns alone en 0.65 / es 0.49 of the whole written set;
# with the classifier trained on NLU examples only, 0.664 of this half; trained with the other half too, 0.693
# (en 0.786, es 0.600); after Spanish question wordings written from the training half, es 0.657.
# Sentences asking nothing read as a question: en 0 of 55, es 3 of 56. With the Taxpayer Advocate, bankruptcy,
# unfiled returns and injured spouse labels (328 sentences a language): en 0.777, es 0.652, the 23 older
# labels' sentences read as before (en 220 / 280, es 184 / 280), nothing-asking sentences as before.
# With asking sentences for the labels read worst (wage, Social Security and stopping levies, plans, deadlines,
# consequences, the collection statute, disagreeing, offers, innocent spouse, the firm's services), written from
# public pages apart from the held-out sources: en 0.787 -> 0.796, es 0.665 -> 0.686, nothing-asking read as before.
MIN_RECALL = {"en": 0.82, "es": 0.67}
MAX_NONE_READ = 0.08  # sentences that ask none of the questions but get one


def _read(sentence: str) -> List[str]:
    found = list(find_questions(sentence))
    if is_asking(sentence) and not sentence_questions(sentence):
        question = question_classifier().question(sentence)
        if question and question not in found:
            found.append(question)
    return found


def _asked(language: str) -> List[Tuple[str, str]]:
    return [(text, label) for label, by in SENTENCES["questions"].items() for text in by[language]]


def test_every_question_label_is_measured_in_both_languages() -> None:
    assert list(SENTENCES["questions"]) == list(QUESTIONS)
    assert all(len(by["en"]) >= 10 and len(by["es"]) >= 10 for by in SENTENCES["questions"].values())


@pytest.mark.parametrize("language", ["en", "es"])
def test_asked_questions_are_read(language: str) -> None:
    pairs = _asked(language)
    missed = [(text, label, _read(text)) for text, label in pairs if label not in _read(text)]
    recall = 1 - len(missed) / len(pairs)
    assert recall >= MIN_RECALL[language], (round(recall, 3), missed[:10])


@pytest.mark.parametrize("language", ["en", "es"])
def test_sentences_that_ask_nothing_get_no_question(language: str) -> None:
    none = SENTENCES["none"][language]
    read = [(text, _read(text)) for text in none if _read(text)]
    assert len(read) / len(none) <= MAX_NONE_READ, read
