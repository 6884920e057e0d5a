"""Shared helpers of the hostile-input and fuzz tests: one running bot with every public channel.

:func:`running_stack` starts the real action server and Rasa server (JWT-protected HTTP API) with
the REST, socket.io, Twilio and Messenger channels configured; the Twilio and Graph APIs are one
local fake (:class:`~tests.integration.receiver.Receiver`) that records what the bot sends.

Requests are sent with :func:`http`, a raw HTTP/1.1 client that sends any bytes with any headers
(urllib refuses some and adds others), and the answers are judged with :func:`assert_refusal` (a
clear 4xx) and :func:`assert_polite` (a 200 with replies), the two outcomes hostile input may get.

Usage::

    with running_stack(tmp_path, env={"RATE_LIMIT_MESSAGES": "100"}) as stack:
        assert_polite(stack.say("someone", "   "), EMPTY)
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, TypeVar, cast

import aiohttp
import socketio
from twilio.request_validator import RequestValidator

from channels.facebook import signature
from channels.widget_sessions import WidgetSessions
from desk.rasa_client import RasaClient
from tests.integration.channel_clients import Messenger, Sms
from tests.integration.receiver import Receiver
from tests.integration.servers import MODEL, Bot, conversation, running_bot, wait_until
from tests.integration.shared_bot import ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER
from tests.integration.shared_bot import SECRET as FACEBOOK_SECRET
from tests.integration.shared_bot import TOKEN as FACEBOOK_TOKEN
from tests.integration.shared_bot import VERIFY as FACEBOOK_VERIFY

T = TypeVar("T")

# Pieces of the guard's polite replies, in both the domain.yml wording and channels.guard's fallback
# (used when the loaded model's domain predates the responses).
TOO_LONG = "too long for me"
EMPTY = "didn't get any text"
PII_REMOVED = "For your safety I removed the"
SLOW_DOWN = "faster than I can read them"
# What must never reach a client: a Python traceback or a server error page.
LEAKS = (b"Traceback (most recent call last)", b'File "/', b"site-packages", b"Internal Server Error")
NORMAL_QUESTION, NORMAL_ANSWER = "what is a CP504?", "CP504"


@dataclass(frozen=True)
class Reply:
    """One HTTP response."""

    status: int
    headers: Dict[str, str]  # names in lower case
    body: bytes
    seconds: float

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("" when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON (raises when it is not)."""
        return json.loads(self.body)

    def __str__(self) -> str:
        return f"HTTP {self.status} {self.content_type} in {self.seconds:.2f} s: {self.body[:300]!r}"


def http(
    url: str,
    body: bytes = b"",
    headers: Optional[Mapping[str, str]] = None,
    method: str = "POST",
    chunked: bool = False,
    timeout_s: float = 60.0,
) -> Reply:
    """Send exactly ``body`` with exactly ``headers`` (plus Host and a length) and read the answer.

    Args:
        url: ``http://host:port/path?query``.
        body: the raw body, any bytes.
        headers: request headers; a ``Content-Length`` is added unless given or ``chunked``.
        method: the HTTP method.
        chunked: send the body with ``Transfer-Encoding: chunked`` (64 KiB chunks), no length.
        timeout_s: socket timeout.

    A server may answer (413) and close before it has read a large body: a broken pipe while
    sending is ignored and the answer read anyway.
    """
    parts = urllib.parse.urlsplit(url)
    connection = HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout_s)
    started = time.monotonic()
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.putrequest(method, target, skip_accept_encoding=True)
        given = {name.lower() for name in (headers or {})}
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
        elif "content-length" not in given:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        try:
            if chunked:
                for start in range(0, len(body), 65536):
                    piece = body[start : start + 65536]
                    connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                connection.send(b"0\r\n\r\n")
            elif body:
                connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = connection.getresponse()
        data = response.read()
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.monotonic() - started
        )
    finally:
        connection.close()


def assert_refusal(reply: Reply, statuses: Sequence[int] = (400,), sent: Optional[str] = None) -> Dict[str, Any]:
    """A clear refusal: one of ``statuses``, a JSON object saying why, no traceback, no echo.

    Args:
        reply: the response.
        statuses: the acceptable 4xx codes.
        sent: a piece of the request that must not come back (the server does not echo input).

    Returns:
        The JSON error body.
    """
    assert reply.status in statuses, str(reply)
    assert reply.content_type == "application/json", str(reply)
    payload = reply.json()
    assert isinstance(payload, dict) and isinstance(payload.get("error"), str) and payload.get("detail"), str(reply)
    assert not any(leak in reply.body for leak in LEAKS), str(reply)
    if sent:
        assert sent.encode("utf-8", "surrogatepass") not in reply.body, f"input echoed: {reply}"
        assert json.dumps(sent)[1:-1].encode() not in reply.body, f"input echoed: {reply}"
    return payload


