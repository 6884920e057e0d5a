"""action_session_start: carry slots over and show the disclaimer once per conversation."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.session import DISCLAIMER_SLOT, ActionSessionStart
from tests.actions.conftest import make_tracker, names, run_action

ACTION = ActionSessionStart()


def slots_after(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Replay the events as Rasa would: a session start resets the slots, later SlotSets fill them."""
    slots: Dict[str, Any] = {"stale": True}
    for event in events:
        if event["event"] == "session_started":
            slots = {}
        elif event["event"] == "slot":
            slots[event["name"]] = event["value"]
    return slots


def test_name() -> None:
    assert ACTION.name() == "action_session_start"


async def test_first_session_shows_the_disclaimer() -> None:
    messages, events = await run_action(ACTION, make_tracker("", intent="greet"))
    assert names(messages) == ["utter_disclaimer"]
    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    assert SlotSet(DISCLAIMER_SLOT, True) in events
    assert slots_after(events) == {DISCLAIMER_SLOT: True}


async def test_disclaimer_is_not_shown_twice() -> None:
    tracker = make_tracker("", intent="greet", slots={DISCLAIMER_SLOT: True})
    messages, events = await run_action(ACTION, tracker)
    assert messages == []
    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")
    assert slots_after(events) == {DISCLAIMER_SLOT: True}


async def test_slots_are_carried_over_after_session_started() -> None:
    tracker = make_tracker(
        "", intent="greet", slots={DISCLAIMER_SLOT: True, "notice_code": "LT11", "notice_date": "2026-11-05"}
    )
    messages, events = await run_action(ACTION, tracker)
    assert messages == []
    assert slots_after(events) == {DISCLAIMER_SLOT: True, "notice_code": "LT11", "notice_date": "2026-11-05"}
    assert events.index(SessionStarted()) < events.index(SlotSet("notice_code", "LT11"))


async def test_empty_slots_are_not_carried() -> None:
    tracker = make_tracker("", intent="greet", slots={DISCLAIMER_SLOT: True, "notice_code": None})
    _, events = await run_action(ACTION, tracker)
    assert not [e for e in events if e.get("name") in ("notice_code", "notice_date")]


async def test_disclaimer_once_across_two_sessions() -> None:
    first_messages, first_events = await run_action(ACTION, make_tracker("", intent="greet"))
    carried = slots_after(first_events)
    second_messages, _ = await run_action(ACTION, make_tracker("", intent="greet", slots=carried))
    assert names(first_messages) == ["utter_disclaimer"]
    assert second_messages == []
