"""validate_intake_form, run through the SDK's real FormValidationAction.run, and the intake's ask actions.

Each tracker is the form waiting on ``requested_slot`` with the user's latest message as the last
event, as Rasa sends it to the action server: run() extracts the answer, validates it and, when the
form's questions differ from the domain's, names the next question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.intake import ValidateIntakeForm
from actions.intake_prompts import (
    ActionAskContactConsent,
    ActionAskEmail,
    ActionAskIntakeConfirmed,
    ActionAskNoticeDate,
    ActionAskPreferredChannel,
)
from services.intake_plan import FORM_SLOTS
from tests.actions.conftest import DOMAIN, FIRM, entity, names, only, run_action

FORM = ValidateIntakeForm()
PHONE = "+15125550142"
# A complete, non-urgent intake (CP14, no levy, $12,000), in form order.
ANSWERS: Dict[str, Any] = {
    "full_name": "Jane Doe",
    "phone": PHONE,
    "email": "jane@example.com",
    "preferred_channel": "sms",
    "levy_active": "no",
    "notice_codes": ["CP14"],
    "notice_date": "2026-11-02",
    "us_state": "TX",
    "tax_years": [2020, 2021],
    "amount_owed": "12000.00",
    "unfiled_returns": "no",
    "joint_filing": "no",
    "contact_time": "morning",
    "contact_consent": True,
    "intake_confirmed": True,
}
CONSENT = (
    "May Acme Tax Relief contact you by text message at +15125550142 about your IRS matter? "
    "We only use these details for your case."
)


def answered_before(slot: str, **overrides: Any) -> Dict[str, Any]:
    """The answers to every question before ``slot``, with ``overrides``."""
    slots = {name: ANSWERS[name] for name in FORM_SLOTS[: FORM_SLOTS.index(slot)]}
    if "contact_consent" in slots:
        slots["consent_record"] = {
            "wording": CONSENT,
            "given_at": "2026-11-26T15:00:00+00:00",
            "channel": "socketio",
            "contact_method": "sms",
        }
    slots.update(overrides)
    return slots


def form_tracker(
    text: str,
    requested: Optional[str],
    intent: str = "inform",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    channel: Optional[str] = "socketio",
    active_loop: Optional[str] = "intake_form",
    sender_id: str = "conv-1",
) -> Tracker:
    """A tracker whose latest event is the user's ``text`` while the form (if active) asks ``requested``."""
    values = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    values.update(slots or {})
    values["requested_slot"] = requested
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": list(entities or []),
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
    }
    events: List[Dict[str, Any]] = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in (slots or {}).items()]
    if active_loop:
        events += [
            {"event": "active_loop", "name": active_loop},
            {"event": "slot", "name": "requested_slot", "value": requested},
        ]
    events += [{"event": "action", "name": "action_listen"}]
    user = {"event": "user", "text": text, "parse_data": latest}
    if channel is not None:
        user["input_channel"] = channel
    events.append(user)
    return Tracker(
        sender_id, values, latest, events, False, None, {"name": active_loop} if active_loop else {}, "action_listen"
    )


async def answer(slot: str, text: str, intent: str = "inform", **kwargs: Any):
    """Run the form on ``text`` as the answer to ``slot``, after the earlier questions were answered."""
    slots = answered_before(slot, **kwargs.pop("slots", {}))
    return await run_action(FORM, form_tracker(text, slot, intent=intent, slots=slots, **kwargs))


def test_name() -> None:
    assert FORM.name() == "validate_intake_form"
    assert FORM.form_name() == "intake_form"


def test_every_question_has_an_extractor_and_a_validator() -> None:
    for slot in FORM_SLOTS:
        assert callable(getattr(FORM, f"extract_{slot}"))
        assert callable(getattr(FORM, f"validate_{slot}"))


# -- answers are extracted and normalised ------------------------------------------------------

CP_TEXT = "I got a CP504 and a cp14, and another CP504"