def assert_polite(reply: Reply, expect: Optional[str] = None) -> str:
    """A 200 with at least one bot message (containing ``expect`` when given); the joined texts."""
    assert reply.status == 200, str(reply)
    assert reply.content_type == "application/json", str(reply)
    messages = reply.json()
    assert isinstance(messages, list) and messages, str(reply)
    assert all(isinstance(m, dict) and isinstance(m.get("recipient_id"), str) for m in messages), str(reply)
    text = "\n".join(str(m.get("text", "")) for m in messages)
    assert text.strip(), str(reply)
    assert not any(leak.decode() in text for leak in LEAKS), str(reply)
    if expect is not None:
        assert expect in text, str(reply)
    return text


def new_id(prefix: str = "hostile") -> str:
    """A sender id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


class LoopThread:
    """An asyncio loop in a background thread, so synchronous tests (and hypothesis) can use async clients."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, work: Awaitable[T], timeout_s: float = 60.0) -> T:
        """Run ``work`` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(cast(Any, work), self.loop).result(timeout_s)

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@dataclass
class WidgetTurn:
    """What one socket.io message got: the bot's payloads and whether the socket stayed connected."""

    replies: List[Dict[str, Any]]
    connected: bool
    seconds: float
    token: str = ""  # the session token the server confirmed

    @property
    def text(self) -> str:
        """All reply texts, joined by newlines."""
        return "\n".join(str(r.get("text", "")) for r in self.replies if isinstance(r, dict))


async def widget_turn(
    url: str,
    data: Any,
    session_id: Optional[str] = None,
    wait_s: float = 10.0,
    settle_s: float = 0.3,
    until: Optional[Callable[[List[Dict[str, Any]]], bool]] = None,
) -> WidgetTurn:
    """Connect like the website widget, open a session and emit one ``user_uttered`` event.

    Args:
        url: the Rasa server's base URL.
        data: the event's data, sent as given (a dict with ``message``/``session_id``, or anything).
        session_id: the session to open (a new one when None); ``data`` is not changed.
        wait_s: how long to wait for the first reply.
        settle_s: after a reply, how long without another one ends the turn.
        until: stop as soon as this holds for the replies so far (instead of settling).
    """
    client = socketio.AsyncClient(reconnection=False)
    replies: List[Dict[str, Any]] = []
    arrived = asyncio.Event()
    confirmed = asyncio.Event()

    def on_reply(payload: Any) -> None:
        replies.append(payload if isinstance(payload, dict) else {"payload": payload})
        arrived.set()

    tokens: List[str] = []

    def on_confirm(token: Any = None) -> None:  # the server issues the session; its token names it
        tokens.append(str(token))
        confirmed.set()

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", on_reply)
    await client.connect(url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=10)
    started = time.monotonic()
    try:
        await client.emit("session_request", {"session_id": session_id or uuid.uuid4().hex})
        await asyncio.wait_for(confirmed.wait(), 10)
        started = time.monotonic()
        await client.emit("user_uttered", data)
        deadline = started + wait_s
        while time.monotonic() < deadline:
            arrived.clear()
            timeout = deadline - time.monotonic() if not replies else settle_s
            try:
                await asyncio.wait_for(arrived.wait(), max(0.01, timeout))
            except asyncio.TimeoutError:
                if replies:
                    break
            if until is not None and until(replies):
                break
        return WidgetTurn(list(replies), client.connected, time.monotonic() - started, tokens[-1])
    finally:
        await client.disconnect()


