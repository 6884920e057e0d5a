"""action_firm_info: what the firm does, what it costs and how to reach it."""

from __future__ import annotations

from typing import Callable

import pytest
from pydantic import ValidationError

from actions.firm import ActionFirmInfo, contact_line
from settings.assistant import Settings
from tests.actions.conftest import FIRM, make_tracker, names, only, run_action, settings_with


def test_names() -> None:
    assert ActionFirmInfo().name() == "action_firm_info"


async def test_firm_info_without_contact_settings() -> None:
    messages, events = await run_action(ActionFirmInfo(), make_tracker("what do you do", intent="ask_firm_services"))
    assert names(messages) == ["utter_firm_services", "utter_firm_fees", "utter_next_step"]
    assert only(messages, "utter_firm_services")["firm_name"] == FIRM
    assert only(messages, "utter_firm_fees")["firm_name"] == FIRM
    assert events == []


async def test_firm_info_with_contact_settings(use_settings: Callable) -> None:
    use_settings(firm_phone="(555) 010-2000", firm_email="help@acme.example", firm_hours="Mon-Fri 9-5")
    messages, _ = await run_action(ActionFirmInfo(), make_tracker("how much do you charge", intent="ask_firm_services"))
    assert names(messages) == ["utter_firm_services", "utter_firm_fees", "utter_firm_contact", "utter_next_step"]
    contact = only(messages, "utter_firm_contact")
    assert contact["firm_name"] == FIRM
    assert contact["contact"] == "Phone: (555) 010-2000 · Email: help@acme.example · Hours: Mon-Fri 9-5"


async def test_firm_name_comes_from_settings(use_settings: Callable) -> None:
    use_settings(firm_name="Other Firm LLC")
    messages, _ = await run_action(ActionFirmInfo(), make_tracker("who are you", intent="ask_firm_services"))
    assert only(messages, "utter_firm_services")["firm_name"] == "Other Firm LLC"


@pytest.mark.parametrize(
    "overrides, line",
    [
        ({}, ""),
        ({"firm_phone": "555"}, "Phone: 555"),
        ({"firm_hours": "24/7", "firm_phone": "555"}, "Phone: 555 · Hours: 24/7"),
        (
            {"firm_phone": "1", "firm_email": "2", "firm_website": "3", "firm_hours": "4"},
            "Phone: 1 · Email: 2 · Web: 3 · Hours: 4",
        ),
        ({"firm_email": ""}, ""),
    ],
)
def test_contact_line(overrides, line: str) -> None:
    assert contact_line(settings_with(**overrides)) == line


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRM_NAME", "Env Firm")
    monkeypatch.setenv("FIRM_PHONE", "555-0100")
    settings = Settings(_env_file=None)
    assert (settings.firm_name, settings.firm_phone) == ("Env Firm", "555-0100")


def test_settings_refuse_an_unknown_time_zone() -> None:
    with pytest.raises(ValidationError, match="IANA"):
        Settings(_env_file=None, firm_timezone="Mars/Olympus_Mons")
