"""From intake slots to a stored case's record: the case, the consent record, push-capable channels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Dict, Optional
from zoneinfo import ZoneInfo

import pytest

from services.casework import chat_can_receive, consent_from_record, consent_record, new_case
from services.triage import CRITICAL, NORMAL, Triage
from store.records import STATUS_NEW, Consent, Intake, NewCase

WORDING = "May Acme Tax Relief contact you by text message at +15125550142 about your IRS matter?"
GIVEN_AT = dt.datetime(2026, 11, 26, 10, 15, 30, 123456, tzinfo=ZoneInfo("America/New_York"))
RECORD = {
    "wording": WORDING,
    "given_at": "2026-11-26T15:15:30.123456+00:00",
    "channel": "socketio",
    "contact_method": "sms",
}


@pytest.mark.parametrize(
    "channel, expected",
    [
        ("socketio", True),
        ("callback", True),
        ("twilio", True),
        ("facebook", True),
        ("rest", False),
        ("cmdline", False),
        ("", False),
        (None, False),
    ],
)
def test_chat_can_receive(channel: Optional[str], expected: bool) -> None:
    assert chat_can_receive(channel) is expected


def test_consent_record_keeps_the_wording_utc_time_channel_and_method() -> None:
    assert consent_record(WORDING, "socketio", "sms", GIVEN_AT) == RECORD
    assert consent_record(WORDING, None, "email", GIVEN_AT)["channel"] == "unknown"
    assert consent_record(WORDING, "", "email", GIVEN_AT)["channel"] == "unknown"


def test_consent_round_trip() -> None:
    consent = consent_from_record(consent_record(WORDING, "rest", "phone", GIVEN_AT))
    assert consent == Consent(wording=WORDING, given_at=GIVEN_AT, channel="rest", contact_method="phone")
    assert consent.given_at.utcoffset() == dt.timedelta(0)


def full_slots(**overrides: Any) -> Dict[str, Any]:
    slots: Dict[str, Any] = {
        "intake_id": "abc123",
        "full_name": "Jane Doe",
        "phone": "+15125550142",
        "email": "jane@example.com",
        "preferred_channel": "sms",
        "levy_active": "yes",
        "notice_codes": ["LT11", "CP504"],
        "notice_date": "2026-11-03",
        "us_state": "TX",
        "tax_years": ["2019", "2020", 2021],
        "amount_owed": "12500.00",
        "unfiled_returns": "no",
        "joint_filing": "unsure",
        "contact_time": "morning",
        "contact_consent": True,
        "consent_record": RECORD,
        "intake_confirmed": True,
    }
    slots.update(overrides)
    return slots


def test_new_case_from_every_answer() -> None:
    triage = Triage(CRITICAL, ["A levy or wage garnishment is active now."], dt.date(2026, 12, 3), 7)
    case = new_case(full_slots(), "socketio", "conv-1", triage)
    assert case == NewCase(
        idempotency_key="socketio:conv-1:abc123",
        channel="socketio",
        sender_id="conv-1",
        priority=CRITICAL,
        priority_reasons=["A levy or wage garnishment is active now."],
        deadline=dt.date(2026, 12, 3),
        intake=Intake(
            full_name="Jane Doe",
            consent=Consent(
                WORDING, dt.datetime(2026, 11, 26, 15, 15, 30, 123456, tzinfo=dt.timezone.utc), "socketio", "sms"
            ),
            preferred_channel="sms",
            phone="+15125550142",
            email="jane@example.com",
            us_state="TX",
            notice_codes=["LT11", "CP504"],
            notice_date=dt.date(2026, 11, 3),
            tax_years=[2019, 2020, 2021],
            amount_owed=Decimal("12500.00"),
            levy_active="yes",
            unfiled_returns="no",
            joint_filing="unsure",
            contact_time="morning",
        ),
        status=STATUS_NEW,
    )
    assert case.priority_reasons is not triage.reasons  # a copy, not the triage's list


def test_new_case_with_skipped_answers() -> None:
    slots = full_slots(
        email="",
        us_state=None,
        notice_codes=None,
        notice_date=None,
        tax_years=None,
        amount_owed=None,
        levy_active="no",
        unfiled_returns=None,
        joint_filing="",
        contact_time=None,
    )
    intake = new_case(slots, "rest", "conv-2", Triage(NORMAL)).intake
    assert intake == Intake(
        full_name="Jane Doe",
        consent=consent_from_record(RECORD),
        preferred_channel="sms",
        phone="+15125550142",
        levy_active="no",
    )


@pytest.mark.parametrize(
    "slot, value, field, expected",
    [
        ("amount_owed", "not a number", "amount_owed", None),
        ("amount_owed", "", "amount_owed", None),
        ("amount_owed", 300, "amount_owed", Decimal(300)),
        ("notice_date", "Nov 3", "notice_date", None),  # not ISO: not a date
        ("tax_years", ["2019", "twenty", "-1"], "tax_years", [2019]),
        ("notice_codes", ("LT11",), "notice_codes", ["LT11"]),
    ],
)
def test_new_case_drops_values_it_cannot_read(slot: str, value: Any, field: str, expected: Any) -> None:
    intake = new_case(full_slots(**{slot: value}), "rest", "conv-3", Triage(NORMAL)).intake
    assert getattr(intake, field) == expected


def test_the_idempotency_key_is_per_channel_conversation_and_intake() -> None:
    keys = {
        new_case(full_slots(intake_id=intake_id), channel, sender, Triage(NORMAL)).idempotency_key
        for channel, sender, intake_id in [
            ("rest", "a", "1"),
            ("rest", "a", "2"),
            ("rest", "b", "1"),
            ("socketio", "a", "1"),
            ("rest", "a", "1"),
        ]
    }
    assert keys == {"rest:a:1", "rest:a:2", "rest:b:1", "socketio:a:1"}


@pytest.mark.parametrize("missing", ["full_name", "consent_record", "preferred_channel", "intake_id"])
def test_new_case_needs_name_consent_method_and_intake_id(missing: str) -> None:
    slots = full_slots()
    del slots[missing]
    with pytest.raises(KeyError):
        new_case(slots, "rest", "conv-4", Triage(NORMAL))
