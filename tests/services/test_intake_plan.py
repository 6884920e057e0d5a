"""Which intake questions to ask, what a user may skip or change, and how answers read back."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import yaml

from services.intake_plan import (
    FIELD_LABELS,
    FORM_SLOTS,
    OPTIONAL_SLOTS,
    can_skip,
    contact_address,
    contact_given,
    display_value,
    field_for_correction,
    format_amount,
    method_choices,
    questions_to_ask,
    slots_to_clear,
    summary_lines,
)
from tests.actions.conftest import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
OPTIONAL = [
    "notice_codes",
    "notice_date",
    "us_state",
    "tax_years",
    "amount_owed",
    "unfiled_returns",
    "joint_filing",
    "contact_time",
]
ALL = list(FORM_SLOTS)


def without(*slots: str) -> List[str]:
    return [slot for slot in ALL if slot not in slots]


def test_form_slots_match_the_domain_form() -> None:
    assert ALL == DOMAIN["forms"]["intake_form"]["required_slots"]
    assert set(OPTIONAL_SLOTS) == set(OPTIONAL)
    assert set(FIELD_LABELS) == set(ALL) - {"contact_consent", "intake_confirmed"}


@pytest.mark.parametrize(
    "slots, fast_path, expected",
    [
        ({}, False, ALL),
        ({"intake_skipped": None}, False, ALL),
        ({"intake_skipped": ["us_state", "tax_years"]}, False, without("us_state", "tax_years")),
        ({"intake_skipped": ["phone"]}, False, without("phone")),
        # No consent: nothing to confirm, the form ends.
        ({"contact_consent": False}, False, without("intake_confirmed")),
        ({"contact_consent": True}, False, ALL),
        ({"contact_consent": None}, False, ALL),
        # Fast path: optional questions not answered yet are dropped, and e-mail once a phone is given.
        ({}, True, without(*OPTIONAL)),
        ({"phone": "+15125550142"}, True, without("email", *OPTIONAL)),
        ({"phone": ""}, True, without(*OPTIONAL)),
        ({"intake_skipped": ["phone"]}, True, without("phone", *OPTIONAL)),
        # ...but answers already given stay (a filled slot is never asked again).
        (
            {"notice_codes": ["LT11"], "amount_owed": "12000.00"},
            True,
            without("notice_date", "us_state", "tax_years", "unfiled_returns", "joint_filing", "contact_time"),
        ),
        ({"notice_codes": []}, True, without(*OPTIONAL)),
        ({"contact_consent": False, "phone": "+15125550142"}, True, without("email", "intake_confirmed", *OPTIONAL)),
    ],
)
def test_questions_to_ask(slots: Dict[str, Any], fast_path: bool, expected: List[str]) -> None:
    assert questions_to_ask(slots, fast_path) == expected


@pytest.mark.parametrize(
    "slot, slots, expected",
    [
        *[(slot, {}, True) for slot in OPTIONAL],
        ("full_name", {}, False),
        ("preferred_channel", {"phone": "+15125550142"}, False),
        ("levy_active", {}, False),
        ("contact_consent", {}, False),
        ("intake_confirmed", {}, False),
        # One of phone or e-mail is needed.
        ("phone", {}, True),
        ("phone", {"intake_skipped": ["us_state"]}, True),
        ("phone", {"intake_skipped": ["email"]}, False),
        ("email", {"phone": "+15125550142"}, True),
        ("email", {}, False),
        ("email", {"phone": ""}, False),
        ("email", {"intake_skipped": ["phone"]}, False),
    ],
)
def test_can_skip(slot: str, slots: Dict[str, Any], expected: bool) -> None:
    assert can_skip(slot, slots) is expected


@pytest.mark.parametrize(
    "slots, expected",
    [
        ({}, False),
        ({"phone": "", "email": None}, False),
        ({"phone": "+15125550142"}, True),
        ({"email": "jane@example.com"}, True),
    ],
)
def test_contact_given(slots: Dict[str, Any], expected: bool) -> None:
    assert contact_given(slots) is expected


@pytest.mark.parametrize(
    "text, hint, expected",
    [
        ("my email is wrong", None, "email"),
        ("the e-mail address has a typo", None, "email"),
        ("my phone number is wrong", None, "phone"),
        ("use my cell instead", None, "phone"),
        ("I spelled my name wrong", None, "full_name"),
        ("text me instead", None, "preferred_channel"),
        ("please call me rather", None, "preferred_channel"),
        ("wrong state", None, "us_state"),
        ("the code is CP504 not CP14", None, "notice_codes"),
        ("the date is wrong", None, "notice_date"),
        ("it's the 2019 year too", None, "tax_years"),
        ("I owe more than that", None, "amount_owed"),
        ("the balance is $20k", None, "amount_owed"),
        ("there's no levy", None, "levy_active"),
        ("they are garnishing my wages", None, "levy_active"),
        ("my wages are garnished after all", None, "levy_active"),
        ("my bank account was levied", None, "levy_active"),
        ("I have unfiled returns", None, "unfiled_returns"),
        ("my wife and I filed together", None, "joint_filing"),
        ("mornings are better", None, "contact_time"),
        ("that's not right", None, None),
        ("", None, None),
        # A button's hint wins over the words; an unknown hint is ignored.
        ("my email is wrong", "phone", "phone"),
        ("", "us_state", "us_state"),
        ("my email is wrong", "intake_confirmed", "email"),
        ("", "nonsense", None),
    ],
)
def test_field_for_correction(text: str, hint: Optional[str], expected: Optional[str]) -> None:
    assert field_for_correction(text, hint) == expected


LABEL_CASES = [
    pytest.param(field, label, id=field)
    for field, label, _ in [
        ("full_name", "Name", None),
        ("phone", "Phone", None),
        ("email", "E-mail", None),
        ("preferred_channel", "Contact by", None),
        ("levy_active", "Levy or garnishment now", None),
        ("notice_codes", "Notices", None),
        ("notice_date", "Notice date", None),
        ("us_state", "State", None),
        ("tax_years", "Tax years", None),
        ("amount_owed", "Amount owed", None),
        ("unfiled_returns", "Unfiled returns", None),
        ("joint_filing", "Filed jointly", None),
        ("contact_time", "Best time", None),
    ]
]


@pytest.mark.parametrize("field, label", LABEL_CASES)
def test_each_summary_label_names_its_field(field: str, label: str) -> None:
    assert FIELD_LABELS[field] == label
    assert field_for_correction(f"the {label.lower()} is wrong") == field


@pytest.mark.parametrize(
    "text, expected",
    [
        ("update my tax years", "tax_years"),  # not notice_date ("date" in "update")
        ("I need to update my levy answer", "levy_active"),
        ("the time is wrong, however", "contact_time"),  # not amount_owed ("owe" in "however")
        ("the notice number is wrong", "notice_codes"),  # the notice, not the phone number
        ("the date on the letter is wrong", "notice_date"),  # the date, not the letter
        ("my email address is wrong", "email"),
    ],
)
def test_field_for_correction_matches_whole_words(text: str, expected: str) -> None:
    assert field_for_correction(text) == expected


@pytest.mark.parametrize(
    "field, expected",
    [
        ("full_name", ["full_name", "intake_confirmed"]),
        ("us_state", ["us_state", "intake_confirmed"]),
        ("notice_date", ["notice_date", "intake_confirmed"]),
        ("preferred_channel", ["preferred_channel", "intake_confirmed", "contact_consent", "consent_record"]),
        ("phone", ["phone", "intake_confirmed", "contact_consent", "consent_record", "preferred_channel"]),
        ("email", ["email", "intake_confirmed", "contact_consent", "consent_record", "preferred_channel"]),
    ],
)
def test_slots_to_clear(field: str, expected: List[str]) -> None:
    assert slots_to_clear(field) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12500.00", "$12,500"),
        ("12500", "$12,500"),
        (12500, "$12,500"),
        ("1000.50", "$1,000.50"),
        ("0.99", "$0.99"),
        ("1234567.891", "$1,234,567.89"),
        ("0", "$0"),
        ("about 12k", "about 12k"),  # not a number: shown as given
        (None, "None"),
    ],
)
def test_format_amount(value: Any, expected: str) -> None:
    assert format_amount(value) == expected


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("preferred_channel", "sms", "text message"),
        ("preferred_channel", "phone", "phone call"),
        ("preferred_channel", "email", "e-mail"),
        ("preferred_channel", "chat", "this chat"),
        ("preferred_channel", "pigeon", "pigeon"),
        ("levy_active", "yes", "Yes"),
        ("unfiled_returns", "no", "No"),
        ("joint_filing", "unsure", "Not sure"),
        ("joint_filing", "maybe", "maybe"),
        ("amount_owed", "60000.00", "$60,000"),
        ("notice_codes", ["LT11", "CP504"], "LT11, CP504"),
        ("tax_years", [2019, 2020], "2019, 2020"),
        ("tax_years", (2021,), "2021"),
        ("full_name", "Jane O'Neil", "Jane O'Neil"),
        ("notice_date", "2026-11-03", "November 3, 2026"),
        ("notice_date", "Nov 3", "Nov 3"),  # not ISO: shown as given
    ],
)
def test_display_value(field: str, value: Any, expected: str) -> None:
    assert display_value(field, value) == expected


def test_summary_lines_in_form_order_skipping_empty_answers() -> None:
    slots = {
        "contact_time": "morning",
        "full_name": "Jane Doe",
        "phone": "+15125550142",
        "email": "",
        "preferred_channel": "sms",
        "levy_active": "unsure",
        "notice_codes": ["LT11"],
        "tax_years": [],
        "amount_owed": "12500.00",
        "us_state": None,
        "contact_consent": True,  # not an answer the summary shows
    }
    assert summary_lines(slots) == "\n".join(
        [
            "• Name: Jane Doe",
            "• Phone: +15125550142",
            "• Contact by: text message",
            "• Levy or garnishment now: Not sure",
            "• Notices: LT11",
            "• Amount owed: $12,500",
            "• Best time: morning",
        ]
    )
    assert summary_lines(slots, fields=["phone", "full_name"]) == "• Phone: +15125550142\n• Name: Jane Doe"
    assert summary_lines({}) == ""


@pytest.mark.parametrize(
    "method, expected",
    [("sms", "+15125550142"), ("phone", "+15125550142"), ("email", "jane@example.com"), ("chat", ""), (None, "")],
)
def test_contact_address(method: Optional[str], expected: str) -> None:
    assert contact_address(method, {"phone": "+15125550142", "email": "jane@example.com"}) == expected


def test_contact_address_of_a_missing_contact_is_empty() -> None:
    assert contact_address("sms", {"email": "jane@example.com"}) == ""
    assert contact_address("email", {"phone": "+15125550142", "email": None}) == ""


@pytest.mark.parametrize(
    "slots, chat, expected",
    [
        ({"phone": "+15125550142", "email": "jane@example.com"}, True, ["sms", "phone", "email", "chat"]),
        ({"phone": "+15125550142", "email": "jane@example.com"}, False, ["sms", "phone", "email"]),
        ({"phone": "+15125550142"}, False, ["sms", "phone"]),
        ({"email": "jane@example.com", "phone": ""}, False, ["email"]),
        ({"email": "jane@example.com"}, True, ["email", "chat"]),
        ({}, True, ["chat"]),
        ({}, False, []),
    ],
)
def test_method_choices(slots: Dict[str, Any], chat: bool, expected: List[str]) -> None:
    assert method_choices(slots, chat) == expected
