"""Medium 6, 7, 9 and Low 15, 16: malformed input gets a 4xx and stores nothing; webhooks are
idempotent; ids are URL-safe; the demo site survives a NUL; PSIDs stay out of logs."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import List

import jwt
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.facebook import MessengerInput
from channels.guard import MessageGuard
from channels.guard_settings import GuardSettings
from channels.rest import RestInput
from channels.socketio import GuardedPacket, SocketIOInput
from channels.widget_sessions import WidgetSessions
from ops.api_guard import credentials_check, refuse_odd_credentials
from tests.channels.test_guard import agent_view
from tests.channels.test_rest import make_channel, serve
from tests.sanic_app import serving

ROOT = Path(__file__).resolve().parents[2]
# An unsigned ("alg": "none") JWT, built here so no token literal sits in the repository.
UNSIGNED_JWT = (
    base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
    + "."
    + base64.urlsafe_b64encode(b"{}").decode().rstrip("=")
    + "."
)


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


async def test_deep_json_and_nan_are_400_on_rest_and_nothing_reaches_the_bot() -> None:
    deep = '{"sender": "u1", "message": "hi", "metadata": ' + "[" * 5000 + "]" * 5000 + "}"
    nan = '{"sender": "u1", "message": "hi", "metadata": {"page": NaN, "x": Infinity}}'
    settings = GuardSettings(_env_file=None)  # the default 64 KiB body limit: deep JSON fits
    channel = RestInput(settings, MessageGuard("rest", settings, view=agent_view()))
    async with serve(channel) as client:
        statuses = [(await client.post(body.encode())).status for body in (deep, nan)]
    assert statuses == [400, 400] and client.bot.received == []


async def _raw_post(url: str, path: str, headers: bytes, body: bytes) -> int:
    host, port = url.rsplit("/", 1)[-1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST "
        + path.encode()
        + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + headers
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


async def test_messenger_refuses_a_non_ascii_signature_and_deep_json_without_a_500() -> None:
    channel = MessengerInput("verify", "app-secret", "page-token")
    received: List[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        received.append(message)

    app = Sanic("messenger_security")
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/facebook")
    body = b'{"object": "page"}'
    async with serving(app) as url:
        odd = await _raw_post(
            url, "/webhooks/facebook/webhook", b"X-Hub-Signature-256: sha256=\xff\xfe\xc3\xa9\r\n", body
        )
        from channels.facebook import signature

        deep = b"[" * 5000 + b"]" * 5000
        signed = signature("app-secret", deep).encode()
        too_deep = await _raw_post(url, "/webhooks/facebook/webhook", b"X-Hub-Signature-256: " + signed + b"\r\n", deep)
    assert (odd, too_deep) == (403, 400) and received == []


async def test_a_non_ascii_bearer_token_is_401_on_rasas_api() -> None:
    request = SimpleNamespace(headers={"authorization": "Bearer \udcff\udcfe"}, args={})
    refused = await refuse_odd_credentials(request)
    assert refused is not None and refused.status == 401
    assert await refuse_odd_credentials(SimpleNamespace(headers={"authorization": "Bearer abc"}, args={})) is None
    # with the secret known, a forged or unsigned JWT on Rasa's API is a 401 (Rasa answered 500)
    check = credentials_check("the-secret")
    forged = SimpleNamespace(
        headers={"authorization": f"Bearer {UNSIGNED_JWT}"}, args={}, path="/conversations/rest:x/tracker"
    )
    assert (await check(forged)).status == 401
    good = jwt.encode({"user": {"username": "desk", "role": "admin"}}, "the-secret", algorithm="HS256")
    assert (
        await check(
            SimpleNamespace(headers={"authorization": f"Bearer {good}"}, args={}, path="/conversations/rest:x/tracker")
        )
        is None
    )
    # a channel's own bearer token (the REST channel's REST_TOKEN) is not a JWT and not checked here
    assert (
        await check(
            SimpleNamespace(headers={"authorization": "Bearer rest-token"}, args={}, path="/webhooks/rest/webhook")
        )
        is None
    )


def test_the_desk_reads_odd_bearer_tokens_and_cookies_without_raising() -> None:
    from desk.auth import bearer_token, digest, same_token

    odd = bearer_token("Bearer \udcc3\udca9\udcff")  # how Sanic hands over undecodable header bytes
    assert odd is not None and len(digest(odd)) == 64
    assert same_token("expected", "\udcff") is False


async def test_socketio_object_ids_deep_packets_nul_and_long_ids_store_nothing_odd() -> None:
    received: List[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True, sessions=WidgetSessions(b"k"))
    channel.blueprint(bot)
    emitted = []

    async def emit(*args, **kwargs):  # type: ignore[no-untyped-def]
        emitted.append(args)

    channel.sio.emit = emit  # type: ignore[method-assign]
    channel.sio.enter_room = lambda *a, **k: None  # type: ignore[method-assign]
    channel.sio.rooms = lambda *a, **k: []  # type: ignore[method-assign]
    for data in ({"session_id": {"$ne": 1}}, {"session_id": [1, 2]}, ["x"], None):
        await channel._session_request("sid-1", data)  # never raises: a new session each time
    for bad in (
        '2["user_uttered",' + "[" * 5000 + "]" * 5000 + "]",
        '2["user_uttered",{"message":"hi","metadata":{"a":NaN}}]',
    ):
        with pytest.raises(ValueError):
            GuardedPacket(encoded_packet=bad)
    dropped: List[str] = []

    async def disconnect(eio_sid: str) -> None:
        dropped.append(eio_sid)

    channel.sio.eio.disconnect = disconnect  # type: ignore[method-assign]
    handler = channel.sio.eio.handlers["message"]
    await handler("eio-1", '2["user_uttered",' + "[" * 5000 + "]" * 5000 + "]")
    await handler("eio-2", "4{}")  # a CONNECT_ERROR a client must never send
    assert dropped == ["eio-1", "eio-2"]
    await channel.sio.handlers["/"]["user_uttered"](
        "sid-1", {"message": "hi", "session_id": "\x00" + "a" * 1000, "metadata": '{"page": NaN}'}
    )
    [message] = received
    assert message.sender_id.startswith("web:") and len(message.sender_id) == 36
    assert "\x00" not in json.dumps(message.metadata) and "NaN" not in json.dumps(message.metadata)


async def test_conversation_ids_need_no_percent_encoding_so_the_desk_finds_them() -> None:
    from desk.rasa_client import RasaClient

    client = RasaClient("http://rasa", "s", session=None)  # type: ignore[arg-type]
    assert client._conversation("sms:+15125550142").endswith("/conversations/sms:+15125550142")
    async with serve(make_channel()) as rest:
        statuses = [(await rest.say("hi", sender=sender)).status for sender in ("a b", "a/b", "a%20b", "ok-1")]
    assert statuses == [400, 400, 400, 200]


async def test_a_twilio_retry_with_the_same_message_sid_is_not_handled_twice(tmp_path: Path) -> None:
    from settings.assistant import Settings
    from tests.channels.fake_twilio import FakeTwilio
    from tests.channels.test_twilio import inbound
    from tests.channels.test_twilio import make_channel as twilio_channel
    from tests.channels.test_twilio import serve as twilio_serve

    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'cases.db'}", handoff_webhook_url=None, smtp_host=None
    )
    twilio = await FakeTwilio().start()
    try:
        async with twilio_serve(twilio_channel(settings, twilio), twilio) as harness:
            fields = inbound("what is a CP504?", MessageSid="SM" + "1" * 32)
            first, retry = await harness.post(fields), await harness.post(fields)
            await harness.settle()
    finally:
        await twilio.stop()
    assert (first.status, retry.status) == (200, 200)
    assert harness.bot.texts == ["what is a CP504?"]


def test_the_demo_site_answers_a_nul_in_a_path_instead_of_dropping_the_connection() -> None:
    sys.path.insert(0, str(ROOT / "widget"))
    import serve as demo  # widget/serve.py

    server = demo.make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/%00", timeout=5)
        assert refused.value.code == 400
    finally:
        server.shutdown()
        server.server_close()


async def test_messenger_psids_are_masked_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    channel = MessengerInput("verify", "app-secret", "page-token")
    from channels.messenger.events import Incoming

    async def failing(message: UserMessage) -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.INFO):
        await channel._handle_sender([Incoming("2918301774412", "text", "hi", "m1")], failing, None)
    assert caplog.records and "2918301774412" not in caplog.text