@pytest.mark.parametrize(
    "slot, text, value",
    [
        ("full_name", "my name is jane o'neil", "Jane O'Neil"),
        ("full_name", "Jean-Luc DuBois", "Jean-Luc DuBois"),
        ("phone", "(512) 555-0142", PHONE),
        ("phone", "it's +44 20 7946 0958", "+442079460958"),
        ("email", "Jane.Doe@Example.COM", "Jane.Doe@example.com"),
        ("preferred_channel", "text me please", "sms"),
        ("preferred_channel", "don't call, email me", "email"),
        ("preferred_channel", "right here in the chat", "chat"),
        ("levy_active", "not sure", "unsure"),
        ("levy_active", "nope", "no"),
        ("notice_date", "it's dated Nov 3", "2026-11-03"),
        ("notice_date", "10/15/2026", "2026-10-15"),
        ("us_state", "I live in Texas", "TX"),
        ("us_state", "oh", "OH"),
        ("tax_years", "2018-2020", [2018, 2019, 2020]),
        ("tax_years", "the last two years", [2024, 2025]),
        ("amount_owed", "about $12k", "12000.00"),
        ("amount_owed", "twelve thousand five hundred", "12500.00"),
        ("unfiled_returns", "yes", "yes"),
        ("joint_filing", "I don't know", "unsure"),
        ("contact_time", "mornings", "morning"),
        ("contact_time", "weekdays after 5pm", "weekdays after 5pm"),
        ("intake_confirmed", "yes, send it", True),
    ],
)
async def test_an_answer_is_stored_normalised(slot: str, text: str, value: Any) -> None:
    messages, events = await answer(slot, text)
    assert messages == []
    # Nothing skipped and not urgent: the form's questions are the domain's, so Rasa picks the next one.
    assert events == [SlotSet(slot, value)]


async def test_notice_codes_come_from_the_notice_code_entities() -> None:
    entities = [entity(CP_TEXT, "CP504"), entity(CP_TEXT, "cp14"), {**entity(CP_TEXT, "CP504"), "start": 36, "end": 41}]
    messages, events = await answer("notice_codes", CP_TEXT, entities=entities)
    assert messages == []
    assert events == [SlotSet("notice_codes", ["CP504", "CP14"])]  # known codes canonical, each once


async def test_a_notice_code_missing_from_the_knowledge_base_is_kept_as_written() -> None:
    text = "it says CP 9999"
    messages, events = await answer("notice_codes", text, entities=[entity(text, "CP 9999")])
    assert (messages, events) == ([], [SlotSet("notice_codes", ["CP9999"])])


async def test_notice_codes_without_an_entity_are_not_read() -> None:
    messages, events = await answer("notice_codes", "the one in the corner")
    assert names(messages) == ["utter_invalid_notice_codes"]
    assert events == [SlotSet("notice_codes", None), SlotSet("intake_failures", {"notice_codes": 1})]


async def test_a_future_notice_date_is_refused() -> None:
    messages, events = await answer("notice_date", "December 15, 2026")
    assert names(messages) == ["utter_invalid_notice_date"]
    assert events[0] == SlotSet("notice_date", None)


async def test_an_email_typed_at_the_phone_question_is_taken_as_the_contact() -> None:
    # Before: "not a phone number" for ever, and an SMS user had no button to get out.
    messages, events = await answer("phone", "jane@example.com")
    assert names(messages) == ["utter_email_instead_of_phone"]
    assert events[:3] == [
        SlotSet("phone", None),
        SlotSet("email", "jane@example.com"),
        SlotSet("intake_skipped", ["phone"]),
    ]
    assert events[3] == SlotSet("requested_slot", "preferred_channel")  # the form moves on


async def test_an_email_after_two_failed_phone_answers_ends_the_loop() -> None:
    messages, events = await answer(
        "phone", "you can email me at jane@example.com", slots={"intake_failures": {"phone": 2}}
    )
    assert names(messages) == ["utter_email_instead_of_phone"]
    assert SlotSet("email", "jane@example.com") in events


async def test_a_wrong_phone_is_still_rejected() -> None:
    messages, events = await answer("phone", "555")
    assert names(messages) == ["utter_invalid_phone"]
    assert events == [SlotSet("phone", None), SlotSet("intake_failures", {"phone": 1})]


async def test_nothing_is_extracted_without_a_requested_slot() -> None:
    tracker = form_tracker("Jane Doe", None, slots={})
    assert await run_action(FORM, tracker) == ([], [])


@pytest.mark.parametrize("text", ["/affirm", "/request_human", "", "   "])
async def test_payloads_and_empty_messages_are_not_answers(text: str) -> None:
    assert await answer("levy_active", text, intent="affirm") == ([], [])


