"""The composed answer in the light of the situation: a stated lapse, a situation told earlier."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from knowledge.loader import cached_knowledge
from understanding.composer import compose
from understanding.passages import load_passages
from understanding.reading import Memory, read_message

KB = cached_knowledge()
TODAY = dt.date(2026, 12, 3)


def lookup(raw: str) -> Optional[str]:
    notice = KB.find_notice(raw)
    return notice.code if notice else None


def answer(text: str, memory: Optional[Memory] = None):
    memory = Memory() if memory is None else memory
    return compose(read_message(text, lookup, TODAY, memory), KB, load_passages(), memory, TODAY)


def test_a_stated_lapse_gets_what_the_notice_says_after_its_deadline() -> None:
    composed = answer("I got a CP2000 and the response date was last week. what do I do now?")
    notice = KB.find_notice("CP2000")
    assert "What date is on it?" not in composed.text
    assert notice.after_deadline.split(".")[0] in composed.text
    assert "deadline_passed" in composed.situations and "what_to_do" in composed.topics
    assert composed.urgent


def test_a_follow_up_is_answered_in_the_light_of_the_situation_told_before() -> None:
    composed = answer("can I get it reinstated", Memory(notice_code="CP523", situations=("missed_payment",)))
    assert "missed payment" in composed.text.lower()
    assert "missed_payment" in composed.situations


def test_several_other_notices_are_named_in_one_line() -> None:
    composed = answer("Got a CP504 today. I already got the CP14, CP501 and CP503. can I still get a payment plan?")
    assert composed.paragraphs[0].startswith("**CP504**")
    assert all(f"**{code}**" in composed.paragraphs[1] for code in ("CP14", "CP501", "CP503"))


def test_a_month_long_past_means_the_window_has_most_likely_passed() -> None:
    composed = answer("got an LT11 back in march and did nothing. can I still appeal?")
    assert "have most likely passed" in composed.text and "equivalent hearing" in composed.text
    assert "What date is on it?" not in composed.text


def test_a_recent_month_leaves_the_window_open() -> None:
    composed = answer("got a CP2000 in november, what is it?")  # today is December 3: it may still be open
    assert "What date is on it?" in composed.text


def test_a_follow_up_answered_by_the_next_step_still_names_the_notice() -> None:
    composed = answer("should i talk to a tax attorney first", Memory(notice_code="Letter 1153"))
    assert "**Letter 1153**" in composed.text and "talk_to_pro" in composed.topics


def test_a_time_limit_in_the_topic_answer_answers_how_long() -> None:
    composed = answer("how do I ask for innocent spouse relief and how long do I have")
    assert {"innocent_spouse", "deadline"} <= set(composed.topics)
    assert composed.text.count("\n\n") == 0  # one paragraph: the generic deadline text is not added
