"""Hostile input against the real bot on every public channel: nothing typed or posted to a channel
may crash it, leak an error or lose a conversation.

One bot for the module (tests/integration/hostile.py): REST, socket.io, signed Twilio and
Messenger webhooks, a JWT-protected HTTP API. Every hostile request must get a clear 4xx (JSON,
no traceback, no echo of the input) or a polite 200 reply; after every test the server still
answers a normal question and a conversation stored at the start still has every one of its
events (read back through ``GET /conversations/{id}/tracker`` with a JWT, as the agent desk does).

The bot's rate limit is raised to ``FLOOD_MESSAGES + 3`` per hour so that the flood test can send
``FLOOD_MESSAGES`` messages in one conversation and then see the limit bite (429); the rate limits
with the production defaults are tested in test_fuzz_channels.py. ``HOSTILE_FLOOD_MESSAGES``
changes the flood's size (default 300, see below).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from store.cases import CaseRepository
from store.db import Database
from tests import background
from tests.integration.hostile import (
    EMPTY,
    NORMAL_ANSWER,
    NORMAL_QUESTION,
    PII_REMOVED,
    TOO_LONG,
    Stack,
    assert_polite,
    assert_refusal,
    messenger_delivery,
    new_id,
    running_stack,
    wait_until,
)
from tests.integration.servers import conversation

pytestmark = pytest.mark.model

# Rasa 3.6 replays a conversation's whole history on every turn (tracker store, featurizers), so a
# turn gets slower the longer the conversation: measured on 2 shared cores about 40 ms per message
# at the start and about 1 s after 600 messages. 2,000 would take most of an hour: CI sends 300.
FLOOD_MESSAGES = int(os.environ.get("HOSTILE_FLOOD_MESSAGES", "300"))
RATE_LIMIT = FLOOD_MESSAGES + 3
MAX_CHARS = 2000
MARKER = "HOSTILE-MARKER-7f3a9c"  # put into hostile requests: it must never come back in an error
FLOOD_TEXTS = ("thanks", "are you a bot?", "hi", "ok thanks", "hello there")
SQL = "Robert'); DROP TABLE events;--"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORGEABLE = ("contact_consent", "intake_confirmed", "full_name", "phone")  # slots a forged payload could set
# Up to "When is the best time to contact you?" with every optional question skipped.
INTAKE_TO_CONTACT_TIME = (
    "I'd like to talk to a tax pro",
    "Maria Lopez",
    "(702) 555-0199",
    "maria@example.com",
    "email",
    "no",
    "skip",
    "skip",
    "skip",
    "skip",
    "skip",
    "skip",
    "skip",
)


@dataclass(frozen=True)
class Stored:
    """A conversation stored before any hostile input, and its events then."""

    sender: str
    events: List[Dict[str, Any]]


@contextmanager
def start_stack(tmp: Path, _param: Optional[str] = None) -> Iterator[Stack]:
    """Start the module's bot in ``tmp``, warmed up; stop it when the block ends."""
    env = {
        "RATE_LIMIT_MESSAGES": str(RATE_LIMIT),
        "RATE_LIMIT_WINDOW_S": "3600",
        "MAX_MESSAGE_CHARS": str(MAX_CHARS),
        "REST_MAX_BODY_BYTES": "65536",
    }
    with running_stack(tmp, env) as running:
        running.answers_normally()  # the first turn warms the model up
        yield running


BACKGROUND_STACK = start_stack  # started while the tests before this module run (tests/background.py)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    yield from background.take(start_stack)


@pytest.fixture(scope="module")
def stored(stack: Stack) -> Stored:
    sender = new_id("stored")
    for text in ("hi", NORMAL_QUESTION, "what is a levy", "thanks"):
        assert_polite(stack.say(sender, text))
    events = stack.events(sender)
    assert [e["text"] for e in events if e["event"] == "user"] == ["hi", NORMAL_QUESTION, "what is a levy", "thanks"]
    return Stored(sender, events)


@pytest.fixture(autouse=True)
def server_survives(stack: Stack, stored: Stored) -> Iterator[None]:
    """After each test: a normal question is answered and the stored conversation is whole."""
    yield
    stack.answers_normally()
    assert stack.events(stored.sender) == stored.events


