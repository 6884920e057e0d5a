"""Answers in a Spanish conversation: Spanish knowledge only, Spanish joins, Spanish dates, short SMS.

Every notice, every question label and every situation is composed in Spanish and checked for
English: no English knowledge text may reach a Spanish conversation.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional, Set

import pytest

from knowledge.loader import cached_knowledge
from knowledge.spanish import cached_spanish_knowledge
from nlp.language import detect_language
from services.dates import long_date, short_date
from understanding.composer import MAX_WORDS_SPANISH, compose
from understanding.passages import load_passages, passages_for
from understanding.phrases import PHRASES
from understanding.questions import QUESTIONS
from understanding.reading import Memory, MessageReading, read_message
from understanding.situations import SITUATIONS

TODAY = dt.date(2026, 12, 3)
GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)


def _english_sentences() -> Set[str]:
    """Every sentence of the English knowledge and passages, to catch one leaking into Spanish."""
    english = cached_knowledge()
    texts: List[str] = [n.explanation for n in english.notices] + [n.title for n in english.notices]
    texts += [n.after_deadline for n in english.notices] + [s for n in english.notices for s in n.what_to_do]
    texts += [t.answer for t in english.topics] + [p.text for p in load_passages().all]
    return {s.strip() for text in texts for s in re.split(r"(?<=[.?!])\s+", text) if len(s.split()) >= 5}


ENGLISH_SENTENCES = _english_sentences()


def _compose(reading: MessageReading, memory: Optional[Memory] = None) -> str:
    memory = Memory() if memory is None else memory
    answer = compose(reading, cached_spanish_knowledge(), passages_for("es"), memory, TODAY, "es")
    assert len(answer.text.split()) <= MAX_WORDS_SPANISH
    assert set(answer.sms_text()) <= GSM, set(answer.sms_text()) - GSM
    return answer.text


def _assert_spanish(text: str, where: str) -> None:
    leaked = [s for s in ENGLISH_SENTENCES if s in text]
    assert leaked == [], (where, leaked)
    assert detect_language(text) in ("es", None), (where, text)


@pytest.mark.parametrize("code", [n.code for n in cached_knowledge().notices])
def test_every_notice_is_answered_in_spanish(code: str) -> None:
    reading = MessageReading(
        text=f"me llegó un {code}", codes=[code], notice_date=TODAY - dt.timedelta(days=12), questions=["what_to_do"]
    )
    text = _compose(reading)
    assert code in text
    _assert_spanish(text, code)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_is_answered_in_spanish(question: str) -> None:
    text = _compose(MessageReading(text="pregunta", questions=[question]))
    _assert_spanish(text, question)


@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_situation_note_is_in_spanish(situation: str) -> None:
    text = _compose(MessageReading(text="situación", situations=[situation]))
    _assert_spanish(text, situation)


def test_a_whole_spanish_message_gets_one_spanish_answer() -> None:
    english = cached_knowledge()

    def lookup(raw: str):  # type: ignore[no-untyped-def]
        notice = english.find_notice(raw)
        return notice.code if notice else None

    text = (
        "Me llegó una carta LT11 fechada el 20 de noviembre, debo $4,000 y perdí mi trabajo en la primavera. "
        "¿Me pueden embargar el sueldo? ¿Puedo hacer un plan de pagos?"
    )
    reading = read_message(text, lookup, TODAY)
    assert reading.codes == ["LT11"] and reading.notice_date == dt.date(2026, 11, 20)
    assert {"wage_levy", "payment_plan"} <= set(reading.questions) and "lost_income" in reading.situations
    answer = compose(reading, cached_spanish_knowledge(), passages_for("es"), Memory(), TODAY, "es")
    assert answer.text.startswith("**LT11**")
    assert (
        "Tiene fecha del 20 de noviembre de 2026. Le quedan 17 días, hasta el 20 de diciembre de 2026." in answer.text
    )
    assert {"wage_levy", "payment_plan"} <= set(answer.topics)
    _assert_spanish(answer.text, "whole message")


def test_an_unknown_code_is_said_honestly_in_spanish() -> None:
    text = _compose(MessageReading(text="tengo un CP77", unknown_codes=["CP77"]))
    assert "No tengo el CP77" in text


def test_both_languages_have_every_phrase() -> None:
    assert set(PHRASES["es"]) == set(PHRASES["en"])


def test_dates_are_written_in_spanish() -> None:
    day = dt.date(2026, 11, 3)
    assert short_date(day, "es") == "3 de noviembre de 2026"
    assert long_date(day, "es") == "martes, 3 de noviembre de 2026"
    assert short_date(day) == "November 3, 2026"
