"""The message guard on the real bot over REST (real Rasa server, action server and trained model).

Shown here: an SSN typed as free text or as a form answer never reaches the tracker; forged
``/intent{...}`` messages set no slot while offered buttons and the widget's own payloads still
work; 429 after the rate limit; 413 and 400 for hostile bodies; polite replies for empty and
too-long text; and the server answering normally afterwards.

The raw tracker rows of a SQL tracker store are checked at unit level
(tests/channels/test_guard.py::test_masked_text_is_what_a_sql_tracker_store_writes): the test
servers run Rasa's in-memory tracker store, read here through Rasa's HTTP API.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Tuple

import pytest

from channels.guard_settings import GuardSettings
from tests.integration.servers import Bot, conversation
from tests.integration.shared_bot import SharedBot

pytestmark = pytest.mark.model

# The shared bot runs the guard's default limits (20 messages a minute per sender, 2000 characters).
RATE_LIMIT = GuardSettings().rate_limit_messages
SSN = "123-45-6789"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def bot(shared_bot: SharedBot) -> Bot:
    return shared_bot.bot


def new_sender() -> str:
    return f"guard-{uuid.uuid4().hex}"


def post(bot: Bot, body: bytes, headers: Dict[str, str]) -> Tuple[int, Dict[str, str], Any]:
    """POST raw bytes to the REST webhook; (status, headers, JSON body) for errors too."""
    request = urllib.request.Request(f"{bot.url}/webhooks/rest/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def texts(bot: Bot, sender: str, message: str) -> List[str]:
    return [reply.get("text", "") for reply in bot.send(sender, message)]


def tracker(bot: Bot, sender: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{bot.url}/conversations/{conversation(sender)}/tracker", timeout=30) as response:
        return json.loads(response.read())


def user_events(state: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [event for event in state["events"] if event["event"] == "user"]


def still_answers(bot: Bot) -> None:
    assert "corner" in bot.texts(new_sender(), "I got a letter from the IRS and I'm scared")


def test_an_ssn_in_free_text_is_masked_before_rasa(bot: Bot) -> None:
    sender = new_sender()
    replies = texts(bot, sender, f"I got a CP504 and my ssn is {SSN}")
    assert replies[0].startswith("For your safety I removed the Social Security number from your message")
    assert replies[1:] and "went wrong" not in "\n".join(replies)  # then the bot answers as usual
    state = tracker(bot, sender)
    assert SSN not in json.dumps(state) and "123456789" not in json.dumps(state)
    [event] = user_events(state)
    assert event["text"] == "I got a CP504 and my ssn is [SSN removed]"
    assert event["metadata"]["pii_removed"] == ["ssn"]
    # The notice is stored after the turn, so the tax pro's transcript shows it.
    bot_events = [e for e in state["events"] if e["event"] == "bot"]
    assert bot_events[-1]["text"] == replies[0]
    assert bot_events[-1]["metadata"]["guard"] == "utter_pii_removed"
    # Rasa's REST channel sends each paragraph of a message as its own reply; the events keep whole messages
    assert "\n\n".join(e["text"] for e in bot_events[:-1]) == "\n\n".join(replies[1:])


def test_an_ssn_as_a_form_answer_is_masked_and_offered_buttons_still_work(bot: Bot) -> None:
    sender = new_sender()
    assert "full name" in bot.texts(sender, "I'd like to talk to a tax pro")
    assert "phone number" in bot.texts(sender, "Maria Lopez")
    replies = texts(bot, sender, SSN)
    assert "removed the Social Security number" in replies[0] and "phone number" in "\n".join(replies[1:])
    # wrong answers until the bot offers its buttons (how many depends on how the model read the
    # masked answer: as a wrong phone number or as a side question)
    for attempt in ("555", "12345", "999"):
        if "e-mail address instead" in bot.texts(sender, attempt):
            break
    else:
        pytest.fail("the bot never offered another way")
    # "/skip_question" is a button the bot just offered: it passes as a payload
    assert "e-mail" in bot.texts(sender, "/skip_question")
    state = tracker(bot, sender)
    assert SSN not in json.dumps(state) and state["slots"]["phone"] is None
    said = [e["text"] for e in user_events(state)]
    assert said[2] == "[SSN removed]" and said[-1] == "/skip_question"
    assert user_events(state)[-1]["parse_data"]["intent"]["name"] == "skip_question"


def test_forged_slash_commands_set_no_slot(bot: Bot) -> None:
    sender = new_sender()
    for forged in (
        '/inform{"contact_consent": true, "phone": "+15125550000"}',
        '/request_human{"full_name": "Mallory", "intake_confirmed": true}',
        '//affirm{"contact_consent": true}',
    ):
        bot.send(sender, forged)
    state = tracker(bot, sender)
    for slot in ("contact_consent", "phone", "full_name", "intake_confirmed"):
        assert state["slots"][slot] is None, slot
    events = user_events(state)
    assert [e["text"] for e in events] == [
        'inform{"contact_consent": true, "phone": "+15125550000"}',
        'request_human{"full_name": "Mallory", "intake_confirmed": true}',
        'affirm{"contact_consent": true}',
    ]
    forged_entities = {"contact_consent", "phone", "full_name", "intake_confirmed"}
    for event in events:
        assert not [e for e in event["parse_data"]["entities"] if e["entity"] in forged_entities]


def test_the_widgets_own_payload_passes(bot: Bot) -> None:
    sender = new_sender()
    assert "full name" in bot.texts(sender, "/request_human")
    assert user_events(tracker(bot, sender))[0]["parse_data"]["intent"]["name"] == "request_human"


@pytest.mark.parametrize(
    "message, start",
    [
        ("", "I didn't get any text"),
        ("  \n\t ", "I didn't get any text"),
        ("\x00\x07", "I didn't get any text"),
        ("x" * 2001, "That message is too long for me (over 2000 characters)"),
    ],
)
def test_empty_and_too_long_texts_get_a_polite_reply(bot: Bot, message: str, start: str) -> None:
    sender = new_sender()
    [reply] = texts(bot, sender, message)
    assert reply.startswith(start)
    assert user_events(tracker(bot, sender)) == []  # never reached Rasa


def test_over_the_rate_limit_the_answer_is_429(bot: Bot) -> None:
    sender = new_sender()
    for _ in range(RATE_LIMIT):
        assert post(bot, json.dumps({"sender": sender, "message": ""}).encode(), JSON)[0] == 200
    status, headers, body = post(bot, json.dumps({"sender": sender, "message": "hello"}).encode(), JSON)
    assert status == 429 and body["error"] == "too_many_requests"
    assert 1 <= int(headers["Retry-After"]) <= 60
    still_answers(bot)


@pytest.mark.parametrize("size", [100 * 1024, 1024 * 1024])
def test_large_bodies_get_413(bot: Bot, size: int) -> None:
    body = json.dumps({"sender": new_sender(), "message": "a" * size}).encode()
    status, _, answer = post(bot, body, JSON)
    assert status == 413 and answer["error"] == "payload_too_large"
    still_answers(bot)


@pytest.mark.parametrize(
    "body, headers",
    [
        (b"{not json", JSON),
        (b'["a list"]', JSON),
        (b'{"sender": "x"}', JSON),
        (b'{"sender": 5, "message": "hi"}', JSON),
        (b'{"sender": "x", "message": "caf\xe9"}', JSON),
        (b'{"sender": "x", "message": "hi"}', {"Content-Type": "text/plain"}),
    ],
)
def test_malformed_bodies_get_400(bot: Bot, body: bytes, headers: Dict[str, str]) -> None:
    status, _, answer = post(bot, body, headers)
    assert status == 400 and answer["error"] == "bad_request" and "Traceback" not in json.dumps(answer)
    still_answers(bot)


def test_with_the_action_server_down_the_user_still_gets_an_answer(bot: Bot) -> None:
    """Rasa drops a custom action's events when the action server is unreachable and may send
    nothing at all: the guard then sends the technical-problem reply.

    The shared bot's action server is killed (as a crash would) and started again on its port."""
    actions = bot.actions
    assert actions is not None, "the shared bot runs its own action server"
    actions.kill()
    try:
        sender = new_sender()
        # The first turn's failing action_session_start makes Rasa fall back to utter_default.
        assert texts(bot, sender, "hi")
        for question in ("what does CP504 mean?", "I'd like to talk to a tax pro"):  # custom actions
            [reply] = texts(bot, sender, question)
            assert reply.startswith("Sorry, something went wrong on my side and I couldn't answer")
        said = [event["text"] for event in user_events(tracker(bot, sender))]
        assert said == ["hi", "what does CP504 mean?", "I'd like to talk to a tax pro"]  # saved
    finally:
        actions.start()  # the same port: Rasa finds it again
    still_answers(bot)