def new_phone() -> str:
    """An E.164 number no other test of this run uses."""
    return f"+1555{uuid.uuid4().int % 10_000_000:07d}"


def body(sender: Any = None, message: Any = None, **extra: Any) -> bytes:
    """A REST body (keys left out when None)."""
    fields = {"sender": sender, "message": message, **extra}
    return json.dumps({k: v for k, v in fields.items() if v is not None}).encode()


def user_events(stack: Stack, sender: str) -> List[Dict[str, Any]]:
    """The stored user events of a conversation."""
    return [e for e in stack.events(sender) if e.get("event") == "user"]


# --- REST: what the body says -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " ", "\t\n  \r\n", "\u00a0\u2003\u3000", "\x00", "\x00\x01\x07\x1b\x7f\x9f"],
    ids=["empty", "space", "whitespace", "unicode-spaces", "nul", "control-only"],
)
def test_empty_or_invisible_text_gets_a_polite_reply(stack: Stack, text: str) -> None:
    sender = new_id()
    assert_polite(stack.say(sender, text), EMPTY)
    assert user_events(stack, sender) == []  # never passed to Rasa


def test_control_characters_are_removed_before_rasa(stack: Stack) -> None:
    sender = new_id()
    text = "what\x00 is a\x07 CP504?\x1b[31m\x7f\x85\u0090"
    assert_polite(stack.say(sender, text), NORMAL_ANSWER)
    stored_text = user_events(stack, sender)[-1]["text"]
    assert stored_text == "what is a CP504?[31m"
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", stored_text)


def test_lone_surrogates_are_removed(stack: Stack) -> None:
    sender = new_id()
    assert_polite(stack.say(sender, "\udfff\ud800"), EMPTY)  # reversed: two lone surrogates, not a pair
    assert_polite(stack.say(sender, "what is a CP504?\udc00"), NORMAL_ANSWER)
    assert user_events(stack, sender)[-1]["text"] == NORMAL_QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "😀🙏🏽👨‍👩‍👧‍👦🇺🇸",
        "مرحبا، وصلتني رسالة من مصلحة الضرائب",
        "קיבלתי מכתב ממס הכנסה",
        "CP504 مرحبا 😀 שלום Привет 你好 \u202eevil\u202c",
        "I got a CP504 — ¿qué significa? 〒 ½ ℃",
    ],
    ids=["emoji", "arabic", "hebrew", "mixed-scripts", "mixed-latin"],
)
def test_emoji_and_right_to_left_text_reach_rasa_unchanged(stack: Stack, text: str) -> None:
    sender = new_id()
    assert_polite(stack.say(sender, text))
    assert user_events(stack, sender)[-1]["text"] == text


@pytest.mark.parametrize("length", [MAX_CHARS + 1, 10_000, 30_000])
def test_a_text_over_the_limit_gets_a_polite_reply_and_is_not_stored(stack: Stack, length: int) -> None:
    sender = new_id()
    text = (MARKER + " what is a CP504? ") * (length // 30 + 1)
    assert_polite(stack.say(sender, text[:length]), TOO_LONG)
    assert user_events(stack, sender) == []


def test_a_text_at_the_limit_is_answered(stack: Stack) -> None:
    text = ("what is a CP504? " * 200)[:MAX_CHARS]
    assert len(text) == MAX_CHARS
    assert TOO_LONG not in assert_polite(stack.say(new_id(), text))


@pytest.mark.parametrize("size", [100_000, 1_000_000], ids=["100KB", "1MB"])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_large_bodies_are_refused_with_413(stack: Stack, size: int, chunked: bool) -> None:
    sender = new_id()
    raw = body(sender, MARKER + "x" * size)
    reply = stack.rest(raw, chunked=chunked)
    assert_refusal(reply, (413,), sent=MARKER)
    assert reply.seconds < 5
    assert user_events(stack, sender) == []


@pytest.mark.parametrize(
    "raw",
    [
        b'{"sender": "s", "message": "\xff\xfe what"}',
        b'{"sender": "s", "message": "\xc3\x28"}',
        b'{"sender": "s", "message": "\xc0\xaf"}',  # overlong encoding of "/"
        b'{"sender": "s", "message": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8 (CESU-8)
        b'{"sender": "s\x80", "message": "hi"}',
        '{"sender": "s", "message": "hi"}'.encode("utf-16"),
    ],
    ids=["ff-fe", "c3-28", "overlong", "cesu-surrogate", "bad-sender", "utf-16"],
)
def test_invalid_utf8_is_refused_with_400(stack: Stack, raw: bytes) -> None:
    assert_refusal(stack.rest(raw), (400,))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'{"sender": "s", "message": ',
        b"{'sender': 's', 'message': 'hi'}",
        b'{"sender": "s", "message": "hi",}',
        b'{"sender": "s", "message": "hi"} trailing',
        b'{"sender": "s" "message": "hi"}',
        b"NaN",
        b"\x00" * 10,
        MARKER.encode() + b"{{{",
    ],
    ids=[
        "empty",
        "brace",
        "truncated",
        "single-quotes",
        "trailing-comma",
        "trailing-text",
        "missing-comma",
        "nan",
        "nul-bytes",
        "garbage",
    ],
)
def test_malformed_json_is_refused_with_400(stack: Stack, raw: bytes) -> None:
    assert_refusal(stack.rest(raw), (400,), sent=MARKER)


