"""Property-based fuzzing of the public channels of the running bot: nothing typed or posted to a
channel may crash it, leak an error or lose a conversation.

The tests run on the shared bot (tests/integration/shared_bot.py), which has every public channel
and the production limits (20 messages per sender per 60 s, 2,000 characters, 64 KiB REST bodies);
the ``stack`` fixture checks those limits are the defaults it expects. Hypothesis generates REST bodies
(any JSON, any bytes, texts from all of Unicode with lone surrogates escaped, very long texts,
``/intent{...}`` syntax, PII-looking digit runs), content types and headers, signed and unsigned
Twilio forms, signed and unsigned Messenger deliveries, and socket.io events.

Properties, for every request:

- never a 5xx, and the answer is one the channel documents (REST: a polite 200 or a JSON 4xx);
- unsigned or wrongly signed Twilio and Messenger requests are always 403, and nothing is sent;
- time: a request the bot refuses or only queues (4xx, 403, Messenger's immediate 200) answers in
  under ``FAST_S`` = 1 s: it does no model work, so anything slower is the guard itself being
  slow (regex backtracking on a long text, a blocking call). A request that runs a Rasa turn
  (REST, Twilio, socket.io) answers in under ``TURN_S`` = 3 s: on 2 shared cores a turn takes
  30-300 ms (the first turn, which warms the model, is sent before fuzzing); 3 s is ten times
  that, so only a pathological input, not CI noise, breaks it;
- the server stays up: after each test a normal question gets its normal answer.

Budget (CI): the example counts in ``EXAMPLES``, 2,000 examples in all, took 64 s of fuzzing on
2 shared cores (REST bodies 600 in 3 s, REST texts 250 in 18 s, REST headers 150 in 2 s, Twilio
signed 150 in 5 s and unsigned 300 in 1 s, Messenger signed 250 in 16 s and unsigned 300 in 5 s,
socket.io 100 in 13 s), plus about 10 s of follow-up checks.
``derandomize=True`` makes every run generate the same examples, so a CI failure reproduces.
Locally, ``FUZZ_EXAMPLES=<n>`` runs ``n`` examples per test and ``FUZZ_RANDOM=1`` new random ones.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse
import uuid
from datetime import timedelta
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from twilio.request_validator import RequestValidator

from channels.facebook import signature as sign
from channels.guard_settings import GuardSettings
from channels.identity import LOCAL_ID
from tests.integration.hostile import (
    AUTH_TOKEN,
    EMPTY,
    FACEBOOK_SECRET,
    NORMAL_ANSWER,
    NORMAL_QUESTION,
    PII_REMOVED,
    SLOW_DOWN,
    TOO_LONG,
    Reply,
    Stack,
    assert_polite,
    assert_refusal,
    http,
    messenger_delivery,
    new_id,
    wait_until,
)
from tests.integration.shared_bot import SharedBot
from tests.strategies import valid_ssns

pytestmark = pytest.mark.model

FAST_S = 1.0
TURN_S = 3.0
MAX_CHARS = 2000
MAX_BODY = 65536
RATE_LIMIT = 20
EXAMPLES = {
    "rest_bodies": 600,
    "rest_texts": 250,
    "rest_headers": 150,
    "twilio_signed": 150,
    "twilio_unsigned": 300,
    "messenger_signed": 250,
    "messenger_unsigned": 300,
    "socketio": 100,
}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def fuzz(name: str) -> settings:
    """The hypothesis settings of one fuzz test: its CI budget, reproducible, no example database."""
    override = os.environ.get("FUZZ_EXAMPLES")
    return settings(
        max_examples=int(override) if override else EXAMPLES[name],
        database=None,
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        deadline=timedelta(seconds=15),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


@pytest.fixture(scope="module")
def stack(shared_bot: SharedBot) -> Iterator[Stack]:
    """The shared bot (tests/integration/shared_bot.py): every public channel, the production limits."""
    limits = GuardSettings()
    assert (limits.rate_limit_messages, limits.rate_limit_window_s) == (RATE_LIMIT, 60)
    assert (limits.max_message_chars, limits.rest_max_body_bytes) == (MAX_CHARS, MAX_BODY)
    running = Stack(shared_bot.bot, shared_bot.services, None, shared_bot.tmp, shared_bot.database_url)
    try:
        running.answers_normally()  # warms the model up before anything is timed
        yield running
    finally:
        running.close()


@pytest.fixture(autouse=True)
def server_stays_up(stack: Stack) -> Iterator[None]:
    """After each test a normal question still gets its normal answer (not timed: a Messenger test
    may leave a backlog of background turns)."""
    yield
    stack.answers_normally()


# --- strategies ---------------------------------------------------------------------------------

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # all of Unicode, lone surrogates included
NO_SURROGATE = st.characters(codec=None, exclude_categories=("Cs",))
INVISIBLE = st.sampled_from(list(" \t\n\r\x00\x01\x0b\x0c\x1b\x7f\x85\x9f\u00a0\u2028\u3000\ud800\udfff"))
INTENTS = (
    "inform",
    "affirm",
    "deny",
    "greet",
    "request_human",
    "explain_notice",
    "ask_relief_options",
    "cancel",
    "skip_question",
    "correct_intake",
    "nonsense",
)
SLOTS = ("contact_consent", "intake_confirmed", "full_name", "phone", "notice_codes", "priority", "requested_slot")
json_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(ANY_CHAR, max_size=30)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(ANY_CHAR, max_size=12), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def valid_cards(draw: st.DrawFn) -> str:
    """A Luhn-valid 16-digit card number with a real issuer prefix, plain or in groups of four."""
    prefix = draw(st.sampled_from(["4", "51", "55", "6011", "2221", "2720"]))
    body = prefix + draw(st.from_regex(rf"[0-9]{{{15 - len(prefix)}}}", fullmatch=True))
    number = body + luhn.calc_check_digit(body)
    separator = draw(st.sampled_from(["", " ", "-"]))
    return separator.join(number[i : i + 4] for i in range(0, 16, 4))


def pii_texts() -> st.SearchStrategy[str]:
    """Digit runs that look like (or are) SSNs, card, routing and account numbers, in a sentence."""
    runs = st.one_of(
        valid_ssns(),
        valid_cards(),
        st.from_regex(r"[0-9]{2,20}", fullmatch=True),
        st.from_regex(r"[0-9]{3}[- .][0-9]{2,3}[- .][0-9]{4}", fullmatch=True),
        st.from_regex(r"\+?1?[ (]*[2-9][0-9]{2}[) .-]*[0-9]{3}[ .-]?[0-9]{4}", fullmatch=True),
    )
    words = st.sampled_from(["", "my ssn is ", "card ", "account ", "routing ", "call me at ", "I owe $", "EIN "])
    return st.builds(lambda w, r, t: f"{w}{r}{t}", words, runs, st.text(NO_SURROGATE, max_size=15))


def slash_texts() -> st.SearchStrategy[str]:
    """Rasa's ``/intent{"slot": value}`` syntax, well formed or not."""
    payloads = st.one_of(
        st.just(""),
        st.dictionaries(st.sampled_from(SLOTS), json_values, max_size=3).map(json.dumps),
        st.text(ANY_CHAR, max_size=40),
        st.just("{{{"),
        st.just('{"contact_consent": true}'),
    )
    intents = st.one_of(st.sampled_from(INTENTS), st.text(ANY_CHAR, max_size=20))
    return st.builds(lambda p, i, b: p + i + b, st.sampled_from(["/", "//", " /", "/ "]), intents, payloads)


