"""The question labels for the Taxpayer Advocate, bankruptcy, unfiled returns and injured spouse relief
(understanding/questions.py with english_questions.py and spanish_questions.py)."""

from __future__ import annotations

from typing import List

import pytest

from understanding.passages import Passages, load_passages, load_spanish_passages
from understanding.questions import find_questions, is_asking


@pytest.mark.parametrize(
    "text, expected",
    [
        ("is the taxpayer advocate free?", ["taxpayer_advocate"]),
        ("should I send a form 911", ["taxpayer_advocate"]),
        ("el defensor del contribuyente cobra algo?", ["taxpayer_advocate"]),
        ("can a bankruptcy wipe out what I owe the IRS?", ["bankruptcy"]),
        ("we filed chapter 13 in May. I got a CP504, what now?", ["bankruptcy", "what_to_do"]),
        ("si me declaro en bancarrota se acaba la deuda?", ["bankruptcy"]),
        ("I haven't filed in 6 years, how bad is it?", ["unfiled_returns", "consequences"]),
        ("the IRS did a return for me and says I owe 9k, can I file my own?", ["unfiled_returns"]),
        ("no he declarado en 3 años, que hago?", ["unfiled_returns", "what_to_do"]),
        ("they kept our refund for my husband's child support, can I get my half?", ["injured_spouse"]),
        ("se quedaron con mi reembolso por la deuda de mi esposo, puedo recuperar mi parte?", ["injured_spouse"]),
    ],
)
def test_new_topics_are_read(text: str, expected: List[str]) -> None:
    assert find_questions(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("can i get more time to send my documents", ["deadline"]),
        ("i need more time to pay", ["payment_plan"]),
        ("would they work out a plan with me if i call", ["payment_plan"]),
        ("do they still charge interest if im on a plan", ["payment_plan"]),
        ("do you guys do offers in compromise", ["firm_services", "offer_in_compromise"]),
        ("can you do my taxes this year?", []),  # tax preparation, not the firm's resolution work
        ("should I call the number back?", ["what_to_do", "scam"]),
        ("de que se trata la carta 1058 que me llego ayer", ["what_is_notice"]),
        ("I have 2 kids does that change how much they take?", ["wage_levy"]),
        ("is this the last warning before they take stuff", ["what_is_notice", "levy_general"]),
        ("can I appeal before they take my SS?", ["cdp_hearing"]),  # no general levy question beside it
    ],
)
def test_wordings_seen_in_public_questions_are_read(text: str, expected: List[str]) -> None:
    assert find_questions(text) == expected


@pytest.mark.parametrize(
    "text, asking",
    [
        ("si ya falle un plan puedo pedir otro", True),
        ("ustedes hacen ofrecimientos de transaccion", True),
        ("me negaran la renovacion del pasaporte por deber impuestos", True),
        ("no puedo pagar nada", False),
        ("me embargaron la cuenta", False),
    ],
)
def test_spanish_questions_without_question_marks_are_asking(text: str, asking: bool) -> None:
    assert is_asking(text) is asking


@pytest.mark.parametrize(
    "text, expected",
    [
        # a refund kept for the spouse's own debt is injured spouse relief, across sentences too
        ("They took our refund for his student loan. Can I get my share back?", ["injured_spouse"]),
        # tax the spouse caused on a joint return is innocent spouse relief
        ("my ex hid income on our joint return, am I responsible for his taxes?", ["innocent_spouse"]),
        # named both, both are asked
        ("is this innocent spouse or injured spouse?", ["innocent_spouse", "injured_spouse"]),
    ],
)
def test_injured_spouse_is_not_innocent_spouse(text: str, expected: List[str]) -> None:
    assert find_questions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I haven't filed 2021 yet.",  # a statement: no question asked
        "what is the standard deduction",
        "how do I file my 2024 tax return",
    ],
)
def test_filing_talk_is_not_an_unfiled_returns_question(text: str) -> None:
    assert "unfiled_returns" not in find_questions(text)


@pytest.mark.parametrize("passages", [load_passages(), load_spanish_passages()], ids=["en", "es"])
def test_both_spouse_answers_name_the_injured_spouse_form(passages: Passages) -> None:
    innocent = passages.for_question("innocent_spouse", None, [])
    injured = passages.for_question("injured_spouse", None, [])
    assert innocent is not None and injured is not None
    assert "8379" in innocent.text and "8379" in injured.text and "8857" not in injured.text
