"""action_explain_notice: explain the codes the user names, from the knowledge base only."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
import yaml
from rasa_sdk.events import SlotSet

from actions.knowledge.store import DEFAULT_PATH, cached_knowledge
from actions.notices import MAX_CODES_PER_MESSAGE, ActionExplainNotice
from actions.replies import bullet_list
from tests.actions.conftest import make_tracker, names, only, run_action

KB = cached_knowledge()
ACTION = ActionExplainNotice()


def explanation_block(code: str) -> list:
    notice = KB.find_notice(code)
    block = ["utter_notice_explanation", f"utter_urgency_{notice.urgency.value}", "utter_notice_steps"]
    if notice.sources_note:
        block.append("utter_sources_note")
    return block + ["utter_official_page"]


def test_name() -> None:
    assert ACTION.name() == "action_explain_notice"


async def test_known_code_without_date() -> None:
    messages, events = await run_action(ACTION, make_tracker("what does my lt 11 mean", codes=("lt 11",)))
    lt11 = KB.find_notice("LT11")
    assert names(messages) == [
        "utter_notice_explanation", "utter_urgency_critical", "utter_notice_steps", "utter_sources_note",
        "utter_official_page", "utter_deadline_rule_fixed", "utter_ask_notice_date", "utter_next_step",
    ]
    explanation = only(messages, "utter_notice_explanation")
    assert (explanation["code"], explanation["title"], explanation["explanation"], explanation["sms"]) == (
        "LT11", lt11.title, lt11.explanation, lt11.sms)
    assert only(messages, "utter_urgency_critical")["code"] == "LT11"
    assert only(messages, "utter_notice_steps")["steps"] == bullet_list(lt11.what_to_do)
    assert only(messages, "utter_notice_steps")["steps"].count("• ") == len(lt11.what_to_do)
    assert only(messages, "utter_sources_note")["note"] == lt11.sources_note
    assert only(messages, "utter_official_page")["url"] == lt11.source_url
    rule = only(messages, "utter_deadline_rule_fixed")
    assert (rule["code"], rule["days"], rule["purpose"]) == ("LT11", 30, lt11.response_window.purpose)
    assert only(messages, "utter_ask_notice_date")["code"] == "LT11"
    assert events == [SlotSet("notice_code", "LT11"), SlotSet("notice_date", None)]


@pytest.mark.parametrize(
    "spelling, canonical",
    [("cp 504", "CP504"), ("letter 1058", "Letter 1058"), ("668(Y)(c)", "Form 668(Y)(c)"), ("CP298", "CP91"),
     ("504 notice", "CP504"), ("5071C", "Letter 5071C")],
)
async def test_slot_holds_the_canonical_code(spelling: str, canonical: str) -> None:
    messages, events = await run_action(ACTION, make_tracker(f"I got a {spelling}", codes=(spelling,)))
    assert events[0] == SlotSet("notice_code", canonical)
    assert only(messages, "utter_notice_explanation")["code"] == canonical
    assert names(messages)[:len(explanation_block(canonical))] == explanation_block(canonical)


async def test_extendable_window_uses_the_plain_rule() -> None:
    messages, _ = await run_action(ACTION, make_tracker("explain CP2000", codes=("CP2000",)))
    assert "utter_deadline_rule" in names(messages)
    assert "utter_deadline_rule_fixed" not in names(messages)
    assert only(messages, "utter_deadline_rule")["days"] == 30
    assert names(messages)[-2:] == ["utter_ask_notice_date", "utter_next_step"]


async def test_notice_without_fixed_window() -> None:
    messages, events = await run_action(ACTION, make_tracker("what is a CP504", codes=("CP504",)))
    cp504 = KB.find_notice("CP504")
    assert names(messages) == explanation_block("CP504") + ["utter_deadline_no_window", "utter_next_step"]
    assert only(messages, "utter_urgency_high")["code"] == "CP504"
    assert only(messages, "utter_deadline_no_window")["purpose"] == cp504.response_window.purpose
    assert events == [SlotSet("notice_code", "CP504"), SlotSet("notice_date", None)]


async def test_notice_without_sources_note_skips_it() -> None:
    messages, _ = await run_action(ACTION, make_tracker("got a CP521", codes=("CP521",)))
    assert "utter_sources_note" not in names(messages)
    assert names(messages)[:4] == ["utter_notice_explanation", "utter_urgency_low", "utter_notice_steps",
                                   "utter_official_page"]


async def test_lt11_dated_three_weeks_ago_is_open() -> None:
    text = "I got an LT11 dated three weeks ago"
    messages, events = await run_action(ACTION, make_tracker(text, codes=("LT11",)))
    assert names(messages) == explanation_block("LT11") + ["utter_deadline_open", "utter_next_step"]
    open_ = only(messages, "utter_deadline_open")
    assert open_["days_left"] == "9 days"
    assert open_["notice_date"] == "Thursday, November 5, 2026"
    assert open_["deadline"] == "Saturday, December 5, 2026"
    assert open_["code"] == "LT11"
    assert events == [SlotSet("notice_code", "LT11"), SlotSet("notice_date", "2026-11-05")]


async def test_one_day_left_is_singular() -> None:
    messages, _ = await run_action(ACTION, make_tracker("my LT11 is dated 10/28/2026", codes=("LT11",)))
    assert only(messages, "utter_deadline_open")["days_left"] == "1 day"


async def test_last_day() -> None:
    messages, events = await run_action(ACTION, make_tracker("my LT11 is dated 10/27/2026", codes=("LT11",)))
    assert "utter_deadline_last_day" in names(messages)
    assert only(messages, "utter_deadline_last_day")["deadline"] == "Thursday, November 26, 2026"
    assert events[1] == SlotSet("notice_date", "2026-10-27")


@pytest.mark.parametrize("text", ["my LT11 is dated two months ago", "LT11 dated 2 months ago"])
async def test_lt11_dated_two_months_ago_has_passed(text: str) -> None:
    messages, events = await run_action(ACTION, make_tracker(text, codes=("LT11",)))
    assert names(messages) == explanation_block("LT11") + [
        "utter_deadline_passed", "utter_after_deadline", "utter_equivalent_hearing_open", "utter_next_step"]
    passed = only(messages, "utter_deadline_passed")
    assert passed["notice_date"] == "Saturday, September 26, 2026"
    assert passed["deadline"] == "Monday, October 26, 2026"
    assert passed["days_ago"] == "31 days"
    assert passed["days"] == 30
    assert only(messages, "utter_after_deadline")["after_deadline"] == KB.find_notice("LT11").after_deadline
    assert only(messages, "utter_equivalent_hearing_open")["eh_deadline"] == "Sunday, September 26, 2027"
    assert events[1] == SlotSet("notice_date", "2026-09-26")


async def test_equivalent_hearing_last_day_is_still_open() -> None:
    messages, _ = await run_action(ACTION, make_tracker("LT11 dated 11/26/2025", codes=("LT11",)))
    assert only(messages, "utter_equivalent_hearing_open")["eh_deadline"] == "Thursday, November 26, 2026"


async def test_final_notice_over_a_year_old() -> None:
    messages, _ = await run_action(ACTION, make_tracker("Letter 1058 dated 10/15/2025", codes=("Letter 1058",)))
    assert "utter_equivalent_hearing_passed" in names(messages)
    assert "utter_equivalent_hearing_open" not in names(messages)
    assert only(messages, "utter_equivalent_hearing_passed")["eh_deadline"] == "Thursday, October 15, 2026"


async def test_passed_deadline_of_a_non_final_notice_has_no_hearing_line() -> None:
    messages, _ = await run_action(ACTION, make_tracker("CP2000 dated 8/1/2026", codes=("CP2000",)))
    assert "utter_deadline_passed" in names(messages)
    assert not [n for n in names(messages) if n.startswith("utter_equivalent_hearing")]


async def test_notice_date_in_the_future() -> None:
    messages, _ = await run_action(ACTION, make_tracker("LT11 dated 12/20/2026", codes=("LT11",)))
    tail = names(messages)[len(explanation_block("LT11")):]
    assert tail == ["utter_deadline_rule_fixed", "utter_deadline_future_date", "utter_next_step"]
    assert only(messages, "utter_deadline_future_date")["notice_date"] == "Sunday, December 20, 2026"


async def test_unknown_code() -> None:
    messages, events = await run_action(ACTION, make_tracker("what is a cp 242", codes=("cp 242",)))
    assert names(messages) == ["utter_notice_unknown", "utter_next_step"]
    assert only(messages, "utter_notice_unknown")["code"] == "CP242"
    assert events == []


async def test_unknown_letter_is_shown_tidily() -> None:
    messages, _ = await run_action(ACTION, make_tracker("I got letter 9999", codes=("letter 9999",)))
    assert only(messages, "utter_notice_unknown")["code"] == "Letter 9999"


async def test_no_code_and_no_slot_asks_for_the_code() -> None:
    messages, events = await run_action(ACTION, make_tracker("what does my notice mean"))
    assert names(messages) == ["utter_ask_notice_code"]
    assert events == []


async def test_code_from_slot_when_message_has_none() -> None:
    tracker = make_tracker("what does it mean?", slots={"notice_code": "CP504"})
    messages, events = await run_action(ACTION, tracker)
    assert only(messages, "utter_notice_explanation")["code"] == "CP504"
    assert events[0] == SlotSet("notice_code", "CP504")


async def test_remembered_date_of_the_same_notice_is_used() -> None:
    tracker = make_tracker("explain it again", slots={"notice_code": "LT11", "notice_date": "2026-11-05"})
    messages, events = await run_action(ACTION, tracker)
    assert only(messages, "utter_deadline_open")["days_left"] == "9 days"
    assert events == [SlotSet("notice_code", "LT11"), SlotSet("notice_date", "2026-11-05")]


async def test_date_given_before_the_code_is_used() -> None:
    tracker = make_tracker("it's an LT11", codes=("LT11",), slots={"notice_date": "2026-11-05"})
    messages, _ = await run_action(ACTION, tracker)
    assert only(messages, "utter_deadline_open")["days_left"] == "9 days"


async def test_remembered_date_of_another_notice_is_not_reused() -> None:
    tracker = make_tracker("and what about an LT11?", codes=("LT11",),
                           slots={"notice_code": "CP2000", "notice_date": "2026-11-05"})
    messages, events = await run_action(ACTION, tracker)
    assert "utter_ask_notice_date" in names(messages)
    assert "utter_deadline_open" not in names(messages)
    assert events == [SlotSet("notice_code", "LT11"), SlotSet("notice_date", None)]


async def test_date_in_message_beats_remembered_date() -> None:
    tracker = make_tracker("my LT11 is actually dated two months ago", codes=("LT11",),
                           slots={"notice_code": "LT11", "notice_date": "2026-11-05"})
    messages, events = await run_action(ACTION, tracker)
    assert "utter_deadline_passed" in names(messages)
    assert events[1] == SlotSet("notice_date", "2026-09-26")


async def test_code_span_is_not_read_as_a_date() -> None:
    # "2000" in "CP 2000" must not become the notice date (year 2000, long passed)
    messages, events = await run_action(ACTION, make_tracker("I got a CP 2000", codes=("CP 2000",)))
    assert "utter_deadline_passed" not in names(messages)
    assert "utter_ask_notice_date" in names(messages)
    assert events[1] == SlotSet("notice_date", None)


async def test_two_codes_in_one_message() -> None:
    messages, events = await run_action(ACTION, make_tracker("what are CP14 and LT11?", codes=("CP14", "LT11")))
    assert names(messages) == (
        explanation_block("CP14") + ["utter_deadline_no_window"]
        + explanation_block("LT11") + ["utter_deadline_rule_fixed", "utter_ask_notice_date"]
        + ["utter_next_step"]
    )
    assert [m["code"] for m in messages if m["response"] == "utter_notice_explanation"] == ["CP14", "LT11"]
    assert events == [SlotSet("notice_code", "CP14"), SlotSet("notice_date", None)]


async def test_two_codes_with_articles_invent_no_date() -> None:
    messages, events = await run_action(ACTION, make_tracker("I got a CP14 and an LT11", codes=("CP14", "LT11")))
    assert "utter_deadline_passed" not in names(messages)
    assert names(messages)[-3:] == ["utter_deadline_rule_fixed", "utter_ask_notice_date", "utter_next_step"]
    assert events == [SlotSet("notice_code", "CP14"), SlotSet("notice_date", None)]


async def test_unknown_then_known_code() -> None:
    messages, events = await run_action(ACTION, make_tracker("CP242 and CP504", codes=("CP242", "CP504")))
    assert names(messages)[0] == "utter_notice_unknown"
    assert only(messages, "utter_notice_explanation")["code"] == "CP504"
    assert events[0] == SlotSet("notice_code", "CP504")


async def test_at_most_three_codes_per_message() -> None:
    text = "CP14 CP501 CP503 CP504"
    messages, _ = await run_action(ACTION, make_tracker(text, codes=("CP14", "CP501", "CP503", "CP504")))
    shown = [m["code"] for m in messages if m["response"] == "utter_notice_explanation"]
    assert shown == ["CP14", "CP501", "CP503"]
    assert len(shown) == MAX_CODES_PER_MESSAGE


async def test_same_value_twice_is_explained_once() -> None:
    text = "CP504? yes CP504"
    tracker = make_tracker(text, entities=[
        {"entity": "notice_code", "value": "CP504", "start": 0, "end": 5},
        {"entity": "notice_code", "value": "CP504", "start": 11, "end": 16},
    ])
    messages, _ = await run_action(ACTION, tracker)
    assert names(messages).count("utter_notice_explanation") == 1


async def test_same_notice_in_two_spellings_is_explained_once() -> None:
    messages, _ = await run_action(ACTION, make_tracker("I got a CP504. What does the 504 notice mean?",
                                                        codes=("CP504", "504 notice")))
    assert names(messages).count("utter_notice_explanation") == 1


async def test_other_entities_are_ignored_as_codes() -> None:
    text = "I owe $12,500 for 2019"
    tracker = make_tracker(text, entities=[
        {"entity": "amount", "value": "$12,500", "start": 6, "end": 13},
        {"entity": "tax_year", "value": "2019", "start": 18, "end": 22},
    ])
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_ask_notice_code"]
    assert events == []


async def test_knowledge_path_comes_from_settings(tmp_path: Path, use_settings: Callable) -> None:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    lt11 = next(n for n in raw["notices"] if n["code"] == "LT11")
    lt11["title"] = "A test title for the LT11 entry"
    lt11["sources_note"] = None
    path = tmp_path / "kb.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    use_settings(knowledge_path=path)
    messages, _ = await run_action(ACTION, make_tracker("LT11?", codes=("LT11",)))
    assert only(messages, "utter_notice_explanation")["title"] == "A test title for the LT11 entry"
    assert "utter_sources_note" not in names(messages)
