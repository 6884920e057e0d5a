"""The action-reply check built once behaves exactly like Rasa's own, only faster."""

from __future__ import annotations

import time
from typing import Any, Dict

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from ops import action_replies

ORIGINAL = RemoteAction.__dict__[action_replies.METHOD]

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "bot", "text": "Hi", "data": {}}, {"event": "active_loop", "name": None}]},
    {
        "events": [{"event": "slot", "name": "full_name", "value": "Jane"}],
        "responses": [{"response": "utter_ask_phone"}, {"text": "Hello", "buttons": []}],
    },
    {},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": "not-an-event-type"}]},
    {"responses": "nope"},
    # the shape of its own name fails (a slot without its name; a user event whose text is a number)
    {"events": [{"event": "slot", "value": 1}]},
    {"events": [{"event": "user", "text": 5}]},
    {"events": [{"event": "bot", "text": "hi"}, {"event": "action", "name": 3}]},
    [],
]


def original_check(result: Dict[str, Any]) -> None:
    ORIGINAL(RemoteAction("action_x", None), result)


@pytest.mark.parametrize("reply", VALID)
def test_valid_replies_pass_both_checks(reply: Dict[str, Any]) -> None:
    original_check(reply)
    assert action_replies.validate_action_result(RemoteAction("action_x", None), reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_invalid_replies_raise_the_same_error_in_both(reply: Dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as theirs:
        original_check(reply)
    with pytest.raises(jsonschema.ValidationError) as ours:
        action_replies.validate_action_result(RemoteAction("action_x", None), reply)
    assert ours.value.message == theirs.value.message
    assert "Failed to validate Action server response" in ours.value.message
    assert list(ours.value.absolute_path) == list(theirs.value.absolute_path)


def test_install_replaces_rasa_s_method_and_is_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, action_replies.METHOD, ORIGINAL)
    action_replies.install()
    action_replies.install()
    assert RemoteAction.__dict__[action_replies.METHOD] is action_replies.validate_action_result


def test_install_refuses_a_rasa_without_the_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(RemoteAction, action_replies.METHOD)
    with pytest.raises(action_replies.ReplyCheckMissing):
        action_replies.install()


def test_rasa_still_calls_the_check_on_every_reply() -> None:
    import inspect

    assert f"self.{action_replies.METHOD}(response)" in inspect.getsource(RemoteAction.run)


def test_the_check_built_once_is_much_faster() -> None:
    reply = VALID[1]
    action = RemoteAction("action_x", None)
    action_replies.validate_action_result(action, reply)  # build the validator
    started = time.perf_counter()
    for _ in range(20):
        original_check(reply)
    theirs = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(20):
        action_replies.validate_action_result(action, reply)
    ours = time.perf_counter() - started
    assert ours * 4 < theirs, f"ours {ours * 50:.2f} ms/call, Rasa's {theirs * 50:.2f} ms/call"


def test_every_event_shape_is_checked_by_its_name_alone() -> None:
    outer, shapes = action_replies._by_event_name()
    items = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    assert len(shapes) == len(items["oneOf"]) and "oneOf" not in outer.schema["properties"]["events"]["items"]