def message_texts() -> st.SearchStrategy[str]:
    """Texts a user could send, from the ordinary to the hostile (lone surrogates included)."""
    return st.one_of(
        st.text(ANY_CHAR, max_size=200),
        st.text(INVISIBLE, max_size=20),
        st.builds(
            lambda piece, n: (piece * n)[:5000], st.text(ANY_CHAR, min_size=1, max_size=8), st.integers(250, 2100)
        ),
        slash_texts(),
        pii_texts(),
        st.sampled_from(
            [
                "what is a CP504?",
                "hi",
                "talk to a tax pro",
                "STOP",
                "HELP",
                "1",
                "\u202eevil",
                "Robert'); DROP TABLE events;--",
                "<script>alert(1)</script>",
                "😀" * 2001,
                "%s%n%x",
            ]
        ),
    )


def cleaned(text: str) -> str:
    """The text as the guard's spec says Rasa gets it, before PII and slashes: no control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def check_rest(reply: Reply, sent: Any = None) -> None:
    """A REST answer is a polite 200 or a clear JSON 4xx, in time."""
    assert reply.status < 500, str(reply)
    if reply.status == 200:
        assert_polite(reply)
        assert reply.seconds < TURN_S, str(reply)
    else:
        echo = sent if isinstance(sent, str) and len(sent) >= 12 and sent.strip() == sent else None
        assert_refusal(reply, (400, 413, 415, 429), sent=echo)
        assert reply.seconds < FAST_S, str(reply)


# --- REST ---------------------------------------------------------------------------------------

rest_objects = st.fixed_dictionaries(
    {},
    optional={
        "sender": st.one_of(
            st.text(ANY_CHAR, max_size=20), st.text(NO_SURROGATE, min_size=250, max_size=300), json_values
        ),
        "message": st.one_of(message_texts(), json_values),
        "metadata": json_values,
        "input_channel": json_values,
        "stream": json_values,
    },
)


@st.composite
def rest_bodies(draw: st.DrawFn) -> Tuple[bytes, Any]:
    """Any body: JSON of any shape (escaped or raw surrogates), or bytes; and the JSON value sent (or None)."""
    value = draw(st.one_of(rest_objects, json_values))
    encoding = draw(st.sampled_from(["escaped", "raw", "bytes"]))
    if encoding == "bytes":
        return draw(st.binary(max_size=300)), None
    if encoding == "raw":  # lone surrogates become invalid UTF-8 (CESU-8)
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw, None
        return raw, value
    return json.dumps(value).encode(), value


def well_formed(value: Any) -> bool:
    """Whether ``value`` is a REST message that must be accepted (a sender that can be part of a
    conversation id, channels/identity.py: 1-200 letters, digits or ``._~@+-``; a text message;
    metadata an object if any)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("sender"), str)
        and LOCAL_ID.match(value["sender"]) is not None
        and isinstance(value.get("message"), str)
        and (value.get("metadata") is None or isinstance(value["metadata"], dict))
    )