@dataclass
class Stack:
    """The running bot with all its public channels, and the fake that records what it sends."""

    bot: Bot
    receiver: Receiver
    jwt_secret: Optional[str]  # None: Rasa's HTTP API is open (the shared bot)
    tmp: Path
    database_url: str
    loop: LoopThread = field(default_factory=LoopThread)
    widget_tokens: Dict[str, str] = field(default_factory=dict)  # a test's session alias -> the server's token

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return self.bot.url

    @property
    def sms(self) -> Sms:
        """The Twilio test client (signed inbound SMS, sent SMS read back)."""
        return Sms(self.bot, self.receiver, self.database_url)

    @property
    def messenger(self) -> Messenger:
        """The Messenger test client (signed deliveries, Send API bodies read back)."""
        return Messenger(self.bot, self.receiver)

    # REST -------------------------------------------------------------------------------------
    def rest(
        self,
        body: bytes,
        content_type: Optional[str] = "application/json",
        headers: Optional[Mapping[str, str]] = None,
        chunked: bool = False,
    ) -> Reply:
        """POST ``body`` to the REST webhook (no Content-Type header when ``content_type`` is None)."""
        all_headers = dict(headers or {})
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        return http(f"{self.url}/webhooks/rest/webhook", body, all_headers, chunked=chunked)

    def say(self, sender: Any, message: Any, **extra: Any) -> Reply:
        """POST ``{"sender": ..., "message": ...}`` as JSON (any values; lone surrogates escaped)."""
        return self.rest(json.dumps({"sender": sender, "message": message, **extra}).encode())

    # Twilio -----------------------------------------------------------------------------------
    @property
    def twilio_url(self) -> str:
        """The Twilio webhook."""
        return f"{self.url}/webhooks/twilio/webhook"

    def twilio(
        self,
        fields: Mapping[str, str],
        token: Optional[str] = AUTH_TOKEN,
        content_type: str = "application/x-www-form-urlencoded",
        body: Optional[bytes] = None,
    ) -> Reply:
        """POST form ``fields`` as Twilio does, signed with ``token`` (None: no signature header).

        ``body`` replaces the encoded fields (the signature is still computed over ``fields``).
        """
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(self.twilio_url, dict(fields))
        raw = urllib.parse.urlencode(fields).encode() if body is None else body
        return http(self.twilio_url, raw, headers)

    def sms_fields(self, phone: str, text: str) -> Dict[str, str]:
        """The fields of an inbound SMS from ``phone``."""
        return {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": ACCOUNT_SID,
            "From": phone,
            "To": TWILIO_NUMBER,
            "Body": text,
            "NumMedia": "0",
        }

    def texts_to(self, phone: str) -> List[str]:
        """The bodies of every SMS sent to ``phone`` so far."""
        return [fields["Body"] for fields in self.sms.texts_to(phone)]

    # Messenger --------------------------------------------------------------------------------
    @property
    def messenger_url(self) -> str:
        """The Messenger webhook."""
        return f"{self.url}/webhooks/facebook/webhook"

    def facebook(
        self, body: bytes, secret: Optional[str] = FACEBOOK_SECRET, content_type: str = "application/json"
    ) -> Reply:
        """POST a raw delivery signed with ``secret`` (None: no signature header)."""
        headers = {"Content-Type": content_type}
        if secret is not None:
            headers["X-Hub-Signature-256"] = signature(secret, body)
        return http(self.messenger_url, body, headers)

    def messenger_text(self, sender: str, text: Any) -> Reply:
        """A signed delivery of one typed message (``text`` as given, any JSON value)."""
        return self.facebook(json.dumps(messenger_delivery(sender, text)).encode())

    def sent_to_messenger(self, sender: str) -> List[str]:
        """The texts of every Send API body to ``sender`` so far."""
        return [str(b.get("message", {}).get("text", "")) for b in self.messenger.sent(sender)]

    # socket.io --------------------------------------------------------------------------------
    def widget(
        self,
        data: Any,
        session_id: Optional[str] = None,
        wait_s: float = 10.0,
        settle_s: float = 0.3,
        until: Optional[Callable[[List[Dict[str, Any]]], bool]] = None,
    ) -> WidgetTurn:
        """One socket.io turn (see :func:`widget_turn`). A test's own ``session_id`` is an alias:
        the first turn gets a server-issued token for it, later turns resume with that token, and
        :meth:`tracker` finds the conversation by the alias."""
        token = self.widget_tokens.get(session_id) if session_id else None
        turn = self.loop.run(widget_turn(self.url, data, token or session_id, wait_s, settle_s, until), wait_s + 30)
        if session_id and turn.token:
            self.widget_tokens[session_id] = turn.token
        return turn

    # Rasa's HTTP API --------------------------------------------------------------------------
    def jwt(self) -> str:
        """An admin JWT signed the way the agent desk signs one."""
        assert self.jwt_secret, "this bot's HTTP API is open: it takes no token"
        return RasaClient(self.url, self.jwt_secret, cast(aiohttp.ClientSession, None)).token()

    def tracker(self, sender: str) -> Dict[str, Any]:
        """``GET /conversations/{sender}/tracker`` with every event."""
        token = self.widget_tokens.get(sender)
        path = urllib.parse.quote(WidgetSessions.conversation_id(token) if token else conversation(sender), safe=":+")
        headers = {"Authorization": f"Bearer {self.jwt()}"} if self.jwt_secret else {}
        reply = http(f"{self.url}/conversations/{path}/tracker?include_events=ALL", method="GET", headers=headers)
        assert reply.status == 200, str(reply)
        return cast(Dict[str, Any], reply.json())

    def events(self, sender: str) -> List[Dict[str, Any]]:
        """The stored events of a conversation."""
        return cast(List[Dict[str, Any]], self.tracker(sender)["events"])

    def user_texts(self, sender: str) -> List[str]:
        """The texts of the stored user events, in order."""
        return [e.get("text") or "" for e in self.events(sender) if e.get("event") == "user"]

    def answers_normally(self) -> str:
        """A new conversation's normal question gets its normal answer (the server still works)."""
        return assert_polite(self.say(new_id("alive"), NORMAL_QUESTION), NORMAL_ANSWER)

    def close(self) -> None:
        """Release the background loop."""
        self.loop.close()