# -- questions and commands during the form ----------------------------------------------------


@pytest.mark.parametrize(
    "slot, text, intent",
    [
        ("full_name", "why do you need my name?", "ask_why_needed"),
        ("full_name", "Jane Doe", "ask_firm_services"),  # free text: the intent decides
        ("full_name", "what is a levy", "ask_levy"),
        ("contact_time", "what's the deadline for an LT11?", "ask_deadline"),
        ("contact_time", "mornings", "request_human"),  # free text: the intent decides
        ("contact_time", "stop", "cancel"),
        ("phone", "skip", "skip_question"),
        ("phone", "why do you need it?", "ask_why_needed"),
        ("email", "I want to change my phone", "correct_intake"),
        ("levy_active", "what is a levy?", "ask_levy"),
        ("us_state", "cancel", "cancel"),
        ("notice_date", "how long do I have?", "ask_deadline"),
        ("amount_owed", "can I settle for less?", "ask_offer_in_compromise"),
        ("intake_confirmed", "is this a scam?", "ask_scam"),
    ],
)
async def test_questions_and_commands_are_left_to_the_rules(slot: str, text: str, intent: str) -> None:
    assert await answer(slot, text, intent=intent) == ([], [])


@pytest.mark.parametrize(
    "slot, text, intent, value",
    [
        ("levy_active", "no, what does levy even mean?", "ask_levy", "no"),
        ("phone", "why do you need it? anyway it's 512-555-0142", "ask_why_needed", PHONE),
        ("us_state", "why? I'm in Ohio", "ask_why_needed", "OH"),
        ("amount_owed", "about 12k, can I get a payment plan?", "ask_installment_agreement", "12000.00"),
    ],
)
async def test_a_question_that_also_answers_is_taken_as_the_answer(
    slot: str, text: str, intent: str, value: Any
) -> None:
    assert await answer(slot, text, intent=intent) == ([], [SlotSet(slot, value)])


async def test_a_question_about_a_notice_code_answers_the_notice_question() -> None:
    text = "what is a CP504?"
    messages, events = await answer("notice_codes", text, intent="explain_notice", entities=[entity(text, "CP504")])
    assert (messages, events) == ([], [SlotSet("notice_codes", ["CP504"])])


# -- invalid answers: a hint, then an offer ----------------------------------------------------


@pytest.mark.parametrize(
    "slot, text, slots, expected",
    [
        ("full_name", "12345", {}, ["utter_invalid_full_name", "utter_offer_human"]),
        ("phone", "12", {}, ["utter_invalid_phone", "utter_offer_other_contact"]),
        ("phone", "12", {"intake_skipped": ["email"]}, ["utter_invalid_phone", "utter_offer_human"]),
        ("email", "jane at example", {}, ["utter_invalid_email", "utter_offer_skip"]),
        (
            "email",
            "jane at example",
            {"phone": None, "intake_skipped": ["phone"]},
            ["utter_invalid_email", "utter_offer_human"],
        ),
        ("preferred_channel", "by pigeon", {}, ["utter_invalid_preferred_channel", "utter_offer_human"]),
        ("levy_active", "purple", {}, ["utter_invalid_levy_active", "utter_offer_human"]),
        ("notice_date", "the blue one", {}, ["utter_invalid_notice_date", "utter_offer_skip"]),
        ("us_state", "Narnia", {}, ["utter_invalid_us_state", "utter_offer_skip"]),
        ("tax_years", "a long time", {}, ["utter_invalid_tax_years", "utter_offer_skip"]),
        ("amount_owed", "a lot", {}, ["utter_invalid_amount_owed", "utter_offer_skip"]),
        ("unfiled_returns", "purple", {}, ["utter_invalid_unfiled_returns", "utter_offer_skip"]),
        ("joint_filing", "purple", {}, ["utter_invalid_joint_filing", "utter_offer_skip"]),
        ("contact_time", "123", {}, ["utter_invalid_contact_time", "utter_offer_skip"]),
        ("contact_consent", "purple", {}, ["utter_invalid_contact_consent", "utter_offer_human"]),
        ("intake_confirmed", "maybe later", {}, ["utter_invalid_intake_confirmed", "utter_offer_human"]),
    ],
)
async def test_first_failure_hints_and_second_failure_offers_a_way_out(
    slot: str, text: str, slots: Dict[str, Any], expected: List[str]
) -> None:
    messages, events = await answer(slot, text, slots=slots)
    assert names(messages) == expected[:1]
    assert events[:2] == [SlotSet(slot, None), SlotSet("intake_failures", {slot: 1})]
    messages, events = await answer(slot, text, slots={**slots, "intake_failures": {slot: 1}})
    assert names(messages) == expected
    assert events[:2] == [SlotSet(slot, None), SlotSet("intake_failures", {slot: 2})]


