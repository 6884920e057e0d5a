"""The window of a conversation session handed to Rasa: the same state as the whole session."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from ops.tracker_window import DEFAULT_KEEP_TURNS, checkpoint, cut_index, session_head

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def user(text: str, intent: str = "greet") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def session_start() -> List[Event]:
    return [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]


def turn(text: str, intent: str = "greet", action: str = "utter_greet", *extra: Event) -> List[Event]:
    return [user(text, intent), ActionExecuted(action), *extra, BotUttered(text), ActionExecuted(ACTION_LISTEN_NAME)]


def as_dicts(events: List[Event]) -> List[Dict[str, Any]]:
    stamped = []
    for index, event in enumerate(events):
        event.timestamp = 1000.0 + index
        stamped.append(event.as_dict())
    return stamped


def test_the_head_is_the_session_start_up_to_its_first_listen() -> None:
    events = as_dicts(session_start() + turn("hi"))
    assert [e["event"] for e in session_head(events)] == ["action", "session_started", "action"]
    assert session_head(as_dicts(turn("hi"))) == []


def test_the_cut_keeps_the_last_turns_and_starts_at_a_user_message() -> None:
    events = as_dicts(session_start() + [e for n in range(6) for e in turn(f"m{n}")])
    cut = cut_index(events, keep_turns=2, earliest=3)
    assert cut is not None and events[cut]["text"] == "m4"
    assert cut_index(events, keep_turns=6, earliest=3) is None  # nothing to leave out
    assert cut_index(events, keep_turns=0) is None


def test_the_cut_never_splits_a_turn_that_did_not_end_in_listen() -> None:
    # m2 follows a bot action, not action_listen (m1's turn ended without one): the cut moves to m1.
    events = as_dicts(
        session_start() + turn("m0") + [user("m1"), ActionExecuted("utter_greet")] + turn("m2") + turn("m3")
    )
    cut = cut_index(events, keep_turns=2, earliest=3)
    assert cut is not None and events[cut]["text"] == "m1"
    assert events[cut - 1]["name"] == ACTION_LISTEN_NAME


def test_a_window_has_the_whole_sessions_state(domain: Domain) -> None:
    events = session_start() + turn(
        "my notice", "notice_code", "action_explain_notice", SlotSet("notice_code", "CP2000")
    )
    events += turn("talk to a pro", "request_intake", "intake_form", ActiveLoop("intake_form"))
    events += turn("Jane Doe", "inform", "intake_form", SlotSet("full_name", "Jane Doe"))
    events += [e for n in range(8) for e in turn(f"chat {n}")]
    events += [ConversationPaused()]
    events += turn("still there?")
    events += turn("hello", "greet", "utter_greet", SlotSet("language", "es"))
    stored = as_dicts(events)
    full = DialogueStateTracker.from_dict("s", stored, domain.slots)

    head = session_head(stored)
    cut = cut_index(stored, keep_turns=4, earliest=len(head))
    assert cut is not None
    point = checkpoint("s", domain.slots, head, stored[:cut], start_id=cut + 1)
    window = DialogueStateTracker.from_dict("s", list(point.prefix) + stored[cut:], domain.slots)

    assert len(window.events) < len(full.events) / 2
    assert window.current_slot_values() == full.current_slot_values()
    assert window.get_slot("notice_code") == "CP2000" and window.get_slot("language") == "es"
    assert window.active_loop_name == full.active_loop_name == "intake_form"
    assert window.is_paused() and full.is_paused()
    assert window.latest_message.text == full.latest_message.text == "hello"
    assert window.latest_action_name == full.latest_action_name
    kept = 4 * 2  # each kept turn yields two dialogue states
    assert window.past_states(domain)[-kept:] == full.past_states(domain)[-kept:]
    assert [e.as_dict() for e in window.events][-len(stored) + cut :] == stored[cut:]


def test_the_default_window_covers_what_the_policies_look_back_on() -> None:
    """Every policy's max_history (states) and every rule (user turns) fit in the kept turns, at
    two states a turn (the fewest a turn yields), with the turn being answered on top."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    histories = [p["max_history"] for p in config["policies"] if p.get("max_history")]
    assert {p["name"] for p in config["policies"]} <= {"RulePolicy", "MemoizationPolicy"}  # no other reader
    assert histories and 2 * DEFAULT_KEEP_TURNS >= max(histories)
    rule_turns = [
        sum(1 for step in rule["steps"] if "intent" in step or "or" in step)
        for path in sorted((ROOT / "data" / "rules").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text()).get("rules") or []
    ]
    assert rule_turns and DEFAULT_KEEP_TURNS >= max(rule_turns) + 1