def messenger_delivery(sender: str, text: Any, mid: Optional[str] = None) -> Dict[str, Any]:
    """A Page delivery with one typed message."""
    return {
        "object": "page",
        "entry": [
            {
                "id": "1",
                "time": 1,
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": "1"},
                        "timestamp": 1,
                        "message": {"mid": mid or f"mid.{uuid.uuid4().hex}", "text": text},
                    }
                ],
            }
        ],
    }


def credentials_yaml(fake_api_url: str) -> str:
    """credentials.yml with every public channel configured; outbound APIs go to the local fake."""
    return (
        "channels.rest.RestInput:\n"
        "channels.socketio.SocketIOInput:\n"
        "  user_message_evt: user_uttered\n"
        "  bot_message_evt: bot_uttered\n"
        "  session_persistence: true\n"
        "channels.twilio.TwilioInput:\n"
        f'  account_sid: "{ACCOUNT_SID}"\n'
        f'  auth_token: "{AUTH_TOKEN}"\n'
        f'  twilio_number: "{TWILIO_NUMBER}"\n'
        '  public_base_url: ""\n'
        f'  api_base_url: "{fake_api_url}"\n'
        "channels.facebook.MessengerInput:\n"
        f'  verify: "{FACEBOOK_VERIFY}"\n'
        f'  secret: "{FACEBOOK_SECRET}"\n'
        f'  page-access-token: "{FACEBOOK_TOKEN}"\n'
        f'  graph_api_base: "{fake_api_url}/graph"\n'
    )


@contextmanager
def running_stack(tmp: Path, env: Optional[Dict[str, str]] = None) -> Iterator[Stack]:
    """Run the bot with every public channel and a JWT-protected API until the block ends.

    Args:
        tmp: where logs, credentials and the case database go.
        env: extra environment (e.g. ``RATE_LIMIT_MESSAGES``), over the test defaults.
    """
    assert MODEL.exists(), "train first: make train"
    receiver = Receiver().start()
    credentials = tmp / "credentials.yml"
    credentials.write_text(credentials_yaml(receiver.url))
    database_url = f"sqlite:///{tmp / 'cases.db'}"
    environment = {
        "DATABASE_URL": database_url,
        "BUSINESS_DAYS": "mon,tue,wed,thu,fri,sat,sun",
        "BUSINESS_HOURS": "00:00-24:00",
        **(env or {}),
    }
    secret = uuid.uuid4().hex
    stack: Optional[Stack] = None
    try:
        with running_bot(tmp, env=environment, credentials=credentials, jwt_secret=secret) as bot:
            stack = Stack(bot, receiver, secret, tmp, database_url)
            yield stack
    finally:
        if stack is not None:
            stack.close()
        receiver.stop()


__all__ = [
    "AUTH_TOKEN",
    "EMPTY",
    "FACEBOOK_SECRET",
    "NORMAL_ANSWER",
    "NORMAL_QUESTION",
    "PII_REMOVED",
    "SLOW_DOWN",
    "TOO_LONG",
    "LoopThread",
    "Reply",
    "Stack",
    "WidgetTurn",
    "assert_polite",
    "assert_refusal",
    "http",
    "messenger_delivery",
    "new_id",
    "running_stack",
    "wait_until",
    "widget_turn",
]