@fuzz("rest_bodies")
@given(body=rest_bodies())
def test_rest_any_body_gets_a_polite_reply_or_a_clear_4xx(stack: Stack, body: Tuple[bytes, Any]) -> None:
    raw, value = body
    reply = stack.rest(raw)
    check_rest(reply, sent=value.get("message") if isinstance(value, dict) else None)
    if well_formed(value) and len(raw) <= MAX_BODY:
        assert reply.status in (200, 429), f"{reply} for {value!r}"
    elif reply.status == 200:
        assert well_formed(value), f"accepted {value!r}"


def joined_numbers(text: str) -> str:
    """``text`` with the separators inside numbers removed ("001 10 0010" -> "001100010"), so a
    number that kept its digits under other spacing is found, while the digits of separate numbers
    around a removal label ("0 [SSN removed] 01100010") are not run together."""
    return re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)


@fuzz("rest_texts")
@example(text="001100010", planted="001-10-0010", where=1)  # digits on both sides of a removed SSN
@given(text=message_texts(), planted=st.one_of(st.none(), valid_ssns()), where=st.integers(0, 10_000))
def test_rest_any_text_is_answered_politely_and_safely(
    stack: Stack, text: str, planted: Optional[str], where: int
) -> None:
    if planted is not None:  # a valid SSN, set apart by spaces, somewhere in the text
        at = where % (len(text) + 1)
        text = f"{text[:at]} {planted} {text[at:]}"
    sender = new_id("fuzz")
    reply = stack.say(sender, text)
    if len(json.dumps({"sender": sender, "message": text}).encode()) > MAX_BODY:
        assert_refusal(reply, (413,))
        return
    check_rest(reply)
    answer = assert_polite(reply)
    visible = cleaned(text)
    if len(visible) > MAX_CHARS:
        assert TOO_LONG in answer
        return
    assert TOO_LONG not in answer
    if not visible:
        assert EMPTY in answer
    if planted is None and not visible.startswith("/"):
        return
    stored = [e.get("text") or "" for e in stack.events(sender) if e.get("event") == "user"]
    if planted is not None:
        assert PII_REMOVED in answer, answer
        plain = re.sub(r"\D", "", planted)
        assert not [t for t in stored if planted in t or plain in joined_numbers(t)], stored
        assert planted not in answer and plain not in joined_numbers(answer)
    if visible.startswith("/"):
        # Typed slash syntax is read as text, unless it is a bare intent the channels send themselves.
        assert all(not t.startswith("/") or t in ("/greet", "/request_human") for t in stored), stored