@pytest.mark.parametrize(
    "raw",
    [b"[]", b'[{"sender": "s", "message": "hi"}]', b"42", b"-1.5e300", b"null", b"true", b'"just a string"'],
    ids=["empty-array", "array", "number", "float", "null", "true", "string"],
)
def test_json_that_is_not_an_object_is_refused_with_400(stack: Stack, raw: bytes) -> None:
    assert_refusal(stack.rest(raw), (400,))


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/xml",
        "application/json; charset=latin-1",
        "application/jsonx",
        "*/*",
    ],
    ids=["none", "text", "form", "multipart", "xml", "latin-1", "jsonx", "any"],
)
def test_wrong_content_types_are_refused(stack: Stack, content_type: Optional[str]) -> None:
    sender = new_id()
    if content_type == "application/x-www-form-urlencoded":
        raw = urllib.parse.urlencode({"sender": sender, "message": MARKER}).encode()
    elif content_type and content_type.startswith("multipart/"):
        raw = (
            f'--xyz\r\nContent-Disposition: form-data; name="sender"\r\n\r\n{sender}\r\n'
            f'--xyz\r\nContent-Disposition: form-data; name="message"\r\n\r\n{MARKER}\r\n--xyz--\r\n'
        ).encode()
    else:
        raw = body(sender, MARKER)
    assert_refusal(stack.rest(raw, content_type=content_type), (400, 415), sent=MARKER)
    assert user_events(stack, sender) == []


def test_json_content_type_with_utf8_charset_is_accepted(stack: Stack) -> None:
    reply = stack.rest(body(new_id(), NORMAL_QUESTION), content_type="Application/JSON; charset=UTF-8")
    assert_polite(reply, NORMAL_ANSWER)


@pytest.mark.parametrize(
    "fields",
    [
        {"message": MARKER},
        {"sender": None, "message": MARKER, "keep_null": True},
        {"sender": "", "message": MARKER},
        {"sender": "   ", "message": MARKER},
        {"sender": 12345, "message": MARKER},
        {"sender": ["a"], "message": MARKER},
        {"sender": {"id": "a"}, "message": MARKER},
        {"sender": True, "message": MARKER},
        {"sender": "a\x00b", "message": MARKER},
        {"sender": " padded ", "message": MARKER},
        {"sender": "lone\ud800", "message": MARKER},
        {"sender": MARKER + "s" * 10_000, "message": "hi"},
        {"sender": MARKER + "s" * 240, "message": "hi"},
        {"sender": "ok-sender"},
        {"sender": "ok-sender", "message": 42},
        {"sender": "ok-sender", "message": None, "keep_null": True},
        {"sender": "ok-sender", "message": ["hi"]},
        {"sender": "ok-sender", "message": {"text": MARKER}},
        {"sender": "ok-sender", "message": False},
        {"sender": "ok-sender", "message": "hi", "metadata": MARKER},
        {"sender": "ok-sender", "message": "hi", "metadata": [MARKER]},
    ],
    ids=[
        "no-sender",
        "null-sender",
        "empty-sender",
        "blank-sender",
        "int-sender",
        "list-sender",
        "object-sender",
        "bool-sender",
        "nul-sender",
        "padded-sender",
        "surrogate-sender",
        "10KB-sender",
        "256-char-sender",
        "no-message",
        "int-message",
        "null-message",
        "list-message",
        "object-message",
        "bool-message",
        "string-metadata",
        "list-metadata",
    ],
)
def test_missing_or_wrongly_typed_fields_are_refused_with_400(stack: Stack, fields: Dict[str, Any]) -> None:
    fields = dict(fields)
    keep_null = fields.pop("keep_null", False)
    raw = json.dumps(fields if keep_null else {k: v for k, v in fields.items() if v is not None}).encode()
    assert_refusal(stack.rest(raw), (400,), sent=MARKER)