async def test_failures_are_counted_per_question() -> None:
    _, events = await answer("us_state", "Narnia", slots={"intake_failures": {"phone": 1, "email": 2}})
    assert events == [SlotSet("us_state", None), SlotSet("intake_failures", {"phone": 1, "email": 2, "us_state": 1})]


async def test_the_other_contact_offer_names_the_firm_phone(use_settings) -> None:
    use_settings(firm_phone="(512) 555-0100")
    messages, _ = await answer("phone", "12", slots={"intake_failures": {"phone": 3}})
    assert only(messages, "utter_offer_other_contact")["contact"] == " Phone: (512) 555-0100"


async def test_a_good_answer_clears_its_failure_count_only() -> None:
    messages, events = await answer("phone", "512 555 0142", slots={"intake_failures": {"phone": 2, "email": 1}})
    assert messages == []
    assert events == [SlotSet("phone", PHONE), SlotSet("intake_failures", {"email": 1})]


# -- "no" to an optional question skips it ------------------------------------------------------


@pytest.mark.parametrize(
    "slot, text, next_slot",
    [
        ("phone", "no", "email"),
        ("email", "no thanks", "preferred_channel"),
        ("notice_codes", "no", "notice_date"),
        ("notice_date", "no", "us_state"),
        ("us_state", "I'd rather not", "tax_years"),
        ("tax_years", "no", "amount_owed"),
        ("amount_owed", "no", "unfiled_returns"),
        ("contact_time", "no", "contact_consent"),
    ],
)
async def test_deny_skips_an_optional_question(slot: str, text: str, next_slot: str) -> None:
    messages, events = await answer(slot, text, intent="deny", slots={"intake_skipped": ["joint_filing"]})
    assert names(messages) == ["utter_skipped"]
    assert events == [
        SlotSet(slot, None),
        SlotSet("intake_skipped", ["joint_filing", slot]),
        SlotSet("requested_slot", next_slot),
    ]


@pytest.mark.parametrize(
    "slot, text, slots, expected",
    [
        ("levy_active", "no", {}, [SlotSet("levy_active", "no")]),  # a yes/no question: "no" is the answer
        ("unfiled_returns", "no", {}, [SlotSet("unfiled_returns", "no")]),
        # An optional yes/no question is answered, not skipped, by a "no" it can't read.
        (
            "joint_filing",
            "I'd rather not say",
            {},
            [SlotSet("joint_filing", None), SlotSet("intake_failures", {"joint_filing": 1})],
        ),
        ("full_name", "no", {}, [SlotSet("full_name", None), SlotSet("intake_failures", {"full_name": 1})]),
        (
            "preferred_channel",
            "no",
            {},
            [SlotSet("preferred_channel", None), SlotSet("intake_failures", {"preferred_channel": 1})],
        ),
        # Without a phone number, the e-mail address is needed.
        (
            "email",
            "no",
            {"phone": None, "intake_skipped": ["phone"]},
            [SlotSet("email", None), SlotSet("intake_failures", {"email": 1}), SlotSet("requested_slot", "email")],
        ),
    ],
)
async def test_deny_does_not_skip_a_needed_or_yes_no_question(
    slot: str, text: str, slots: Dict[str, Any], expected: List[SlotSet]
) -> None:
    messages, events = await answer(slot, text, intent="deny", slots=slots)
    assert "utter_skipped" not in names(messages)
    assert events == expected


async def test_a_no_that_holds_an_answer_is_the_answer() -> None:
    messages, events = await answer("us_state", "no, I moved to Ohio", intent="deny")
    assert (messages, events) == ([], [SlotSet("us_state", "OH")])


# -- consent and confirmation -----------------------------------------------------------------