@fuzz("rest_headers")
@given(
    content_type=st.one_of(
        st.sampled_from(
            [
                "application/json",
                "application/json; charset=utf-8",
                "APPLICATION/JSON",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset",
                "application/json; charset=utf-16",
                "application/json;;;",
                "",
                ";",
                "application/json, text/plain",
            ]
        ),
        st.from_regex(r"[a-z*]{1,10}/[a-z0-9.+*-]{1,15}(; ?[a-z]{1,8}=[a-zA-Z0-9\"-]{0,10}){0,2}", fullmatch=True),
    ),
    extra=st.dictionaries(
        st.from_regex(r"X-[A-Za-z0-9-]{1,20}", fullmatch=True),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200),
        max_size=5,
    ),
    accept=st.sampled_from([None, "*/*", "text/html", "application/xml"]),
    query=st.sampled_from(["", "?stream=true", "?stream=1&token=x", "?input_channel=twilio", "?" + "a=b&" * 200]),
)
def test_rest_content_types_and_headers(
    stack: Stack, content_type: str, extra: Dict[str, str], accept: Optional[str], query: str
) -> None:
    headers = {**extra, "Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    reply = http(
        f"{stack.url}/webhooks/rest/webhook{query}",
        json.dumps({"sender": new_id("fuzz"), "message": "hi"}).encode(),
        headers,
    )
    check_rest(reply)
    mime, *parameters = content_type.lower().split(";")
    charsets = [p.split("=", 1)[1].strip().strip('"') for p in parameters if p.strip().startswith("charset=")]
    if mime.strip() == "application/json" and (charsets or ["utf-8"])[-1] in ("utf-8", "utf8"):
        assert reply.status == 200, str(reply)
        assert reply.content_type == "application/json" and isinstance(reply.json(), list), str(reply)
    else:
        assert reply.status in (400, 415), str(reply)


# --- Twilio -------------------------------------------------------------------------------------

twilio_fields = st.fixed_dictionaries(
    {
        "Body": message_texts().map(lambda text: re.sub("[\ud800-\udfff]", "", text)),  # SMS carry no lone surrogates
        "NumMedia": st.one_of(st.just("0"), st.text(NO_SURROGATE, max_size=4)),
    },
    optional={
        "MessageSid": st.text(NO_SURROGATE, max_size=40),
        "FromCity": st.text(NO_SURROGATE, max_size=20),
        "MediaUrl0": st.text(NO_SURROGATE, max_size=40),
    },
)
twilio_extra = st.dictionaries(
    st.text(NO_SURROGATE, min_size=1, max_size=10), st.text(NO_SURROGATE, max_size=20), max_size=3
)


