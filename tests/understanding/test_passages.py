"""The answer passages (knowledge/answers.yml) and the readability of every reply the knowledge can produce."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, Tuple

import pytest
import textstat
import yaml
from pydantic import ValidationError

from knowledge.loader import cached_knowledge
from tests.understanding.evaluation import ROOT
from understanding.composer import _ANSWERED_BY_NEXT_STEP, deadline_sentence, summary
from understanding.passages import SPANISH_PATH, Passage, load_passages, load_spanish_passages
from understanding.questions import QUESTIONS
from understanding.situations import SITUATIONS

PASSAGES = load_passages()
KB = cached_knowledge()
MAX_GRADE = 8.0  # Flesch-Kincaid grade level
NEW_RESPONSES = (
    "utter_answer_next",
    "utter_answer_next_urgent",
    "utter_answer_repeat",
    "utter_no_more",
    "utter_scope_refund",
    "utter_scope_tax_prep",
    "utter_scope_state",
)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q not in _ANSWERED_BY_NEXT_STEP])
def test_every_question_has_an_answer_for_any_context(question: str) -> None:
    passage = PASSAGES.for_question(question, None, [])
    assert passage is not None and not passage.when_stage and passage.when_situation is None


@pytest.mark.parametrize("situation", [s for s in SITUATIONS if s != "state_notice"])
def test_every_situation_has_a_note(situation: str) -> None:
    assert PASSAGES.for_situation(situation) is not None


def test_specific_passages_come_before_the_general_one() -> None:
    seen_general = set()
    for passage in PASSAGES.all:
        if passage.question is None:
            continue
        assert passage.question not in seen_general, f"{passage.id} can never be chosen"
        if not passage.when_stage and passage.when_situation is None and passage.when_words is None:
            seen_general.add(passage.question)


@pytest.mark.parametrize(
    "text, passage_id",
    [
        ("can the irs take my pension", "retirement_levy"),
        ("will they touch my 401k or my roth ira", "retirement_levy"),
        ("pueden quitarme mi plan de retiro?", "retirement_levy"),
        # Social Security named: its own rule (at most 15% a payment), even beside a pension
        ("can they take my social security and my pension", "social_security_levy"),
        ("el irs ira a quitarme el seguro social?", "social_security_levy"),
    ],
)
def test_a_pension_is_not_answered_with_the_social_security_rule(text: str, passage_id: str) -> None:
    passage = PASSAGES.for_question("social_security_levy", None, [], text)
    assert passage is not None and passage.id == passage_id


def replies() -> Iterator[Tuple[str, str]]:
    """Every piece of text an answer can show, with where it comes from."""
    for passage in PASSAGES.all:
        yield f"passage {passage.id}", passage.text
    today = dt.date(2026, 12, 3)
    for notice in KB.notices:
        yield f"{notice.code} summary", f"{notice.title}. {summary(notice.explanation)}"
        yield f"{notice.code} deadline", deadline_sentence(notice, today - dt.timedelta(days=5), today)[0]
        yield f"{notice.code} explanation", notice.explanation
        yield f"{notice.code} sms", notice.sms
        yield f"{notice.code} steps", " ".join(notice.what_to_do)
        if notice.after_deadline:
            yield f"{notice.code} after deadline", notice.after_deadline
    for topic in KB.topics:
        yield f"topic {topic.id}", topic.answer
        yield f"topic {topic.id} sms", topic.sms
        yield f"topic {topic.id} facts", " ".join(topic.key_facts)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name in NEW_RESPONSES:
        yield name, domain["responses"][name][0]["text"]


def test_every_reply_reads_at_grade_8_or_lower() -> None:
    too_hard = [
        (where, round(textstat.flesch_kincaid_grade(text), 1))
        for where, text in replies()
        if textstat.flesch_kincaid_grade(text) > MAX_GRADE
    ]
    assert too_hard == []


def _passage(source_url: str) -> Passage:
    return Passage(id="x", question=QUESTIONS[0], text="Short text.", source_url=source_url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.irs.gov/businesses/small-businesses-self-employed/what-is-a-levy",
        "https://www.irs.gov/es/individuals/understanding-your-irs-notice-or-letter",
        "https://www.taxpayeradvocate.irs.gov/notices/letter-3172/",
        "https://taxpayeradvocate.irs.gov/notices/notice-cp-12",
        "https://es.taxpayeradvocate.irs.gov/notices/levy-release/",
    ],
)
def test_a_passage_may_cite_an_official_irs_or_tas_page_in_either_language(url: str) -> None:
    assert _passage(url).source_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://www.irs.gov/payments/penalty-relief",  # not https
        "https://www.irs-help.com/levy",
        "https://irs.gov.example.com/notices/levy-release/",
        "https://es.taxpayeradvocate.irs.gov.example.com/notices/levy-release/",
        "https://taxpayeradvocate.org/notices/levy-release/",
        "ftp://www.irs.gov/pub/irs-pdf/p594.pdf",
    ],
)
def test_a_passage_may_not_cite_another_host(url: str) -> None:
    with pytest.raises(ValidationError, match="source_url"):
        _passage(url)


# The IRS's Spanish form instructions live beside the English ones ("/instructions/i8857sp").
_SPANISH_INSTRUCTIONS = re.compile(r"/instructions/i\w+sp/?$")


def test_spanish_passages_say_which_sources_are_spanish_pages() -> None:
    entries = yaml.safe_load(SPANISH_PATH.read_text(encoding="utf-8"))["passages"]
    for entry in entries:
        url = entry["source_url"]
        spanish_page = "/es/" in url or url.startswith("https://es.") or bool(_SPANISH_INSTRUCTIONS.search(url))
        assert spanish_page == (entry["source_lang"] == "es"), entry["id"]
    cited = {entry["id"]: entry["source_url"] for entry in entries}
    assert cited["stop_levy"] == "https://es.taxpayeradvocate.irs.gov/notices/levy-release/"
    assert {p.id: p.source_url for p in load_spanish_passages().all} == cited
