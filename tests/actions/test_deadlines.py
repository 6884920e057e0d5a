"""action_notice_deadline: count the days left, or ask for the missing code or date."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.deadlines import GENERAL_DEADLINES_TOPIC, ActionNoticeDeadline
from actions.knowledge.store import cached_knowledge
from tests.actions.conftest import make_tracker, names, only, run_action

KB = cached_knowledge()
ACTION = ActionNoticeDeadline()


def test_name() -> None:
    assert ACTION.name() == "action_notice_deadline"


async def test_date_without_code_is_noted_and_code_asked() -> None:
    tracker = make_tracker("the notice is dated Nov 3", intent="inform_notice_date")
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_notice_date_noted", "utter_ask_notice_code"]
    assert only(messages, "utter_notice_date_noted")["notice_date"] == "Tuesday, November 3, 2026"
    assert events == [SlotSet("notice_date", "2026-11-03")]


async def test_relative_date_without_code() -> None:
    messages, events = await run_action(ACTION, make_tracker("it came 3 weeks ago", intent="inform_notice_date"))
    assert names(messages) == ["utter_notice_date_noted", "utter_ask_notice_code"]
    assert events == [SlotSet("notice_date", "2026-11-05")]


async def test_no_code_and_no_date_explains_deadlines_in_general() -> None:
    messages, events = await run_action(ACTION, make_tracker("how long do I have?", intent="ask_deadline"))
    topic = KB.topic(GENERAL_DEADLINES_TOPIC)
    assert names(messages) == ["utter_topic_answer", "utter_ask_notice_code"]
    answer = only(messages, "utter_topic_answer")
    assert (answer["title"], answer["answer"], answer["sms"]) == (topic.title, topic.answer, topic.sms)
    assert events == []


async def test_code_in_slot_and_date_in_message() -> None:
    tracker = make_tracker("it's dated three weeks ago", intent="inform_notice_date", slots={"notice_code": "LT11"})
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_deadline_open", "utter_next_step"]
    open_ = only(messages, "utter_deadline_open")
    assert (open_["code"], open_["days_left"], open_["deadline"]) == ("LT11", "9 days", "Saturday, December 5, 2026")
    assert events == [SlotSet("notice_code", "LT11"), SlotSet("notice_date", "2026-11-05")]


async def test_code_in_message_and_no_date_asks_for_the_date() -> None:
    tracker = make_tracker("how long do I have for a letter 1058?", intent="ask_deadline", codes=("letter 1058",))
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_deadline_rule_fixed", "utter_ask_notice_date", "utter_next_step"]
    assert only(messages, "utter_deadline_rule_fixed")["code"] == "Letter 1058"
    assert events == [SlotSet("notice_code", "Letter 1058"), SlotSet("notice_date", None)]


async def test_code_in_message_and_remembered_date() -> None:
    tracker = make_tracker("how long for my LT11?", intent="ask_deadline", codes=("LT11",),
                           slots={"notice_date": "2026-11-05"})
    messages, events = await run_action(ACTION, tracker)
    assert only(messages, "utter_deadline_open")["days_left"] == "9 days"
    assert events == [SlotSet("notice_code", "LT11"), SlotSet("notice_date", "2026-11-05")]


async def test_message_code_beats_slot_code() -> None:
    tracker = make_tracker("and for a CP3219A?", intent="ask_deadline", codes=("CP3219A",),
                           slots={"notice_code": "LT11", "notice_date": "2026-11-05"})
    messages, events = await run_action(ACTION, tracker)
    assert only(messages, "utter_deadline_rule_fixed")["days"] == 90
    assert "utter_ask_notice_date" in names(messages)  # LT11's date is not CP3219A's
    assert events == [SlotSet("notice_code", "CP3219A"), SlotSet("notice_date", None)]


async def test_90_day_deficiency_window() -> None:
    tracker = make_tracker("dated 10/1/2026", intent="inform_notice_date", slots={"notice_code": "CP3219A"})
    messages, _ = await run_action(ACTION, tracker)
    open_ = only(messages, "utter_deadline_open")
    assert (open_["deadline"], open_["days_left"]) == ("Wednesday, December 30, 2026", "34 days")


async def test_passed_final_notice() -> None:
    tracker = make_tracker("dated two months ago", intent="inform_notice_date", slots={"notice_code": "LT11"})
    messages, _ = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_deadline_passed", "utter_after_deadline", "utter_equivalent_hearing_open",
                               "utter_next_step"]
    assert only(messages, "utter_deadline_passed")["days_ago"] == "31 days"


async def test_notice_without_window() -> None:
    tracker = make_tracker("dated Nov 3", intent="inform_notice_date", slots={"notice_code": "CP504"})
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_deadline_no_window", "utter_next_step"]
    assert events == [SlotSet("notice_code", "CP504"), SlotSet("notice_date", "2026-11-03")]


async def test_unknown_code_clears_the_slot() -> None:
    tracker = make_tracker("how long for an LT77?", intent="ask_deadline", codes=("LT77",),
                           slots={"notice_code": "LT11"})
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_notice_unknown", "utter_next_step"]
    assert only(messages, "utter_notice_unknown")["code"] == "LT77"
    assert events == [SlotSet("notice_code", None)]


@pytest.mark.parametrize(
    "text, state",
    [("dated 10/27/2026", "utter_deadline_last_day"), ("dated 12/20/2026", "utter_deadline_future_date")],
)
async def test_last_day_and_future_date(text: str, state: str) -> None:
    tracker = make_tracker(text, intent="inform_notice_date", slots={"notice_code": "LT11"})
    messages, _ = await run_action(ACTION, tracker)
    assert state in names(messages)
    assert "utter_deadline_open" not in names(messages)


async def test_button_payload_text_is_not_searched_for_a_date() -> None:
    # a payload is not something the user wrote; the date inside it must not be read as the notice date
    tracker = make_tracker('/inform_notice_date{"note": "dated Nov 3"}', intent="inform_notice_date",
                           slots={"notice_code": "LT11"})
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_deadline_rule_fixed", "utter_ask_notice_date", "utter_next_step"]
    assert events[1] == SlotSet("notice_date", None)


async def test_a_new_notice_given_with_its_date_is_explained_too() -> None:
    text = "I got an LT11 dated three weeks ago"
    tracker = make_tracker(text, intent="inform_notice_date", codes=("LT11",))
    messages, events = await run_action(ACTION, tracker)
    assert names(messages)[:3] == ["utter_notice_explanation", "utter_urgency_critical", "utter_notice_steps"]
    assert "utter_deadline_open" in names(messages)
    assert SlotSet("notice_code", "LT11") in events


async def test_a_date_for_the_notice_in_context_is_not_explained_again() -> None:
    tracker = make_tracker("the LT11 is dated nov 5", intent="inform_notice_date", codes=("LT11",),
                           slots={"notice_code": "LT11"})
    messages, _ = await run_action(ACTION, tracker)
    assert "utter_notice_explanation" not in names(messages)