async def test_consent_yes_records_the_wording_time_channel_and_method() -> None:
    before = dt.datetime.now(dt.timezone.utc)
    messages, events = await answer("contact_consent", "yes, I agree", intent="affirm", channel="twilio")
    after = dt.datetime.now(dt.timezone.utc)
    assert messages == []
    assert [event["name"] for event in events] == ["contact_consent", "consent_record"]
    assert events[0] == SlotSet("contact_consent", True)
    record = events[1]["value"]
    assert {k: v for k, v in record.items() if k != "given_at"} == {
        "wording": CONSENT,
        "channel": "twilio",
        "contact_method": "sms",
    }
    given_at = dt.datetime.fromisoformat(record["given_at"])
    assert given_at.utcoffset() == dt.timedelta(0)
    assert before <= given_at <= after


@pytest.mark.parametrize(
    "method, address, shown",
    [("email", "jane@example.com", "e-mail at jane@example.com"), ("phone", PHONE, f"phone call at {PHONE}")],
)
async def test_consent_wording_names_the_method_and_address(method: str, address: str, shown: str) -> None:
    _, events = await answer("contact_consent", "yes", intent="affirm", slots={"preferred_channel": method})
    assert (
        events[1]["value"]["wording"] == f"May {FIRM} contact you by {shown} about your IRS matter? "
        "We only use these details for your case."
    )
    assert events[1]["value"]["contact_method"] == method


async def test_consent_without_an_input_channel_is_recorded_as_unknown() -> None:
    _, events = await answer("contact_consent", "yes", intent="affirm", channel=None)
    assert events[1]["value"]["channel"] == "unknown"


async def test_consent_no_ends_the_form_without_a_record() -> None:
    messages, events = await answer("contact_consent", "no", intent="deny")
    assert messages == []
    # Without consent there is nothing to confirm: the form's last question is dropped and it ends.
    assert events == [SlotSet("contact_consent", False), SlotSet("requested_slot", None)]


@pytest.mark.parametrize("text", ["change", "No, the phone is wrong", "let me fix something", "edit"])
async def test_asking_to_change_the_summary_asks_which_field(text: str) -> None:
    messages, events = await answer("intake_confirmed", text)
    message = only(messages, "utter_which_field")
    assert names(messages) == ["utter_which_field"]
    answered = [
        label
        for field, label in [
            ("full_name", "Name"),
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("preferred_channel", "Contact by"),
            ("levy_active", "Levy or garnishment now"),
            ("notice_codes", "Notices"),
            ("notice_date", "Notice date"),
            ("us_state", "State"),
            ("tax_years", "Tax years"),
            ("amount_owed", "Amount owed"),
            ("unfiled_returns", "Unfiled returns"),
            ("joint_filing", "Filed jointly"),
            ("contact_time", "Best time"),
        ]
    ]
    assert [button["title"] for button in message["buttons"]] == answered
    assert message["buttons"][1] == {"title": "Phone", "payload": '/correct_intake{"intake_field": "phone"}'}
    assert events == [SlotSet("intake_confirmed", None)]  # no failure counted


async def test_the_change_buttons_list_only_answered_fields() -> None:
    slots = {
        "email": None,
        "notice_codes": None,
        "notice_date": None,
        "us_state": None,
        "tax_years": None,
        "amount_owed": None,
        "unfiled_returns": None,
        "joint_filing": None,
        "contact_time": None,
        "intake_skipped": [
            "email",
            "notice_codes",
            "notice_date",
            "us_state",
            "tax_years",
            "amount_owed",
            "unfiled_returns",
            "joint_filing",
            "contact_time",
        ],
    }
    messages, _ = await answer("intake_confirmed", "change", slots=slots)
    assert [b["title"] for b in only(messages, "utter_which_field")["buttons"]] == [
        "Name",
        "Phone",
        "Contact by",
        "Levy or garnishment now",
    ]


async def test_yes_but_a_correction_does_not_confirm() -> None:
    _, events = await answer("intake_confirmed", "yes but my email is wrong", intent="correct_intake")
    assert SlotSet("intake_confirmed", True) not in events


# -- which questions are asked: skipped ones, the fast path, critical cases --------------------

