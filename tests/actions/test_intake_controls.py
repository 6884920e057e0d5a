"""Starting the intake, and what a user can say during it: why, skip, cancel, change an answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.intake_controls import (
    ActionCancelIntake,
    ActionCorrectIntake,
    ActionExplainWhy,
    ActionSkipQuestion,
    ActionStartIntake,
)
from services.casework import new_case
from services.intake_plan import FORM_SLOTS
from services.triage import Triage
from store.cases import CaseRepository
from store.db import get_database
from tests.actions.conftest import DOMAIN, FIRM, names, only, run_action
from tests.actions.test_intake import PHONE, answered_before, form_tracker

START = ActionStartIntake()
WHY = ActionExplainWhy()
SKIP = ActionSkipQuestion()
CANCEL = ActionCancelIntake()
CORRECT = ActionCorrectIntake()
ALL_ANSWERS = answered_before("intake_confirmed", intake_confirmed=True, intake_id="intake-1")


@pytest.mark.parametrize(
    "action, name",
    [
        (START, "action_start_intake"),
        (WHY, "action_explain_why"),
        (SKIP, "action_skip_question"),
        (CANCEL, "action_cancel_intake"),
        (CORRECT, "action_correct_intake"),
    ],
)
def test_names(action: Any, name: str) -> None:
    assert action.name() == name


# -- action_start_intake -----------------------------------------------------------------------


def intake_id_of(events: List[Dict[str, Any]]) -> str:
    found = [event["value"] for event in events if event["name"] == "intake_id"]
    assert len(found) == 1
    assert re.fullmatch(r"[0-9a-f]{32}", found[0])
    return found[0]


async def test_start_introduces_the_intake_and_gives_it_an_id() -> None:
    messages, events = await run_action(
        START, form_tracker("I want to talk to someone", None, intent="request_human", active_loop=None)
    )
    assert names(messages) == ["utter_intake_intro"]
    assert only(messages, "utter_intake_intro")["firm_name"] == FIRM
    assert events == [SlotSet("intake_id", intake_id_of(events))]


async def test_each_new_intake_gets_its_own_id() -> None:
    def tracker():
        return form_tracker("help", None, intent="request_human", active_loop=None)

    first = intake_id_of((await run_action(START, tracker()))[1])
    second = intake_id_of((await run_action(START, tracker()))[1])
    assert first != second


async def test_start_prefills_the_notice_being_discussed() -> None:
    tracker = form_tracker(
        "can a pro help?",
        None,
        intent="request_human",
        active_loop=None,
        slots={"notice_code": "CP504", "intake_id": "intake-1"},
    )
    messages, events = await run_action(START, tracker)
    assert names(messages) == ["utter_intake_intro"]
    assert events == [SlotSet("notice_codes", ["CP504"])]  # the id is kept


async def test_start_keeps_notice_codes_already_given() -> None:
    tracker = form_tracker(
        "help",
        None,
        intent="request_human",
        active_loop=None,
        slots={"notice_code": "CP504", "notice_codes": ["LT11"], "intake_id": "intake-1"},
    )
    assert (await run_action(START, tracker))[1] == []


@pytest.mark.parametrize("slot, value", [("full_name", "Jane Doe"), ("phone", PHONE), ("email", "j@example.com")])
async def test_start_resumes_an_intake_with_answers(slot: str, value: str) -> None:
    tracker = form_tracker(
        "talk to a pro", None, intent="request_human", active_loop=None, slots={slot: value, "intake_id": "intake-1"}
    )
    messages, events = await run_action(START, tracker)
    assert (names(messages), events) == (["utter_intake_resume"], [])


@pytest.mark.parametrize(
    "slots",
    [{"notice_code": "668-W"}, {"levy_active": "yes"}, {"notice_codes": ["LT11"], "notice_date": "2026-11-01"}],
)
async def test_start_of_a_critical_case_announces_the_short_form(slots: Dict[str, Any]) -> None:
    tracker = form_tracker(
        "I need help now", None, intent="request_human", active_loop=None, slots={**slots, "intake_id": "intake-1"}
    )
    messages, events = await run_action(START, tracker)
    assert names(messages)[-1] == "utter_intake_fast_path"
    assert events[-1] == SlotSet("intake_fast_path_told", True)


async def test_start_of_a_high_priority_case_asks_everything() -> None:
    tracker = form_tracker(
        "help",
        None,
        intent="request_human",
        active_loop=None,
        slots={"notice_code": "CP504", "levy_active": "unsure", "intake_id": "intake-1"},
    )
    messages, events = await run_action(START, tracker)
    assert "utter_intake_fast_path" not in names(messages)
    assert SlotSet("intake_fast_path_told", True) not in events


@pytest.mark.parametrize("told, expected", [(False, ["utter_intake_fast_path"]), (True, [])])
async def test_asking_for_a_pro_during_the_form_shortens_it(told: bool, expected: List[str]) -> None:
    tracker = form_tracker(
        "just get me a human",
        "us_state",
        intent="request_human",
        slots={**answered_before("us_state"), "intake_fast_path_told": told},
    )
    messages, events = await run_action(START, tracker)
    assert names(messages) == expected
    assert events == [SlotSet("intake_fast_path", True), SlotSet("intake_fast_path_told", True)]


async def test_start_with_a_case_already_open_leaves_it_to_the_submit_step() -> None:
    tracker = form_tracker(
        "talk to a pro",
        None,
        intent="request_human",
        active_loop=None,
        slots={**ALL_ANSWERS, "case_reference": "MTS-7K3Q9"},
    )
    assert await run_action(START, tracker) == ([], [])


# -- action_explain_why ------------------------------------------------------------------------


@pytest.mark.parametrize("slot", FORM_SLOTS)
async def test_why_explains_the_question_being_asked(slot: str) -> None:
    messages, events = await run_action(
        WHY, form_tracker("why do you need that?", slot, intent="ask_why_needed", slots=answered_before(slot))
    )
    assert (names(messages), events) == ([f"utter_why_{slot}"], [])


@pytest.mark.parametrize(
    "requested, active_loop",
    [(None, "intake_form"), ("phone", None), (None, None), ("notice_code", "intake_form")],
)
async def test_why_outside_a_form_question_explains_in_general(
    requested: Optional[str], active_loop: Optional[str]
) -> None:
    tracker = form_tracker("why do you ask?", requested, intent="ask_why_needed", active_loop=active_loop)
    assert names((await run_action(WHY, tracker))[0]) == ["utter_why_general"]


# -- action_skip_question ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "slot, slots",
    [
        ("notice_codes", {}),
        ("contact_time", {}),
        ("phone", {}),
        ("email", {}),  # a phone number was given
    ],
)
async def test_skip_an_optional_question(slot: str, slots: Dict[str, Any]) -> None:
    tracker = form_tracker(
        "skip",
        slot,
        intent="skip_question",
        slots={
            **answered_before(slot),
            "intake_skipped": ["us_state"],
            "intake_failures": {slot: 2, "full_name": 1},
            **slots,
        },
    )
    messages, events = await run_action(SKIP, tracker)
    assert names(messages) == ["utter_skipped"]
    assert events == [
        SlotSet("intake_skipped", ["us_state", slot]),
        SlotSet("intake_failures", {"full_name": 1}),
        SlotSet(slot, None),
    ]


@pytest.mark.parametrize(
    "slot, slots",
    [
        ("full_name", {}),
        ("preferred_channel", {}),
        ("levy_active", {}),
        ("contact_consent", {}),
        ("phone", {"intake_skipped": ["email"]}),
        ("email", {"phone": None, "intake_skipped": ["phone"]}),
    ],
)
async def test_a_needed_question_cannot_be_skipped(slot: str, slots: Dict[str, Any]) -> None:
    tracker = form_tracker("skip", slot, intent="skip_question", slots={**answered_before(slot), **slots})
    messages, events = await run_action(SKIP, tracker)
    assert names(messages) == ["utter_cannot_skip"]
    assert only(messages, "utter_cannot_skip")["reason"] == DOMAIN["responses"][f"utter_why_{slot}"][0]["text"]
    assert events == []


@pytest.mark.parametrize("requested, active_loop", [(None, "intake_form"), ("us_state", None)])
async def test_nothing_to_skip_outside_a_question(requested: Optional[str], active_loop: Optional[str]) -> None:
    tracker = form_tracker("skip", requested, intent="skip_question", active_loop=active_loop)
    messages, events = await run_action(SKIP, tracker)
    assert (names(messages), events) == (["utter_nothing_to_skip"], [])


# -- action_cancel_intake ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "firm_phone, firm_email, contact",
    [
        (None, None, ""),
        ("(512) 555-0100", None, " Phone: (512) 555-0100"),
        ("(512) 555-0100", "help@acme.test", " Phone: (512) 555-0100 · Email: help@acme.test"),
    ],
)
async def test_cancel_stops_the_form_and_keeps_the_answers(
    use_settings, firm_phone: Optional[str], firm_email: Optional[str], contact: str
) -> None:
    use_settings(firm_phone=firm_phone, firm_email=firm_email)
    tracker = form_tracker("cancel", "us_state", intent="cancel", slots=answered_before("us_state"))
    messages, events = await run_action(CANCEL, tracker)
    assert names(messages) == ["utter_intake_cancelled"]
    assert only(messages, "utter_intake_cancelled")["contact"] == contact
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]  # no answer is cleared


async def test_cancel_outside_the_form() -> None:
    messages, events = await run_action(CANCEL, form_tracker("cancel", None, intent="cancel", active_loop=None))
    assert (names(messages), events) == (["utter_nothing_to_cancel"], [])


# -- action_correct_intake ---------------------------------------------------------------------


async def correct(
    text: str,
    slots: Dict[str, Any],
    entities: Optional[List[Dict[str, Any]]] = None,
    requested: Optional[str] = "intake_confirmed",
):
    tracker = form_tracker(text, requested, intent="correct_intake", slots=slots, entities=entities)
    return await run_action(CORRECT, tracker)


@pytest.mark.parametrize(
    "text, field, value, shown, cleared",
    [
        (
            "my email is wrong, it's jane.d@example.org",
            "email",
            "jane.d@example.org",
            "jane.d@example.org",
            ["intake_confirmed", "contact_consent", "consent_record", "preferred_channel"],
        ),
        (
            "wrong number, use 512 555 0199",
            "phone",
            "+15125550199",
            "+15125550199",
            ["intake_confirmed", "contact_consent", "consent_record", "preferred_channel"],
        ),
        (
            "actually text me",
            "preferred_channel",
            "sms",
            "text message",
            ["intake_confirmed", "contact_consent", "consent_record"],
        ),
        ("wrong state, I live in Ohio", "us_state", "OH", "OH", ["intake_confirmed"]),
        ("I owe about $60k", "amount_owed", "60000.00", "$60,000", ["intake_confirmed"]),
        ("the tax years are 2019-2021", "tax_years", [2019, 2020, 2021], "2019, 2020, 2021", ["intake_confirmed"]),
    ],
)
async def test_a_correction_with_the_new_value_updates_it(
    text: str, field: str, value: Any, shown: str, cleared: List[str]
) -> None:
    # A skipped question that is answered in a correction is no longer skipped.
    messages, events = await correct(text, {**ALL_ANSWERS, "intake_skipped": [field, "joint_filing"]})
    assert names(messages) == ["utter_updated"]
    assert (only(messages, "utter_updated")["field"], only(messages, "utter_updated")["value"]) == (
        {
            "email": "E-mail",
            "phone": "Phone",
            "preferred_channel": "Contact by",
            "us_state": "State",
            "amount_owed": "Amount owed",
            "tax_years": "Tax years",
        }[field],
        shown,
    )
    assert events == [SlotSet("intake_skipped", ["joint_filing"]), SlotSet(field, value)] + [
        SlotSet(slot, None) for slot in cleared
    ]


@pytest.mark.parametrize(
    "text, field, cleared",
    [
        ("I spelled my name wrong", "full_name", ["full_name", "intake_confirmed"]),
        ("my name is actually Jon Smith", "full_name", ["full_name", "intake_confirmed"]),  # free text: ask again
        (
            "my email is wrong",
            "email",
            ["email", "intake_confirmed", "contact_consent", "consent_record", "preferred_channel"],
        ),
        ("the date is wrong", "notice_date", ["notice_date", "intake_confirmed"]),
        ("the best time is wrong", "contact_time", ["contact_time", "intake_confirmed"]),
        ("there is a levy after all", "levy_active", ["levy_active", "intake_confirmed"]),  # not a yes/no reply
    ],
)
async def test_a_correction_without_a_new_value_asks_again(text: str, field: str, cleared: List[str]) -> None:
    messages, events = await correct(text, ALL_ANSWERS)
    assert messages == []
    assert events == [SlotSet("intake_skipped", [])] + [SlotSet(slot, None) for slot in cleared]


async def test_a_change_button_names_the_field_and_asks_again() -> None:
    text = '/correct_intake{"intake_field": "phone"}'
    hint = {"entity": "intake_field", "value": "phone", "start": 0, "end": 0}
    messages, events = await correct(text, ALL_ANSWERS, entities=[hint])
    assert messages == []
    assert events == [
        SlotSet("intake_skipped", []),
        SlotSet("phone", None),
        SlotSet("intake_confirmed", None),
        SlotSet("contact_consent", None),
        SlotSet("consent_record", None),
        SlotSet("preferred_channel", None),
    ]


async def test_a_hint_with_a_typed_value_asks_again_rather_than_guessing() -> None:
    hint = {"entity": "intake_field", "value": "us_state", "start": 10, "end": 15}
    messages, events = await correct("change my state to Ohio", ALL_ANSWERS, entities=[hint])
    assert messages == []
    assert events == [SlotSet("intake_skipped", []), SlotSet("us_state", None), SlotSet("intake_confirmed", None)]


async def test_an_unclear_correction_asks_which_answer_to_change() -> None:
    messages, events = await correct("that's not right", ALL_ANSWERS)
    assert names(messages) == ["utter_change_which"]
    titles = [button["title"] for button in only(messages, "utter_change_which")["buttons"]]
    assert titles[:4] == ["Name", "Phone", "E-mail", "Contact by"] and len(titles) == 13
    assert events == []


async def test_a_correction_before_the_intake_started_gives_it_an_id() -> None:
    messages, events = await correct("my email is wrong", {"email": "old@example.com"}, requested=None)
    assert messages == []
    assert events[0]["name"] == "intake_id" and len(events[0]["value"]) == 32
    assert events[1:3] == [SlotSet("intake_skipped", []), SlotSet("email", None)]


async def test_correcting_the_notice_date_by_its_summary_label() -> None:
    messages, events = await correct("the notice date is wrong", ALL_ANSWERS)
    assert events == [SlotSet("intake_skipped", []), SlotSet("notice_date", None), SlotSet("intake_confirmed", None)]


async def test_a_correction_after_submission_is_noted_on_the_case(use_settings, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cases.db"
    use_settings(database_url=url)
    repo = CaseRepository(get_database(url))
    case, _ = repo.create(new_case(ALL_ANSWERS, "socketio", "conv-1", Triage("normal")))
    messages, events = await correct(
        "my email is wrong, it's new@example.com", {**ALL_ANSWERS, "case_reference": case.reference}, requested=None
    )
    assert names(messages) == ["utter_correction_noted"]
    assert only(messages, "utter_correction_noted")["reference"] == case.reference
    assert events == []  # the submitted answers stay as they were
    note = repo.events(case.reference)[-1]
    assert (note.kind, note.actor, note.body) == (
        "note",
        "taxpayer",
        "Correction from the taxpayer: my email is wrong, it's new@example.com",
    )


async def test_a_question_read_as_cancel_outside_the_form_is_answered() -> None:
    tracker = form_tracker(
        "if I change jobs will the levy stop? how do I stop it", None, intent="cancel", active_loop=None
    )
    messages, _ = await run_action(CANCEL, tracker)
    assert "utter_nothing_to_cancel" not in names(messages)
    assert "new levy to your next employer" in str(messages)


async def test_a_question_read_as_a_correction_before_any_intake_is_answered_without_starting_it() -> None:
    tracker = form_tracker(
        "I havent filed 2022 or 2023 yet though. do I need to file those first?",
        None,
        intent="correct_intake",
        active_loop=None,
    )
    messages, events = await run_action(CORRECT, tracker)
    assert "utter_change_which" not in names(messages) and "utter_answer" in names(messages)
    assert events[-1] == FollowupAction("action_listen")  # the form does not start
    assert not any(event.get("name") == "intake_id" for event in events)


async def test_a_question_read_as_a_skip_outside_the_form_is_answered() -> None:
    tracker = form_tracker(
        "and can I sell the house with the lien on it", None, intent="skip_question", active_loop=None
    )
    messages, _ = await run_action(SKIP, tracker)
    assert "utter_nothing_to_skip" not in names(messages) and "Form 14135" in str(messages)
