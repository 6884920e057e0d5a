"""transcript(): tracker events to readable lines."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest

from desk.transcript import Line, transcript

T = 1_790_000_000.0
AT = dt.datetime.fromtimestamp(T, dt.timezone.utc)
BUTTONS = {"buttons": [{"title": "Yes, please", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}]}


def user(text: str, intent: str = "greet", channel: str = "socketio") -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "timestamp": T,
        "input_channel": channel,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}},
    }


def bot(text: str, data: Any = None, metadata: Any = None) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": T, "data": data or {}, "metadata": metadata or {}}


@pytest.mark.parametrize(
    "events, expected",
    [
        ([user("hi")], [Line("user", "hi", AT, channel="socketio")]),
        ([bot("Hello!")], [Line("bot", "Hello!", AT)]),
        ([bot("Talk to a pro?", BUTTONS)], [Line("bot", "Talk to a pro?", AT, buttons=["Yes, please", "No thanks"])]),
        (
            [bot("Talk to a pro?", BUTTONS), user("/affirm", "affirm")],
            [
                Line("bot", "Talk to a pro?", AT, buttons=["Yes, please", "No thanks"]),
                Line("user", "Yes, please", AT, channel="socketio"),
            ],
        ),
        ([user("/affirm", "affirm")], [Line("user", "affirm", AT, channel="socketio")]),
        ([user('/inform{"notice_code": "CP14"}', "")], [Line("user", "inform", AT, channel="socketio")]),
        (
            [bot("I'm Jane from the firm.", metadata={"from_pro": "jane"})],
            [Line("pro", "I'm Jane from the firm.", AT, pro="jane")],
        ),
        (
            [{"event": "pause", "timestamp": T}, {"event": "resume", "timestamp": T}],
            [Line("marker", "handed to a pro", AT), Line("marker", "handed back to the bot", AT)],
        ),
        (
            [
                {"event": "action", "name": "action_session_start", "timestamp": T},
                {"event": "session_started", "timestamp": T},
                {"event": "action", "name": "action_listen", "timestamp": T},
                {"event": "slot", "name": "x", "value": 1, "timestamp": T},
                {"event": "active_loop", "name": "intake_form", "timestamp": T},
                {"event": "user_featurization", "timestamp": T},
            ],
            [Line("marker", "new conversation session", AT)],
        ),
        ([bot("", {"image": "https://example.com/x.png"})], []),
        ([{"event": "user", "text": "no time"}], [Line("user", "no time", None)]),
        ([user("twilio text", channel="twilio")], [Line("user", "twilio text", AT, channel="twilio")]),
    ],
)
def test_transcript(events: List[Dict[str, Any]], expected: List[Line]) -> None:
    assert transcript({"events": events}) == expected


def test_empty_tracker() -> None:
    assert transcript({}) == [] and transcript({"events": None}) == []


def test_line_to_dict_and_author() -> None:
    line = Line("pro", "hello", AT, pro="jane")
    assert line.author == "pro jane"
    assert line.to_dict() == {
        "kind": "pro",
        "text": "hello",
        "time": AT.isoformat(),
        "channel": None,
        "buttons": [],
        "pro": "jane",
    }
    assert Line("user", "x").author == "taxpayer" and Line("bot", "x").author == "assistant"