OPTIONAL = (
    "notice_codes",
    "notice_date",
    "us_state",
    "tax_years",
    "amount_owed",
    "unfiled_returns",
    "joint_filing",
    "contact_time",
)
SHORT_FORM = ["full_name", "phone", "preferred_channel", "levy_active", "contact_consent", "intake_confirmed"]


@pytest.mark.parametrize(
    "slots, expected",
    [
        ({}, list(FORM_SLOTS)),
        ({"intake_skipped": ["us_state", "email"]}, [s for s in FORM_SLOTS if s not in ("us_state", "email")]),
        ({"phone": PHONE, "intake_fast_path": True}, SHORT_FORM),
        ({"phone": PHONE, "levy_active": "yes"}, SHORT_FORM),  # critical: a levy is active
        ({"phone": PHONE, "notice_code": "668-W"}, SHORT_FORM),  # critical: a levy notice in the conversation
        (
            {"phone": PHONE, "notice_codes": ["LT11"], "notice_date": "2026-11-06"},  # 10 days left
            [
                "full_name",
                "phone",
                "preferred_channel",
                "levy_active",
                "notice_codes",
                "notice_date",
                "contact_consent",
                "intake_confirmed",
            ],
        ),
        (
            {"phone": PHONE, "notice_codes": ["LT11"], "notice_date": "2026-11-07"},  # 11 days: high, not critical
            list(FORM_SLOTS),
        ),
        ({"phone": PHONE, "levy_active": "unsure", "notice_codes": ["CP504"]}, list(FORM_SLOTS)),  # high
        ({"phone": PHONE, "levy_active": "yes", "contact_consent": False}, SHORT_FORM[:-1]),
    ],
)
async def test_required_slots(slots: Dict[str, Any], expected: List[str]) -> None:
    tracker = form_tracker("", "full_name", slots=slots)
    required = await FORM.required_slots(FORM.domain_slots(DOMAIN), None, tracker, DOMAIN)
    assert required == expected


async def test_an_answer_that_makes_the_case_critical_shortens_the_form_once() -> None:
    messages, events = await answer("levy_active", "yes, they took my paycheck")
    assert names(messages) == ["utter_intake_fast_path"]
    # Every optional question is dropped; name, phone and method are answered, so consent is next.
    assert events == [
        SlotSet("levy_active", "yes"),
        SlotSet("intake_fast_path_told", True),
        SlotSet("requested_slot", "contact_consent"),
    ]

    messages, events = await answer(
        "contact_consent", "yes", intent="affirm", slots={"levy_active": "yes", "intake_fast_path_told": True}
    )
    assert messages == []  # already told
    assert [event["name"] for event in events] == ["contact_consent", "consent_record", "requested_slot"]
    assert events[-1] == SlotSet("requested_slot", "intake_confirmed")


async def test_a_notice_date_that_leaves_ten_days_on_a_final_notice_shortens_the_form() -> None:
    messages, events = await answer("notice_date", "it's dated November 6", slots={"notice_codes": ["LT11"]})
    assert names(messages) == ["utter_intake_fast_path"]
    assert events == [
        SlotSet("notice_date", "2026-11-06"),
        SlotSet("intake_fast_path_told", True),
        SlotSet("requested_slot", "contact_consent"),
    ]


async def test_an_optional_question_pending_when_the_case_turned_critical_is_dropped() -> None:
    messages, events = await answer("notice_date", "Nov 3", slots={"levy_active": "yes", "intake_fast_path_told": True})
    assert messages == []
    assert events == [SlotSet("requested_slot", "contact_consent")]


async def test_the_fast_path_asks_the_next_unanswered_question() -> None:
    slots = {"intake_fast_path": True, "intake_fast_path_told": True}
    messages, events = await run_action(
        FORM, form_tracker("512-555-0142", "phone", slots={"full_name": "Jane Doe", **slots})
    )
    assert messages == []
    # The e-mail address is not needed on the fast path once there is a phone number.
    assert events == [SlotSet("phone", PHONE), SlotSet("requested_slot", "preferred_channel")]