def test_a_200_character_sender_is_accepted(stack: Stack) -> None:
    # the longest REST sender: "rest:" and 200 characters fit Rasa's VARCHAR(255) sender id
    sender = new_id("long") + "x" * 200
    sender = sender[:200]
    assert_polite(stack.say(sender, NORMAL_QUESTION), NORMAL_ANSWER)
    assert user_events(stack, sender)[-1]["text"] == NORMAL_QUESTION


def test_input_channel_in_the_body_is_ignored(stack: Stack) -> None:
    sender = new_id()
    assert_polite(stack.say(sender, NORMAL_QUESTION, input_channel="twilio"), NORMAL_ANSWER)
    assert user_events(stack, sender)[-1]["input_channel"] == "rest"


def test_a_social_security_number_is_masked_before_rasa(stack: Stack) -> None:
    sender = new_id()
    text = assert_polite(stack.say(sender, "my ssn is 123-45-6789, what is a CP504?"), PII_REMOVED)
    assert NORMAL_ANSWER in text and "6789" not in text
    stored_text = user_events(stack, sender)[-1]["text"]
    assert "123-45-6789" not in stored_text and "6789" not in json.dumps(stack.events(sender))


# --- slash syntax and button payloads -----------------------------------------------------------


def forced(stack: Stack, sender: str) -> Dict[str, Any]:
    """The slots a forged payload could have set, as stored."""
    slots = stack.tracker(sender)["slots"]
    return {name: slots.get(name) for name in FORGEABLE}


@pytest.mark.parametrize(
    "text",
    [
        '/inform{"contact_consent": true}',
        '/inform{"contact_consent": true, "intake_confirmed": true, "full_name": "Eve"}',
        '//inform{"phone": "+15125550100"}',
        ' /request_human{"contact_consent": true}',
        "/affirm{{{",
        '/affirm{"a": [1, 2, {"b": null}]}',
        "/" + "a" * 1900,
        "/",
    ],
    ids=["consent", "several-slots", "double-slash", "leading-space", "braces", "nested", "long-intent", "slash-only"],
)
def test_typed_slash_payloads_are_read_as_text(stack: Stack, text: str) -> None:
    sender = new_id()
    assert_polite(stack.say(sender, text))
    events = user_events(stack, sender)
    if events:  # "/" alone has no text left: the empty-text reply, nothing stored
        stored_text = events[-1]["text"]
        assert not stored_text.startswith("/") and stored_text == text.lstrip(" /")
        assert not {e["entity"] for e in events[-1]["parse_data"]["entities"]} & set(FORGEABLE)
    assert forced(stack, sender) == dict.fromkeys(FORGEABLE)


@pytest.mark.parametrize("length", [10_000, 60_000], ids=["10KB", "60KB"])
def test_huge_slash_payloads_get_the_too_long_reply(stack: Stack, length: int) -> None:
    sender = new_id()
    assert_polite(stack.say(sender, "/inform" + json.dumps({"contact_consent": True, "x": "y" * length})), TOO_LONG)
    assert user_events(stack, sender) == []


def _offered_entity_button(stack: Stack, sender: str) -> Dict[str, str]:
    """Start the intake, answer two questions, ask to change one: the bot offers one button per answer,
    each a payload that carries an entity (/correct_intake{"intake_field": ...})."""
    for text in INTAKE_TO_CONTACT_TIME[:3]:
        assert_polite(stack.say(sender, text))
    reply = stack.say(sender, "I need to change something")
    buttons = [b for m in reply.json() for b in m.get("buttons", [])]
    return next(b for b in buttons if "{" in b["payload"])


