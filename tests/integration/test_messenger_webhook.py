"""End to end over Messenger: signed webhooks into the real Rasa and action servers, replies to a
local fake Graph API (the receiver), with the trained model and a SQLite case store."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Optional

import pytest

from knowledge.loader import cached_knowledge
from tests.integration.channel_clients import Messenger, http_status
from tests.integration.servers import wait_until
from tests.integration.shared_bot import VERIFY, SharedBot

pytestmark = pytest.mark.model


def _next(
    messenger: Messenger, sender: str, before: int, predicate: Any, timeout_s: float = 30.0
) -> Optional[Dict[str, Any]]:
    """The first Send API body to ``sender`` after the first ``before`` ones that matches ``predicate``."""
    return wait_until(
        lambda: next((body for body in messenger.sent(sender)[before:] if predicate(body)), None), timeout_s=timeout_s
    )


def new_sender() -> str:
    return f"psid-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def messenger(shared_bot: SharedBot) -> Messenger:
    return Messenger(shared_bot.bot, shared_bot.services)


def test_verify_handshake(messenger: Messenger) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "8472"}
    url = f"{messenger.url}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert (response.status, response.read()) == (200, b"8472")
    query["hub.verify_token"] = "wrong"
    assert http_status(urllib.request.Request(f"{messenger.url}?{urllib.parse.urlencode(query)}")) == 403


def test_signed_question_gets_the_cp504_explanation(messenger: Messenger) -> None:
    sender = new_sender()
    notice = cached_knowledge().find_notice("CP504")
    assert messenger.say(sender, "what is a CP504?") == 200
    reply = messenger.wait_for(sender, lambda b: b["message"].get("text", "").startswith(f"CP504: {notice.title}"))
    assert reply is not None, messenger.sent(sender)  # the short answer, bold markers stripped
    assert reply["messaging_type"] == "RESPONSE"
    offer = messenger.wait_for(sender, lambda b: "attachment" in b["message"])
    assert offer is not None, messenger.sent(sender)
    more = next(b for b in offer["message"]["attachment"]["payload"]["buttons"] if b["title"] == "More details")
    assert messenger.say(sender, more["title"], payload=more["payload"]) == 200
    assert messenger.wait_for(sender, lambda b: notice.explanation in b["message"].get("text", "")), messenger.sent(
        sender
    )  # the full explanation when asked
    assert all(len(b["message"].get("text", "")) <= 2000 for b in messenger.sent(sender))


@pytest.mark.parametrize("secret", [None, "forged-secret"])
def test_forged_or_unsigned_requests_are_refused(messenger: Messenger, secret: Optional[str]) -> None:
    sender = new_sender()
    body = {
        "object": "page",
        "entry": [
            {
                "id": "1",
                "time": 1,
                "messaging": [{"sender": {"id": sender}, "message": {"mid": "m.forged", "text": "what is a CP504?"}}],
            }
        ],
    }
    assert messenger.post(body, secret=secret) == 403
    assert messenger.wait_for(sender, lambda _: True, timeout_s=3) is None


def test_many_choices_arrive_as_quick_replies_and_a_tap_picks_one(messenger: Messenger) -> None:
    sender = new_sender()
    for text, asked in (
        ("I'd like to talk to a tax pro", "full name"),
        ("Maria Lopez", "phone"),
        ("(702) 555-0199", "e-mail"),
    ):
        before = len(messenger.sent(sender))
        assert messenger.say(sender, text) == 200
        assert _next(messenger, sender, before, lambda b, asked=asked: asked in json.dumps(b)), messenger.sent(sender)[
            before:
        ]
    before = len(messenger.sent(sender))
    assert messenger.say(sender, "maria@example.com") == 200  # then: how to contact you, four choices
    assert _next(messenger, sender, before, lambda b: len(b["message"].get("quick_replies", [])) > 3), messenger.sent(
        sender
    )[before:]
    before = len(messenger.sent(sender))
    assert messenger.say(sender, "email") == 200
    assert _next(messenger, sender, before, lambda b: "levy" in json.dumps(b)), messenger.sent(sender)[before:]
    before = len(messenger.sent(sender))
    assert messenger.say(sender, "I need to change something") == 200
    reply = _next(
        messenger,
        sender,
        before,
        lambda b: len(b["message"].get("quick_replies", [])) > 3 and "/correct_intake" in json.dumps(b),
    )
    assert reply is not None, messenger.sent(sender)[before:]
    replies = reply["message"]["quick_replies"]  # one per answer given: more than a template can hold
    assert all(len(r["title"]) <= 20 and r["payload"].startswith("/") for r in replies)
    name = next(r for r in replies if r["title"] == "Name")
    assert json.loads(name["payload"][name["payload"].index("{") :]) == {"intake_field": "full_name"}
    assert messenger.say(sender, name["title"], payload=name["payload"]) == 200
    assert messenger.wait_for(sender, lambda b: "full name" in b["message"].get("text", "")), messenger.sent(sender)


def test_a_pros_reply_through_rasas_api_is_tagged_human_agent(messenger: Messenger) -> None:
    sender = new_sender()
    assert messenger.say(sender, "hi") == 200
    assert messenger.wait_for(sender, lambda _: True)
    event = {
        "event": "bot",
        "text": "Hi, this is Jane, a tax pro at Milestone.",
        "metadata": {"from_pro": "jane", "messaging_tag": "HUMAN_AGENT"},
    }
    request = urllib.request.Request(
        f"{messenger.api}/conversations/messenger:{sender}/tracker/events"
        "?execute_side_effects=true&output_channel=facebook",
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert http_status(request) == 200
    reply = messenger.wait_for(sender, lambda b: "Jane" in b["message"].get("text", ""))
    assert reply is not None, messenger.sent(sender)
    assert (reply["messaging_type"], reply["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