@fuzz("twilio_signed")
@given(fields=twilio_fields, extra=twilio_extra, e164=st.booleans(), odd_from=st.text(NO_SURROGATE, max_size=20))
def test_twilio_signed_requests_are_answered(
    stack: Stack, fields: Dict[str, str], extra: Dict[str, str], e164: bool, odd_from: str
) -> None:
    phone = f"+1555{uuid.uuid4().int % 10_000_000:07d}" if e164 else odd_from
    form = {**extra, **fields, "From": phone, "To": "+15125550100", "AccountSid": "AC" + "1" * 32}
    if "MessageSid" in form:  # Twilio's ids are unique; a repeated one is a retry, not answered twice
        form["MessageSid"] += uuid.uuid4().hex
    reply = stack.twilio(form)
    assert reply.status == 200 and reply.content_type == "text/xml", str(reply)
    assert reply.seconds < TURN_S, str(reply)
    body = fields["Body"]
    if e164 and body.strip().lstrip("/").strip():
        assert wait_until(lambda: stack.texts_to(phone), timeout_s=10), f"no SMS answered {body!r}"


UNSIGNED_PHONES: Set[str] = set()


@fuzz("twilio_unsigned")
@given(
    fields=twilio_fields,
    extra=twilio_extra,
    forgery=st.one_of(
        st.sampled_from(["none", "empty", "wrong-token", "other-url", "other-fields"]),
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40),
    ),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data; boundary=x"]
    ),
)
def test_twilio_unsigned_requests_are_always_403(
    stack: Stack, fields: Dict[str, str], extra: Dict[str, str], forgery: str, content_type: str
) -> None:
    phone = f"+1556{uuid.uuid4().int % 10_000_000:07d}"
    form = {**extra, **fields, "From": phone, "To": "+15125550100"}
    validator = RequestValidator(AUTH_TOKEN)
    headers = {"Content-Type": content_type}
    if forgery == "empty":
        headers["X-Twilio-Signature"] = ""
    elif forgery == "wrong-token":
        headers["X-Twilio-Signature"] = RequestValidator("forged-token").compute_signature(stack.twilio_url, form)
    elif forgery == "other-url":
        headers["X-Twilio-Signature"] = validator.compute_signature("http://attacker.example/webhook", form)
    elif forgery == "other-fields":
        headers["X-Twilio-Signature"] = validator.compute_signature(stack.twilio_url, {**form, "Body": "hi"})
    elif forgery != "none":
        headers["X-Twilio-Signature"] = forgery
    if forgery == "other-fields" and form["Body"] == "hi":
        form["Body"] = "hi!"
    reply = http(stack.twilio_url, urllib.parse.urlencode(form).encode(), headers)
    assert reply.status == 403, str(reply)
    assert reply.seconds < FAST_S, str(reply)
    UNSIGNED_PHONES.add(phone)


def test_no_sms_went_to_an_unsigned_sender(stack: Stack) -> None:
    assert UNSIGNED_PHONES, "run after test_twilio_unsigned_requests_are_always_403"
    time.sleep(2)  # sends are queued in the background
    assert not [p for p in UNSIGNED_PHONES if stack.texts_to(p)]


# --- Messenger ----------------------------------------------------------------------------------

MESSENGER_SENDERS: List[str] = []  # senders of fuzzed texts that must be answered
UNSIGNED_PSID = "psid-unsigned-" + uuid.uuid4().hex[:8]