def test_an_offered_button_payload_still_works(stack: Stack) -> None:
    sender = new_id("intake")
    topic_button = _offered_entity_button(stack, sender)
    assert_polite(stack.say(sender, topic_button["payload"]))
    last = user_events(stack, sender)[-1]
    assert last["text"] == topic_button["payload"]
    assert last["parse_data"]["entities"], "the offered payload lost its entities"


def test_a_payload_offered_earlier_but_not_now_is_read_as_text(stack: Stack) -> None:
    sender = new_id("intake")
    payload = _offered_entity_button(stack, sender)["payload"]
    assert_polite(stack.say(sender, "Maria Lopez"))  # answered: the buttons are no longer on offer
    assert_polite(stack.say(sender, payload))
    assert user_events(stack, sender)[-1]["text"] == payload.lstrip("/")


# --- SQL and HTML as intake answers -------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        SQL,
        SCRIPT,
        IMG,
    ],
    ids=["sql", "script", "img"],
)
def test_sql_or_html_as_a_name_is_refused_politely_and_stored_verbatim(stack: Stack, name: str) -> None:
    sender = new_id("intake")
    assert "full name" in assert_polite(stack.say(sender, INTAKE_TO_CONTACT_TIME[0]))
    assert "name" in assert_polite(stack.say(sender, name))
    assert user_events(stack, sender)[-1]["text"] == name
    assert stack.tracker(sender)["slots"]["full_name"] is None


@pytest.mark.parametrize(
    "answer",
    [
        SQL,
        SCRIPT,
        IMG,
        "weekdays after 3pm; DROP TABLE cases;--",
    ],
    ids=["sql", "script", "img", "sql-in-sentence"],
)
def test_sql_or_html_as_a_free_text_answer_is_kept_as_plain_text(stack: Stack, answer: str) -> None:
    sender = new_id("intake")
    for text in INTAKE_TO_CONTACT_TIME:
        assert_polite(stack.say(sender, text))
    assert "May " in assert_polite(stack.say(sender, answer))  # the consent question comes next
    summary = assert_polite(stack.say(sender, "yes"))
    assert f"Best time: {answer}" in summary  # the REST reply carries it verbatim, as data
    assert stack.tracker(sender)["slots"]["contact_time"] == answer
    assert user_events(stack, sender)[-2]["text"] == answer
    stack.say(sender, "yes")  # confirmed: the case is stored
    cases = CaseRepository(Database(stack.database_url))
    case = wait_until(lambda: cases.latest_for_sender(conversation(sender)), timeout_s=30)
    assert case is not None and case.intake.contact_time == answer  # parameterised SQL: stored as typed


# --- the other channels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expect",
    [
        ("\x00\x07what is a CP504?\x1b", NORMAL_ANSWER),
        ("x" * 100_000, TOO_LONG),
        ("😀🙏🏽", None),
        ("مرحبا، وصلتني رسالة CP504", None),
        ('/inform{"contact_consent": true}', None),
        ("my ssn is 123-45-6789", PII_REMOVED),
    ],
    ids=["control", "100KB", "emoji", "arabic", "slash", "ssn"],
)
def test_hostile_sms_get_a_polite_reply(stack: Stack, text: str, expect: Optional[str]) -> None:
    phone = new_phone()
    reply = stack.twilio(stack.sms_fields(phone, text))
    assert reply.status == 200 and reply.content_type == "text/xml", str(reply)
    sent = wait_until(lambda: [b for b in stack.texts_to(phone) if expect is None or expect in b], timeout_s=30)
    assert sent, stack.texts_to(phone)
    assert all(len(b) <= 1600 for b in stack.texts_to(phone))
    assert "6789" not in " ".join(stack.texts_to(phone))


