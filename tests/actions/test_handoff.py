"""action_submit_case and action_case_status, on a real SQLite case store per test.

The clock the handoff reads is frozen (business hours are 09:00-18:00 New York time on weekdays
unless a test says otherwise), so whether a pro is on duty never depends on when the tests run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Dict, Optional
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.handoff import STATUS_WORDS, ActionCaseStatus, ActionSubmitCase
from services import casework
from services.casework import consent_from_record, new_case
from services.triage import Triage
from settings.assistant import Settings
from store.db import get_database
from store.outbox import Outbox
from store.records import STATUS_CLOSED, STATUS_IN_CONVERSATION, STATUS_NEW, STATUS_WAITING, Intake
from tests.actions.conftest import FIRM, OFF_DUTY, ON_DUTY, Store, names, only, run_action, settings_with
from tests.actions.test_intake import CONSENT, PHONE, answered_before, form_tracker

SUBMIT = ActionSubmitCase()
STATUS = ActionCaseStatus()
SENDER = "conv-1"
SUBMITTED = answered_before("intake_confirmed", intake_confirmed=True, intake_id="intake-1")


def submit_tracker(
    slots: Optional[Dict[str, Any]] = None,
    channel: Optional[str] = "socketio",
    sender_id: str = SENDER,
    text: str = "yes",
):
    """The tracker right after the form completed: the latest user message confirmed the summary."""
    return form_tracker(
        text,
        None,
        intent="affirm",
        slots={**SUBMITTED, **(slots or {})},
        channel=channel,
        active_loop=None,
        sender_id=sender_id,
    )


def test_names() -> None:
    assert SUBMIT.name() == "action_submit_case"
    assert STATUS.name() == "action_case_status"


# -- action_submit_case ------------------------------------------------------------------------


async def test_submit_creates_one_case_from_the_answers(store: Store) -> None:
    messages, events = await run_action(SUBMIT, submit_tracker())
    [case] = store.cases()
    assert names(messages) == ["utter_case_created", "utter_handoff_live"]
    created = only(messages, "utter_case_created")
    assert (created["name"], created["reference"]) == ("Jane", case.reference)
    assert case.reference.startswith("MTS-")
    assert events == [SlotSet("case_reference", case.reference), ConversationPaused()]
    assert (case.sender_id, case.channel, case.priority, case.priority_reasons, case.deadline) == (
        SENDER,
        "socketio",
        "normal",
        [],
        None,
    )
    assert case.intake == Intake(
        full_name="Jane Doe",
        consent=consent_from_record(SUBMITTED["consent_record"]),
        preferred_channel="sms",
        phone=PHONE,
        email="jane@example.com",
        us_state="TX",
        notice_codes=["CP14"],
        notice_date=dt.date(2026, 11, 2),
        tax_years=[2020, 2021],
        amount_owed=Decimal("12000"),
        levy_active="no",
        unfiled_returns="no",
        joint_filing="no",
        contact_time="morning",
    )
    assert case.intake.consent.wording == CONSENT


async def test_submit_uses_the_configured_reference_prefix(store: Store) -> None:
    store.configure(case_reference_prefix="acme")
    await run_action(SUBMIT, submit_tracker())
    assert store.cases()[0].reference.startswith("ACME-")


async def test_a_critical_case_is_marked_urgent(store: Store) -> None:
    slots = {"levy_active": "yes", "notice_codes": ["LT11"], "notice_date": "2026-11-01", "amount_owed": "75000.00"}
    messages, _ = await run_action(SUBMIT, submit_tracker(slots))
    assert names(messages) == ["utter_case_created", "utter_case_priority_critical", "utter_handoff_live"]
    [case] = store.cases()
    assert (case.priority, case.deadline) == ("critical", dt.date(2026, 12, 1))
    assert case.priority_reasons == [
        "A levy or wage garnishment is active now.",
        "Owes about $75,000 (over $50,000).",
        "Final notice LT11: 5 days left to respond.",
    ]


async def test_a_high_priority_case_is_not_called_urgent(store: Store) -> None:
    messages, _ = await run_action(SUBMIT, submit_tracker({"notice_codes": ["CP504"], "levy_active": "unsure"}))
    assert "utter_case_priority_critical" not in names(messages)
    assert store.cases()[0].priority == "high"


async def test_the_notice_discussed_before_the_form_is_the_cases_notice(store: Store) -> None:
    _, events = await run_action(SUBMIT, submit_tracker({"notice_codes": None, "notice_code": "Form 668-W"}))
    [case] = store.cases()
    assert events[0] == SlotSet("notice_codes", ["Form 668-W"])
    assert (case.priority, case.intake.notice_codes) == ("critical", ["Form 668-W"])


async def test_submitting_twice_creates_no_duplicate(store: Store) -> None:
    await run_action(SUBMIT, submit_tracker())
    [case] = store.cases()
    messages, events = await run_action(SUBMIT, submit_tracker({"case_reference": case.reference}))
    assert [stored.reference for stored in store.cases()] == [case.reference]
    assert names(messages) == ["utter_case_already_open", "utter_handoff_live"]
    assert only(messages, "utter_case_already_open")["reference"] == case.reference
    assert events == [SlotSet("case_reference", case.reference), ConversationPaused()]
    assert store.repo.events(case.reference)[-1].body == "The taxpayer asked again to talk to a tax pro."


async def test_a_new_intake_in_the_same_conversation_is_a_new_case(store: Store) -> None:
    await run_action(SUBMIT, submit_tracker())
    await run_action(SUBMIT, submit_tracker({"intake_id": "intake-2"}))
    assert len(store.cases()) == 2


async def test_submit_gives_an_intake_without_id_one(store: Store) -> None:
    _, events = await run_action(SUBMIT, submit_tracker({"intake_id": None}))
    [case] = store.cases()
    assert events[0]["name"] == "intake_id"
    assert case.intake.full_name == "Jane Doe"
    assert events[1:] == [SlotSet("case_reference", case.reference), ConversationPaused()]


async def test_declined_consent_creates_no_case(store: Store) -> None:
    store.configure(firm_phone="(512) 555-0100")
    slots = {"contact_consent": False, "consent_record": None, "intake_confirmed": None}
    messages, events = await run_action(SUBMIT, submit_tracker(slots, text="no"))
    assert names(messages) == ["utter_consent_declined"]
    declined = only(messages, "utter_consent_declined")
    assert (declined["firm_name"], declined["contact"]) == (FIRM, " Phone: (512) 555-0100")
    assert events == [SlotSet("contact_consent", None), SlotSet("consent_record", None)]
    assert store.cases() == []


@pytest.mark.parametrize("confirmed", [None, False])
async def test_an_unconfirmed_intake_is_not_submitted(store: Store, confirmed: Optional[bool]) -> None:
    assert await run_action(SUBMIT, submit_tracker({"intake_confirmed": confirmed})) == ([], [])
    assert store.cases() == []


@pytest.mark.parametrize("channel", ["socketio", "callback", "twilio"])
async def test_on_duty_on_a_push_channel_the_bot_steps_aside(store: Store, channel: str) -> None:
    messages, events = await run_action(SUBMIT, submit_tracker(channel=channel))
    [case] = store.cases()
    assert names(messages)[-1] == "utter_handoff_live"
    assert events[-1] == ConversationPaused()
    assert (case.status, case.channel) == (STATUS_WAITING, channel)
    assert store.repo.events(case.reference)[-1].body == "new → waiting: Handed off within business hours."


@pytest.mark.parametrize(
    "channel, recorded",
    [
        ("rest", "rest"),
        ("cmdline", "cmdline"),
        (None, "unknown"),
    ],
)
async def test_on_duty_on_a_channel_without_push_the_pro_makes_contact(
    store: Store, channel: Optional[str], recorded: str
) -> None:
    messages, events = await run_action(SUBMIT, submit_tracker({"preferred_channel": "phone"}, channel=channel))
    [case] = store.cases()
    assert names(messages) == ["utter_case_created", "utter_handoff_contact"]
    assert only(messages, "utter_handoff_contact")["method"] == "phone call"
    assert ConversationPaused() not in events
    assert (case.status, case.channel) == (STATUS_WAITING, recorded)


@pytest.mark.parametrize(
    "now, holidays, opening",
    [
        (OFF_DUTY, "", "tomorrow at 9:00 AM EST"),  # Thursday 20:00
        (OFF_DUTY, "2026-11-27", "Monday, November 30 at 9:00 AM EST"),  # Friday is a holiday
        (dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.timezone.utc), "", "today at 9:00 AM EST"),  # 08:00
        (ON_DUTY, "2026-11-26", "tomorrow at 9:00 AM EST"),  # today is a holiday
        (dt.datetime(2026, 11, 28, 17, 0, tzinfo=dt.timezone.utc), "", "Monday, November 30 at 9:00 AM EST"),
    ],
)
async def test_off_duty_the_user_hears_when_a_pro_will_call(
    store: Store, now: dt.datetime, holidays: str, opening: str
) -> None:
    store.configure(business_holidays=holidays)
    store.now(now)
    messages, events = await run_action(SUBMIT, submit_tracker({"preferred_channel": "email"}))
    [case] = store.cases()
    assert names(messages) == ["utter_case_created", "utter_handoff_later"]
    later = only(messages, "utter_handoff_later")
    assert (later["method"], later["opening"]) == ("e-mail", opening)
    assert events == [SlotSet("case_reference", case.reference)]
    assert case.status == STATUS_NEW


async def test_every_day_all_day_is_on_duty(store: Store) -> None:
    store.configure(business_days="mon,tue,wed,thu,fri,sat,sun", business_hours="00:00-23:59")
    store.now(dt.datetime(2026, 11, 29, 3, 0, tzinfo=dt.timezone.utc))  # Saturday 22:00
    messages, _ = await run_action(SUBMIT, submit_tracker())
    assert names(messages)[-1] == "utter_handoff_live"


@pytest.mark.parametrize("status", [STATUS_IN_CONVERSATION, STATUS_CLOSED])
async def test_a_case_with_a_pro_or_closed_is_not_handed_off_again(store: Store, status: str) -> None:
    await run_action(SUBMIT, submit_tracker())
    [case] = store.cases()
    store.repo.set_status(case.reference, status, "pro1")
    messages, events = await run_action(SUBMIT, submit_tracker({"case_reference": case.reference}))
    assert "utter_handoff_live" not in names(messages) and ConversationPaused() not in events
    assert store.repo.get(case.reference).status == status
    assert len(store.cases()) == 1


async def test_asking_for_a_pro_after_the_case_was_closed_gets_an_answer(store: Store) -> None:
    await run_action(SUBMIT, submit_tracker())
    [case] = store.cases()
    store.repo.set_status(case.reference, STATUS_CLOSED, "pro1")
    messages, _ = await run_action(SUBMIT, submit_tracker({"case_reference": case.reference}))
    assert messages != []


async def test_a_waiting_case_submitted_again_off_duty_keeps_its_status(store: Store) -> None:
    await run_action(SUBMIT, submit_tracker())
    [case] = store.cases()
    store.now(OFF_DUTY)
    messages, _ = await run_action(SUBMIT, submit_tracker({"case_reference": case.reference}))
    assert names(messages) == ["utter_case_already_open", "utter_handoff_later"]
    assert store.repo.get(case.reference).status == STATUS_WAITING


async def test_a_store_failure_is_told_and_nothing_raises(use_settings: Callable[..., Settings]) -> None:
    # Neither the store nor the spool can be written (tests/actions/test_handoff_spool.py covers
    # the usual outage, where the spool keeps the intake).
    use_settings(
        database_url="sqlite:////proc/no-such-dir/cases.db",
        firm_email="help@acme.test",
        case_store_retry_s=0.0,
        case_spool_path="/proc/no-such-dir/spool.jsonl",
    )
    messages, events = await run_action(SUBMIT, submit_tracker())
    assert names(messages) == ["utter_case_unavailable"]
    assert only(messages, "utter_case_unavailable")["contact"] == " Email: help@acme.test"
    assert events == []


async def test_a_new_case_queues_the_firm_notification(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(casework, "_NOTIFIERS", {})
    # Nothing listens on the discard port: the kicked delivery fails fast and is retried later.
    store.configure(handoff_webhook_url="http://127.0.0.1:9/hook", handoff_webhook_secret="s3cret")
    await run_action(SUBMIT, submit_tracker())
    [case] = store.cases()
    try:
        [notification] = Outbox(get_database(store.url)).for_case(case.id)
        assert notification.kind == "webhook"
        assert notification.payload["reference"] == case.reference
    finally:
        await casework._NOTIFIERS[store.url].close()


@pytest.mark.parametrize(
    "overrides", [{"business_hours": "9-5"}, {"business_days": "weekdays"}, {"business_holidays": "12/25/2026"}]
)
def test_bad_business_hours_fail_when_settings_load(overrides: Dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        settings_with(**overrides)


# -- action_case_status ------------------------------------------------------------------------


def stored_case(store: Store, sender_id: str = SENDER, intake_id: str = "intake-1", method: str = "sms"):
    slots = {**SUBMITTED, "intake_id": intake_id, "preferred_channel": method}
    case, _ = store.repo.create(new_case(slots, "socketio", sender_id, Triage("normal")))
    return case


def status_tracker(text: str = "any update on my case?", sender_id: str = SENDER):
    return form_tracker(text, None, intent="ask_case_status", active_loop=None, sender_id=sender_id)


@pytest.mark.parametrize(
    "status, method, words",
    [
        (STATUS_NEW, "sms", "received, and a tax pro will contact you by text message"),
        (STATUS_NEW, "email", "received, and a tax pro will contact you by e-mail"),
        (STATUS_WAITING, "sms", "waiting for the next available tax pro"),
        (STATUS_IN_CONVERSATION, "sms", "with a tax pro"),
        (STATUS_CLOSED, "sms", STATUS_WORDS[STATUS_CLOSED]),
    ],
)
async def test_status_of_this_conversations_case(store: Store, status: str, method: str, words: str) -> None:
    case = stored_case(store, method=method)
    if status != STATUS_NEW:
        store.repo.set_status(case.reference, status, "pro1")
    messages, events = await run_action(STATUS, status_tracker())
    opened = case.created_at.astimezone(ZoneInfo("America/New_York"))
    assert names(messages) == ["utter_case_status"]
    status_message = only(messages, "utter_case_status")
    assert (status_message["reference"], status_message["status"], status_message["opened"]) == (
        case.reference,
        words,
        f"{opened:%B} {opened.day}",
    )
    assert events == [SlotSet("case_reference", case.reference)]


async def test_status_shows_the_latest_case_of_the_conversation(store: Store) -> None:
    stored_case(store, intake_id="intake-1")
    latest = stored_case(store, intake_id="intake-2")
    messages, _ = await run_action(STATUS, status_tracker())
    assert only(messages, "utter_case_status")["reference"] == latest.reference


@pytest.mark.parametrize("text", ["where is my case {ref}?", "status of {lower}", "case {plain} please"])
async def test_status_when_the_user_names_their_own_reference(store: Store, text: str) -> None:
    case = stored_case(store)
    code = case.reference.split("-")[1]
    tracker = status_tracker(text.format(ref=case.reference, lower=case.reference.lower(), plain=f"MTS {code}"))
    messages, _ = await run_action(STATUS, tracker)
    assert only(messages, "utter_case_status")["reference"] == case.reference


async def test_no_case_in_this_conversation(store: Store) -> None:
    stored_case(store, sender_id="someone-else")
    messages, events = await run_action(STATUS, status_tracker())
    assert (names(messages), events) == (["utter_case_status_none"], [])


async def test_another_reference_is_not_looked_up(store: Store) -> None:
    store.configure(firm_phone="(512) 555-0100")
    mine = stored_case(store)
    theirs = stored_case(store, sender_id="someone-else")
    assert mine.reference != theirs.reference
    messages, events = await run_action(STATUS, status_tracker(f"what about case {theirs.reference}?"))
    assert names(messages) == ["utter_case_status_other"]
    assert only(messages, "utter_case_status_other")["contact"] == " Phone: (512) 555-0100"
    assert events == []


async def test_a_reference_asked_without_a_case_of_ones_own(store: Store) -> None:
    theirs = stored_case(store, sender_id="someone-else")
    messages, events = await run_action(STATUS, status_tracker(f"status of {theirs.reference}"))
    assert (names(messages), events) == (["utter_case_status_other"], [])


async def test_status_when_the_store_is_down(use_settings: Callable[..., Settings]) -> None:
    use_settings(database_url="sqlite:////proc/no-such-dir/cases.db")
    messages, events = await run_action(STATUS, status_tracker())
    assert (names(messages), events) == (["utter_case_unavailable"], [])