@st.composite
def messenger_bodies(draw: st.DrawFn) -> Dict[str, Any]:
    """A Page delivery with fuzzed entries and events (or any JSON value)."""

    def event() -> st.SearchStrategy[Dict[str, Any]]:
        message = st.fixed_dictionaries(
            {},
            optional={
                "mid": st.text(ANY_CHAR, max_size=20),
                "text": st.one_of(message_texts(), json_values),
                "quick_reply": st.one_of(
                    json_values, st.fixed_dictionaries({"payload": st.one_of(slash_texts(), json_values)})
                ),
                "is_echo": json_values,
                "attachments": json_values,
                "sticker_id": json_values,
            },
        )
        return st.fixed_dictionaries(
            {},
            optional={
                "sender": st.one_of(
                    st.fixed_dictionaries({"id": st.one_of(st.text(ANY_CHAR, max_size=20), json_values)}), json_values
                ),
                "recipient": json_values,
                "timestamp": json_values,
                "message": st.one_of(message, json_values),
                "postback": st.one_of(
                    json_values, st.fixed_dictionaries({"payload": st.one_of(slash_texts(), json_values)})
                ),
            },
        )

    entries = st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "id": json_values,
                "time": json_values,
                "messaging": st.one_of(st.lists(event(), max_size=4), json_values),
            },
        ),
        max_size=3,
    )
    return draw(
        st.one_of(
            st.fixed_dictionaries({"object": st.just("page"), "entry": st.one_of(entries, json_values)}),
            st.fixed_dictionaries({"object": json_values, "entry": entries}),
            json_values,
        )
    )


@fuzz("messenger_signed")
@given(body=messenger_bodies(), text=message_texts(), raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_messenger_signed_deliveries_are_accepted_or_refused_clearly(
    stack: Stack, body: Any, text: str, raw: Optional[bytes]
) -> None:
    reply = stack.facebook(raw if raw is not None else json.dumps(body).encode())
    assert reply.status in (200, 400, 404), str(reply)
    assert reply.seconds < FAST_S, str(reply)
    if reply.status == 200:
        assert reply.body == b"EVENT_RECEIVED", str(reply)
    # A well-formed delivery of the same fuzzed text from a new sender is answered.
    sender = new_id("psid")
    typed = stack.messenger_text(sender, text)
    assert (typed.status, typed.body) == (200, b"EVENT_RECEIVED") and typed.seconds < FAST_S, str(typed)
    if text.strip():
        MESSENGER_SENDERS.append(sender)


def test_every_fuzzed_messenger_text_was_answered(stack: Stack) -> None:
    assert MESSENGER_SENDERS, "run after test_messenger_signed_deliveries_are_accepted_or_refused_clearly"
    wait_until(lambda: all(stack.messenger.sent(s) for s in MESSENGER_SENDERS), timeout_s=30)
    missing = [s for s in MESSENGER_SENDERS if not stack.messenger.sent(s)]
    assert not missing, f"{len(missing)} of {len(MESSENGER_SENDERS)} fuzzed Messenger texts got no reply"


@fuzz("messenger_unsigned")
@given(
    body=messenger_bodies(),
    header=st.one_of(
        st.none(),
        st.just(""),
        st.just("sha256="),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80),
        st.from_regex(r"sha256=[0-9a-f]{64}", fullmatch=True),
        st.just("other-secret"),
        st.just("sha1"),
    ),
)
def test_messenger_unsigned_deliveries_are_always_403(stack: Stack, body: Any, header: Optional[str]) -> None:
    raw = json.dumps(messenger_delivery(UNSIGNED_PSID, "what is a CP504?") if body is None else body).encode()
    headers = {"Content-Type": "application/json"}
    if header == "other-secret":
        headers["X-Hub-Signature-256"] = sign("not-" + FACEBOOK_SECRET, raw)
    elif header == "sha1":
        headers["X-Hub-Signature"] = "sha1=" + "0" * 40
    elif header is not None:
        headers["X-Hub-Signature-256"] = header
    reply = http(stack.messenger_url, raw, headers)
    assert reply.status == 403, str(reply)
    assert reply.seconds < FAST_S, str(reply)
    forged = stack.facebook(json.dumps(messenger_delivery(UNSIGNED_PSID, "what is a CP504?")).encode(), secret=None)
    assert forged.status == 403, str(forged)