@pytest.mark.parametrize(
    "text",
    [
        "   ",
        "//",
        "\x00\x01",
    ],
    ids=["whitespace", "slashes-only", "control-only"],
)
def test_an_empty_sms_gets_the_empty_text_reply(stack: Stack, text: str) -> None:
    phone = new_phone()
    assert stack.twilio(stack.sms_fields(phone, text)).status == 200
    assert wait_until(lambda: [b for b in stack.texts_to(phone) if EMPTY in b], timeout_s=8), stack.texts_to(phone)


def test_sms_with_invalid_utf8_or_odd_forms_is_answered_or_ignored(stack: Stack) -> None:
    phone = new_phone()
    fields = stack.sms_fields(phone, "\ufffd\ufffd what is a CP504?")
    raw = urllib.parse.urlencode({**fields, "Body": "x"}).replace("Body=x", "Body=%FF%FE+what+is+a+CP504%3F").encode()
    reply = stack.twilio(fields, body=raw)  # signed over what the server decodes (U+FFFD)
    assert reply.status == 200 and reply.content_type == "text/xml", str(reply)
    assert wait_until(lambda: [b for b in stack.texts_to(phone) if NORMAL_ANSWER in b], timeout_s=30)
    # A sender that is not a phone number, a JSON body, a missing signature: answered, never a 5xx.
    not_a_phone = stack.twilio(stack.sms_fields("whatsapp:+15125550123", "hi"))
    assert not_a_phone.status == 200, str(not_a_phone)
    as_json = stack.twilio(fields, content_type="application/json", body=json.dumps(fields).encode())
    assert as_json.status == 403, str(as_json)
    assert stack.twilio(fields, token=None).status == 403


@pytest.mark.parametrize(
    "text, expect",
    [
        ("x" * 100_000, TOO_LONG),
        ("\x00\x01\x7f", EMPTY),
        ("what is a CP504?\x00", NORMAL_ANSWER),
        ("😀🙏🏽", None),
        ("קיבלתי מכתב CP504", None),
        ("my ssn is 123-45-6789", PII_REMOVED),
        ('/inform{"contact_consent": true}', None),
        (SCRIPT, None),
    ],
    ids=["100KB", "control-only", "control", "emoji", "hebrew", "ssn", "slash", "script"],
)
def test_hostile_messenger_texts_get_a_polite_reply(stack: Stack, text: str, expect: Optional[str]) -> None:
    sender = new_id("psid")
    reply = stack.messenger_text(sender, text)
    assert (reply.status, reply.body) == (200, b"EVENT_RECEIVED"), str(reply)
    assert wait_until(
        lambda: [t for t in stack.sent_to_messenger(sender) if expect is None or expect in t], timeout_s=30
    ), stack.sent_to_messenger(sender)
    assert all(len(t) <= 2000 for t in stack.sent_to_messenger(sender))


def test_a_blank_messenger_text_gets_the_empty_text_reply(stack: Stack) -> None:
    sender = new_id("psid")
    assert stack.messenger_text(sender, "  \t ").status == 200
    assert wait_until(lambda: [t for t in stack.sent_to_messenger(sender) if EMPTY in t], timeout_s=8)


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"\xff\xfe{}", 400),
        (b"{", 400),
        (b"[1, 2]", 404),
        (b"null", 404),
        (b'{"object": "page"}', 200),
        (b'{"object": "page", "entry": "x"}', 200),
        (b'{"object": "page", "entry": [{"messaging": [1, null]}]}', 200),
        (json.dumps(messenger_delivery("psid-x" * 2000, 42)).encode(), 200),
    ],
    ids=["invalid-utf8", "malformed", "array", "null", "no-entries", "entry-string", "odd-events", "odd-message"],
)
def test_malformed_signed_messenger_deliveries_get_a_4xx_or_200(stack: Stack, raw: bytes, status: int) -> None:
    reply = stack.facebook(raw)
    assert reply.status == status, str(reply)
    assert not any(leak in reply.body for leak in (b"Traceback", b'File "'))


def test_a_huge_messenger_sender_id_is_acknowledged_but_never_stored(stack: Stack) -> None:
    # 10,000 characters cannot be a conversation id (channels/identity.py): the signed webhook is
    # acknowledged, nothing is stored or sent, and the next sender is answered as usual.
    sender = "psid-" + "9" * 10_000
    assert stack.messenger_text(sender, NORMAL_QUESTION).status == 200
    normal = new_id("psid")
    assert stack.messenger_text(normal, NORMAL_QUESTION).status == 200
    assert wait_until(lambda: [t for t in stack.sent_to_messenger(normal) if NORMAL_ANSWER in t], timeout_s=30)
    assert stack.sent_to_messenger(sender) == []


