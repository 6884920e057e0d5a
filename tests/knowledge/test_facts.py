"""One test per corrected fact: the answer text states the rule as the law or the IRS states it."""

from __future__ import annotations

from typing import Iterable

import pytest

from knowledge.figures import load_figures
from knowledge.loader import Knowledge, cached_knowledge

FIGURES = load_figures().figures


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return cached_knowledge()


def _topic_text(kb: Knowledge, topic_id: str) -> str:
    topic = kb.topic(topic_id)
    assert topic is not None
    return " ".join([topic.answer, topic.sms, *topic.key_facts, topic.sources_note or ""])


def _notice_text(kb: Knowledge, code: str) -> str:
    notice = kb.find_notice(code)
    assert notice is not None
    return " ".join(
        [notice.explanation, notice.sms, *notice.what_to_do, notice.after_deadline, notice.sources_note or ""]
    )


def _has_all(text: str, parts: Iterable[str]) -> None:
    missing = [p for p in parts if p.lower() not in text.lower()]
    assert not missing, f"missing {missing} in: {text}"


def test_cap_has_two_paths_with_their_own_clocks(kb: Knowledge) -> None:
    topic = kb.topic("collection_appeals_program")
    _has_all(topic.answer, ["lien, levy or seizure", "3 business days", "rejected", "30 days"])
    _has_all(" ".join(topic.key_facts), ["30th day after the letter", "30 days from the notice"])
    assert "few business days" not in _topic_text(kb, "collection_appeals_program")
    assert topic.source_url.endswith("p1660.pdf")


@pytest.mark.parametrize("topic_id", ["levy_bank", "levy_release", "levy_wages"])
def test_hardship_levy_release_is_required_for_every_levy(kb: Knowledge, topic_id: str) -> None:
    text = _topic_text(kb, topic_id)
    _has_all(text, ["must release", "basic living"])
    assert "not required" not in text and "may release a bank" not in text


def test_hardship_release_says_the_law_and_what_to_show(kb: Knowledge) -> None:
    text = _topic_text(kb, "levy_release")
    _has_all(
        text,
        [
            "6343(a)(1)(D)",
            "reasonable basic living",
            "income, expenses and assets",
            "Form 433-F",
            "not apply to businesses",
        ],
    )


def test_bank_levy_notice_no_longer_says_may_not_must(kb: Knowledge) -> None:
    text = _notice_text(kb, "Form 668-A")
    assert "may (not must)" not in text
    _has_all(text, ["must release", "6343(a)(1)(D)"])


def test_cdp_says_what_each_notice_suspends(kb: Knowledge) -> None:
    topic = kb.topic("cdp_hearing")
    _has_all(topic.answer, ["after a levy notice stops levies", "pauses the clock", "does not by itself stop levies"])
    facts = " ".join(topic.key_facts)
    _has_all(facts, ["IRC 6330(e)(1)", "IRC 6320", "levy is not barred"])
    _has_all(topic.sources_note or "", ["IRM 5.1.9.3", "6320(c)"])


def test_lien_notice_does_not_promise_to_stop_levies(kb: Knowledge) -> None:
    _has_all(_notice_text(kb, "Letter 3172"), ["does not by itself stop levies", "IRM 5.1.9.3"])


def test_final_levy_notice_says_which_levies_stop(kb: Knowledge) -> None:
    _has_all(kb.find_notice("LT11").explanation, ["stops levies for the tax years on the notice"])


def test_passport_threshold_is_the_current_figure_with_its_year(kb: Knowledge) -> None:
    threshold = FIGURES["passport_threshold"]
    assert threshold.label and threshold.applies_to in threshold.label
    assert threshold.text() in kb.find_notice("CP508C").explanation
    assert threshold.text() in kb.topic("passport_certification").answer
    assert "$62,000" not in _notice_text(kb, "CP508C")


def test_cp508c_has_no_unsupported_30_day_window(kb: Knowledge) -> None:
    assert "30 days" not in _notice_text(kb, "CP508C")
    assert kb.find_notice("CP508C").response_window.days is None
    assert "within 30 days" not in _topic_text(kb, "passport_certification")


def test_lien_release_is_30_days_after_satisfied_or_unenforceable(kb: Knowledge) -> None:
    _has_all(_topic_text(kb, "lien_release"), ["30", "fully paid", "legally unenforceable", "6325(a)"])
    _has_all(" ".join(kb.topic("lien").key_facts), ["30 days", "legally unenforceable"])


def test_dead_taxpayer_advocate_lien_release_url_is_replaced(kb: Knowledge) -> None:
    urls = [t.source_url for t in kb.topics] + [n.source_url for n in kb.notices]
    assert not [u for u in urls if u.rstrip("/").endswith("notices/lien-release")]


def test_letter_1153_gives_60_days_or_75_abroad(kb: Knowledge) -> None:
    notice = kb.find_notice("Letter 1153")
    _has_all(notice.explanation, ["60 days from the letter date", "75 days", "outside the US"])
    _has_all(notice.sms, ["60 days", "75"])
    assert notice.response_window.days == 60


def test_installment_agreement_states_guaranteed_and_streamlined_limits(kb: Knowledge) -> None:
    topic = kb.topic("installment_agreement")
    _has_all(
        topic.answer,
        [FIGURES["ia_guaranteed_limit"].text(), "guarantees", FIGURES["ia_streamlined_limit"].text(), "72 months"],
    )
    _has_all(" ".join(topic.key_facts), ["guaranteed plan", FIGURES["ia_fee_online_direct_debit"].text()])
    _has_all(topic.sources_note or "", ["IRC 6159(c)", "IRM 5.14.5.2"])


def test_deadline_topic_gives_the_lien_notice_its_own_date(kb: Knowledge) -> None:
    _has_all(kb.topic("deadlines_general").answer, ["until the date in a lien notice"])


def test_social_security_levy_rate_comes_from_the_table(kb: Knowledge) -> None:
    rate = FIGURES["ss_levy_max_rate"].text()
    assert rate == "15%"
    assert rate in kb.find_notice("CP91").explanation
