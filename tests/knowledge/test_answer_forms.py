"""The short answers (knowledge/answers.yml, knowledge/es/answers.yml) name the form a taxpayer files,
tell injured spouse relief (a refund kept for a spouse's debt) from innocent spouse relief, and the
Spanish answers cite the IRS Spanish page wherever the IRS has one for the English source."""

from __future__ import annotations

from typing import List, Optional

import pytest

from knowledge.schema import Stage
from understanding.passages import load_passages, load_spanish_passages, passages_for

LANGUAGES = ("en", "es")
# (question, notice stage, situations, a form number the answer must name)
FORMS_TO_FILE = [
    ("payment_plan", None, [], "9465"),
    ("offer_in_compromise", None, [], "656"),
    ("cnc_hardship", None, [], "433-F"),
    ("innocent_spouse", None, [], "8857"),
    ("innocent_spouse", None, [], "8379"),  # "they took my refund for his debt" is read as this question too
    ("innocent_spouse", Stage.refund, [], "8379"),
]
# English source pages whose IRS Spanish version the Spanish answers must cite instead.
SPANISH_PAGE = {
    "https://www.irs.gov/businesses/small-businesses-self-employed/what-is-a-levy": (
        "https://www.irs.gov/es/businesses/small-businesses-self-employed/what-is-a-levy"
    ),
    "https://www.irs.gov/payments/payment-plans-installment-agreements": (
        "https://www.irs.gov/es/payments/payment-plans-installment-agreements"
    ),
    "https://www.irs.gov/businesses/small-businesses-self-employed/understanding-a-federal-tax-lien": (
        "https://www.irs.gov/es/businesses/small-businesses-self-employed/understanding-a-federal-tax-lien"
    ),
    "https://www.irs.gov/individuals/understanding-your-cp523-notice": (
        "https://www.irs.gov/es/individuals/understanding-your-cp523-notice"
    ),
    "https://www.irs.gov/individuals/understanding-your-irs-notice-or-letter": (
        "https://www.irs.gov/es/individuals/understanding-your-irs-notice-or-letter"
    ),
    "https://www.irs.gov/instructions/i8857": "https://www.irs.gov/instructions/i8857sp",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("question, stage, situations, form", FORMS_TO_FILE)
def test_the_answer_names_the_form_to_file(
    language: str, question: str, stage: Optional[Stage], situations: List[str], form: str
) -> None:
    passage = passages_for(language).for_question(question, stage, situations)
    assert passage is not None and form in passage.text, (language, question, stage)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refund_notice_puts_injured_spouse_relief_first(language: str) -> None:
    passage = passages_for(language).for_question("innocent_spouse", Stage.refund, [])
    assert passage is not None and passage.id == "innocent_spouse_refund"
    assert passage.text.index("8379") < passage.text.index("8857")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("situation, forms", [("spouse_caused", ("8857", "8379")), ("lost_income", ("433-F",))])
def test_the_situation_note_names_the_forms(language: str, situation: str, forms: tuple) -> None:
    note = passages_for(language).for_situation(situation)
    assert note is not None and all(form in note.text for form in forms)


def test_spanish_answers_cite_the_irs_spanish_page_where_there_is_one() -> None:
    english = {p.id: p.source_url for p in load_passages().all}
    spanish = {p.id: p.source_url for p in load_spanish_passages().all}
    expected = {pid: SPANISH_PAGE[url] for pid, url in english.items() if url in SPANISH_PAGE}
    assert {"wage_levy_before_final", "bank_levy_before_final", "levy_general_default"} <= set(expected)
    assert {pid: spanish.get(pid) for pid in expected} == expected