@pytest.mark.parametrize(
    "text, expect",
    [
        ("", EMPTY),
        ("  \n\t ", EMPTY),
        ("\x00\x1b", EMPTY),
        ("x" * 100_000, TOO_LONG),
        ("😀👍🏿", None),
        ("מה זה CP504", None),
        ('/inform{"contact_consent": true}', None),
        ("my card is 4111 1111 1111 1111", PII_REMOVED),
    ],
    ids=["empty", "whitespace", "control-only", "100KB", "emoji", "hebrew", "slash", "card"],
)
def test_hostile_widget_messages_get_a_polite_reply(stack: Stack, text: str, expect: Optional[str]) -> None:
    session = new_id("web")
    turn = stack.widget(
        {"message": text, "session_id": session},
        session_id=session,
        until=lambda replies: expect is None or any(expect in str(r.get("text")) for r in replies),
    )
    assert turn.connected and turn.replies, turn
    if expect is not None:
        assert expect in turn.text, turn.text
    assert forced(stack, session)["contact_consent"] is None


@pytest.mark.parametrize(
    "data",
    [
        "just a string",
        None,
        [1, 2],
        42,
        {"message": "hi"},
        {"message": ["hi"], "session_id": "s"},
        {"message": "hi", "session_id": "s", "customData": "{not json"},
        {"message": "hi", "session_id": ["a", "b"]},
    ],
    ids=["string", "null", "list", "number", "no-session", "list-message", "bad-metadata", "list-session"],
)
def test_malformed_widget_events_leave_the_socket_and_server_up(stack: Stack, data: Any) -> None:
    turn = stack.widget(data, wait_s=1.0)
    assert turn.connected
    assert not any("Traceback" in str(r) for r in turn.replies)
    session = new_id("web")
    after = stack.widget({"message": NORMAL_QUESTION, "session_id": session}, session_id=session)
    assert NORMAL_ANSWER in after.text, after


def test_a_megabyte_widget_message_is_dropped_without_harm(stack: Stack) -> None:
    session = new_id("web")
    turn = stack.widget({"message": "y" * 1_100_000, "session_id": session}, session_id=session, wait_s=3)
    # Either engine.io closes the oversized packet's socket, or the guard says it is too long.
    assert not turn.connected or TOO_LONG in turn.text, turn
    assert user_events(stack, session) == []


# --- thousands of messages in one conversation --------------------------------------------------


def test_thousands_of_messages_in_one_conversation(stack: Stack, record_property: Any) -> None:
    sender = new_id("flood")
    started = time.monotonic()
    laps: List[float] = []
    for number in range(FLOOD_MESSAGES):
        reply = stack.say(sender, f"{FLOOD_TEXTS[number % len(FLOOD_TEXTS)]} {number}")
        assert_polite(reply)
        if (number + 1) % 100 == 0:
            laps.append(round(time.monotonic() - started, 1))
    elapsed = time.monotonic() - started
    record_property("flood_messages", FLOOD_MESSAGES)
    record_property("flood_seconds", round(elapsed, 1))
    print(
        f"\n{FLOOD_MESSAGES} messages in one conversation: {elapsed:.1f} s "
        f"({FLOOD_MESSAGES / elapsed:.0f}/s); cumulative s every 100: {laps}"
    )
    texts = [e["text"] for e in user_events(stack, sender)]
    assert texts == [f"{FLOOD_TEXTS[n % len(FLOOD_TEXTS)]} {n}" for n in range(FLOOD_MESSAGES)]

    # The raised limit still holds: three more pass, the next is refused with a Retry-After.
    for number in range(3):
        assert_polite(stack.say(sender, f"one more {number}"))
    limited = stack.say(sender, MARKER)
    assert_refusal(limited, (429,), sent=MARKER)
    assert 1 <= int(limited.headers["retry-after"]) <= 3600
    assert MARKER not in user_events(stack, sender)[-1]["text"]