def test_nothing_was_sent_to_an_unsigned_messenger_sender(stack: Stack) -> None:
    time.sleep(2)
    assert stack.messenger.sent(UNSIGNED_PSID) == []


# --- socket.io ----------------------------------------------------------------------------------


@fuzz("socketio")
@given(
    data=st.one_of(
        st.fixed_dictionaries({"message": message_texts()}),
        st.fixed_dictionaries({"message": json_values}, optional={"customData": json_values}),
        json_values,
    )
)
def test_socketio_events_keep_the_socket_up_and_get_answered(stack: Stack, data: Any) -> None:
    session = new_id("web")
    # A text is answered; so is any other object (the channel empties a non-text message and ignores
    # metadata that is not an object, and the guard asks for text). Anything else is dropped.
    expect_reply = isinstance(data, dict)
    event = {**data, "session_id": session} if isinstance(data, dict) else data
    turn = stack.widget(event, session_id=session, wait_s=TURN_S if expect_reply else 0.3, settle_s=0.05)
    assert turn.connected, turn
    if expect_reply:
        assert turn.replies, f"no reply to {data!r}"
        assert turn.seconds < TURN_S, turn


# --- rate limits with the production defaults ---------------------------------------------------


def test_rest_rate_limit_answers_429_with_retry_after(stack: Stack) -> None:
    sender = new_id("limit")
    for number in range(RATE_LIMIT):
        assert_polite(stack.say(sender, f"hi {number}"))
    limited = stack.say(sender, "hi again")
    assert_refusal(limited, (429,))
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert_polite(stack.say(new_id("limit"), NORMAL_QUESTION), NORMAL_ANSWER)  # others are not limited


def test_twilio_rate_limit_sends_one_slow_down_sms(stack: Stack) -> None:
    phone = f"+1557{uuid.uuid4().int % 10_000_000:07d}"
    for number in range(RATE_LIMIT + 3):
        assert stack.twilio(stack.sms_fields(phone, f"hi {number}")).status == 200
    assert wait_until(lambda: [b for b in stack.texts_to(phone) if SLOW_DOWN in b], timeout_s=10)
    time.sleep(1)
    assert len([b for b in stack.texts_to(phone) if SLOW_DOWN in b]) == 1


def test_messenger_rate_limit_sends_one_slow_down_message(stack: Stack) -> None:
    sender = new_id("psid")
    events = [messenger_delivery(sender, f"hi {n}")["entry"][0]["messaging"][0] for n in range(RATE_LIMIT + 3)]
    delivery = {"object": "page", "entry": [{"id": "1", "time": 1, "messaging": events}]}
    assert stack.facebook(json.dumps(delivery).encode()).status == 200
    assert wait_until(lambda: [t for t in stack.sent_to_messenger(sender) if SLOW_DOWN in t], timeout_s=30)
    time.sleep(1)
    assert len([t for t in stack.sent_to_messenger(sender) if SLOW_DOWN in t]) == 1


def test_socketio_rate_limit_sends_one_slow_down_message(stack: Stack) -> None:
    session = new_id("web")
    texts: List[str] = []
    for number in range(RATE_LIMIT + 3):
        turn = stack.widget(
            {"message": f"hi {number}", "session_id": session},
            session_id=session,
            wait_s=TURN_S if number < RATE_LIMIT + 1 else 1.0,
            settle_s=0.05,
        )
        texts.append(turn.text)
    assert all(t and SLOW_DOWN not in t for t in texts[:RATE_LIMIT])
    assert SLOW_DOWN in texts[RATE_LIMIT] and texts[RATE_LIMIT + 1 :] == ["", ""]
