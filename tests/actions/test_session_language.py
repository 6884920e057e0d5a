"""A new conversation starts in the language the channel reports; the disclaimer is sent in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import response_in
from actions.session import DISCLAIMER_SLOT, ActionSessionStart, channel_language
from tests.actions.conftest import DOMAIN, make_tracker


def _tracker(metadata: Optional[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None) -> Tracker:
    return make_tracker("", intent="greet", slots={"session_started_metadata": metadata, **(slots or {})})


def _spanish_text(name: str) -> str:
    return next(
        v["text"]
        for v in DOMAIN["responses"][name]
        if not v.get("channel") and any(c.get("value") == "es" for c in v.get("condition") or [])
    )


@pytest.mark.parametrize(
    "metadata, language",
    [
        ({"language": "es"}, "es"),
        ({"language": "es-MX"}, "es"),
        ({"language": "es_LA"}, "es"),
        ({"language": "es_MX"}, "es"),
        ({"language": "es-419"}, "es"),
        ({"language": "ES"}, "es"),
        ({"language": "en"}, "en"),
        ({"language": "en-US"}, "en"),
        ({"language": "español"}, None),
        ({"language": "fr"}, None),
        ({"language": "<script>"}, None),
        ({}, None),
        (None, None),
        ({"language": 5}, None),
    ],
)
def test_channel_language_accepts_only_english_and_spanish(metadata: Any, language: Optional[str]) -> None:
    assert channel_language(_tracker(metadata)) == language


def test_the_session_start_reads_locales_without_the_channels() -> None:
    # One locale reader (nlp/language.py) serves both; the action server must not import channels/.
    code = (
        "import sys, actions.session; "
        "print(sorted(m for m in sys.modules if m == 'channels' or m.startswith('channels.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert loaded.stdout.strip() == "[]"


async def test_spanish_hint_sets_the_slot_and_sends_the_spanish_disclaimer() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, _tracker({"language": "es"}), DOMAIN)
    assert SlotSet("language", "es") in events
    assert [m.get("text") for m in dispatcher.messages] == [_spanish_text("utter_disclaimer")]


async def test_hint_is_ignored_once_the_conversation_has_started() -> None:
    dispatcher = CollectingDispatcher()
    tracker = _tracker({"language": "es"}, {DISCLAIMER_SLOT: True, "language": "en"})
    events = await ActionSessionStart().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("language", "es") not in events and dispatcher.messages == []
    assert SlotSet("language", "en") in events  # carried over from the earlier session


async def test_no_hint_sends_the_disclaimer_response() -> None:
    dispatcher = CollectingDispatcher()
    await ActionSessionStart().run(dispatcher, _tracker(None), DOMAIN)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_disclaimer"]


def test_response_in_prefers_the_language_and_the_channel() -> None:
    domain = {
        "responses": {
            "utter_x": [
                {"text": "en web"},
                {"text": "en sms", "channel": "twilio"},
                {"text": "es web", "condition": [{"type": "slot", "name": "language", "value": "es"}]},
                {
                    "text": "es sms",
                    "channel": "twilio",
                    "condition": [{"type": "slot", "name": "language", "value": "es"}],
                },
            ]
        }
    }
    assert response_in(domain, "utter_x", "es", "twilio") == "es sms"
    assert response_in(domain, "utter_x", "es", "rest") == "es web"
    assert response_in(domain, "utter_x", "en", "twilio") == "en sms"
    assert response_in(domain, "utter_x", "en", None) == "en web"
    assert response_in(domain, "utter_missing", "es", None) is None