@pytest.mark.parametrize(
    "text, slots, channel",
    [
        ("text me", {"phone": None, "intake_skipped": ["phone"]}, "socketio"),  # no phone number given
        ("email me", {"email": None, "intake_skipped": ["email"]}, "socketio"),  # no e-mail given
        ("here in the chat", {}, "rest"),  # the REST channel can't receive a later reply
    ],
)
async def test_a_contact_method_must_be_one_the_user_can_be_reached_by(
    text: str, slots: Dict[str, Any], channel: str
) -> None:
    messages, events = await answer("preferred_channel", text, slots=slots, channel=channel)
    assert names(messages) == ["utter_invalid_preferred_channel"]
    assert events[0] == SlotSet("preferred_channel", None)


# -- the ask actions -------------------------------------------------------------------------


@pytest.mark.parametrize("phone, response", [(PHONE, "utter_ask_email"), (None, "utter_ask_email_required")])
async def test_ask_email(phone: Optional[str], response: str) -> None:
    action = ActionAskEmail()
    messages, events = await run_action(action, form_tracker("", "email", slots={"phone": phone}))
    assert action.name() == "action_ask_email"
    assert (names(messages), events) == ([response], [])


@pytest.mark.parametrize(
    "slots, channel, payloads",
    [
        ({"phone": PHONE, "email": "jane@example.com"}, "socketio", ["sms", "phone", "email", "chat"]),
        ({"phone": PHONE, "email": "jane@example.com"}, "rest", ["sms", "phone", "email"]),
        ({"phone": PHONE}, "callback", ["sms", "phone", "chat"]),
        ({"email": "jane@example.com"}, None, ["email"]),
    ],
)
async def test_ask_preferred_channel_offers_what_can_reach_the_user(
    slots: Dict[str, Any], channel: Optional[str], payloads: List[str]
) -> None:
    action = ActionAskPreferredChannel()
    messages, events = await run_action(action, form_tracker("", "preferred_channel", slots=slots, channel=channel))
    buttons = only(messages, "utter_ask_preferred_channel")["buttons"]
    titles = {"sms": "Text me", "phone": "Call me", "email": "E-mail me", "chat": "Reply in this chat"}
    assert buttons == [{"title": titles[p], "payload": p} for p in payloads]
    assert (action.name(), events) == ("action_ask_preferred_channel", [])


async def test_ask_contact_consent_shows_the_recorded_wording() -> None:
    action = ActionAskContactConsent()
    messages, events = await run_action(
        action, form_tracker("", "contact_consent", slots=answered_before("contact_consent"))
    )
    assert only(messages, "utter_ask_contact_consent")["consent_wording"] == CONSENT
    assert (action.name(), events) == ("action_ask_contact_consent", [])


async def test_consent_wording_for_the_chat_method_names_no_address() -> None:
    slots = answered_before("contact_consent", preferred_channel="chat")
    messages, _ = await run_action(ActionAskContactConsent(), form_tracker("", "contact_consent", slots=slots))
    assert only(messages, "utter_ask_contact_consent")["consent_wording"] == (
        f"May {FIRM} contact you by this chat about your IRS matter? We only use these details for your case."
    )


async def test_ask_intake_confirmed_shows_the_summary() -> None:
    action = ActionAskIntakeConfirmed()
    slots = answered_before("intake_confirmed", us_state=None, tax_years=None, amount_owed="60000.00")
    messages, events = await run_action(action, form_tracker("", "intake_confirmed", slots=slots))
    assert only(messages, "utter_intake_summary")["summary"] == "\n".join(
        [
            "• Name: Jane Doe",
            f"• Phone: {PHONE}",
            "• E-mail: jane@example.com",
            "• Contact by: text message",
            "• Levy or garnishment now: No",
            "• Notices: CP14",
            "• Notice date: November 2, 2026",
            "• Amount owed: $60,000",
            "• Unfiled returns: No",
            "• Filed jointly: No",
            "• Best time: morning",
        ]
    )
    assert (action.name(), events) == ("action_ask_intake_confirmed", [])


@pytest.mark.parametrize("codes, code", [(["LT11", "CP504"], "LT11"), (None, "notice"), ([], "notice")])
async def test_ask_notice_date_names_the_first_notice(codes: Optional[List[str]], code: str) -> None:
    action = ActionAskNoticeDate()
    messages, events = await run_action(action, form_tracker("", "notice_date", slots={"notice_codes": codes}))
    assert names(messages) == ["utter_ask_notice_date", "utter_skip_hint"]
    assert only(messages, "utter_ask_notice_date")["code"] == code
    assert (action.name(), events) == ("action_ask_notice_date", [])
