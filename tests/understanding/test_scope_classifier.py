"""Questions the assistant does not cover (refund status, tax preparation) read by the sentence classifier."""

from __future__ import annotations

from typing import Optional

import pytest

from knowledge.loader import cached_knowledge
from understanding.question_classifier import question_classifier, scope_examples
from understanding.questions import QUESTIONS
from understanding.reading import read_message

TODAY = __import__("datetime").date(2026, 12, 3)
KB = cached_knowledge()


def lookup(raw: str) -> Optional[str]:
    notice = KB.find_notice(raw)
    return notice.code if notice else None


def read(text: str):
    classifier = question_classifier()
    return read_message(text, lookup, TODAY, classify=classifier.question, scope_of=classifier.scope)


def test_every_in_scope_look_alike_has_a_known_question_label() -> None:
    labels = {label for _, label in scope_examples()}
    assert {"scope_refund_status", "scope_tax_prep"} <= labels
    assert {label for label in labels if not label.startswith("scope_")} <= set(QUESTIONS)


@pytest.mark.parametrize(
    "text, scope",
    [
        ("its been seven weeks and my federal refund still hasnt come, what is going on", "refund_status"),
        ("el dinero de mi reembolso todavia no aparece en el banco, que hago", "refund_status"),
        ("just started walking dogs for cash, do I have to report that on my taxes", "tax_prep"),
        ("vendo ropa por facebook, tengo que declarar eso en mis impuestos", "tax_prep"),
    ],
)
def test_a_refund_or_filing_question_is_out_of_scope(text: str, scope: str) -> None:
    assert read(text).out_of_scope == scope


@pytest.mark.parametrize(
    "text",
    [
        "can they keep my refund for the old balance I owe?",
        "the IRS sent a letter saying I never filed 2020, what happens now?",
        "I got a CP14 and the refund I expected was applied to it, what do I owe now?",
    ],
)
def test_a_collection_question_about_a_refund_or_a_return_stays_in_scope(text: str) -> None:
    assert read(text).out_of_scope is None


def test_an_out_of_scope_sentence_asks_no_collection_question() -> None:
    reading = read("puse mal el numero de cuenta del deposito del reembolso. cuando me cae el deposito?")
    assert reading.out_of_scope == "refund_status"
    assert not {"bank_levy", "stop_levy", "levy_general"} & set(reading.questions)
