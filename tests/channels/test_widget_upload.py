"""The widget's photo upload on the socket.io channel: bound to the uploader's live socket session."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, AsyncIterator, List, Tuple

import aiohttp
import pytest
import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels import notice_photos
from channels.guard import MessageGuard
from channels.guard_settings import GuardSettings
from channels.socketio import SocketIOInput
from tests.channels.test_guard import agent_view
from tests.sanic_app import serving

SESSION = "widget-session-1"


async def reader(data: bytes, **options: Any) -> Any:
    assert data == b"JPEG-photo" and options["content_type"] == "image/jpeg"
    return SimpleNamespace(
        code="CP504",
        notice_date=dt.date(2026, 10, 1),
        amount_due=Decimal("6312.45"),
        tax_years=[],
        response_date=None,
        problems=[],
    )


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setattr(notice_photos, "_default_reader", lambda: reader)
    monkeypatch.delenv("CORS_ORIGINS", raising=False)


@pytest.fixture
async def served() -> AsyncIterator[Tuple[str, List[UserMessage], socketio.AsyncClient, List[Any]]]:
    received: List[UserMessage] = []
    replies: List[Any] = []

    async def rasa(message: UserMessage) -> None:
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "I read it.")

    channel = SocketIOInput(
        user_message_evt="user_uttered",
        bot_message_evt="bot_uttered",
        session_persistence=True,
        guard=MessageGuard("socketio", GuardSettings(_env_file=None), view=agent_view()),
    )
    app = Sanic("widget_upload_test")
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/socketio")
    async with serving(app) as url:
        client = socketio.AsyncClient()
        confirmed = asyncio.Event()
        tokens: List[str] = []

        def on_confirm(token: str) -> None:
            tokens.append(token)
            confirmed.set()

        client.on("session_confirm", on_confirm)
        client.on("bot_uttered", lambda data: replies.append(data))
        await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
        await client.emit("session_request", {"session_id": SESSION})
        await asyncio.wait_for(confirmed.wait(), 10)
        client.token = tokens[-1]  # the session token the server issued to this socket
        try:
            yield url, received, client, replies
        finally:
            await client.disconnect()


def form(session_id: str, sid: str, data: bytes = b"JPEG-photo") -> aiohttp.FormData:
    body = aiohttp.FormData()
    body.add_field("session_id", session_id)
    body.add_field("sid", sid)
    body.add_field("file", data, filename="notice.jpg", content_type="image/jpeg")
    return body


async def test_an_upload_from_the_sessions_socket_reaches_the_bot_as_fields(served: Any) -> None:
    url, received, client, replies = served
    async with aiohttp.ClientSession() as http:
        answer = await http.post(f"{url}/webhooks/socketio/notice_photo", data=form(client.token, client.get_sid()))
        assert answer.status == 200 and (await answer.json()) == {"status": "read"}
    [message] = received
    assert message.sender_id != client.token and message.text == notice_photos.PHOTO_TEXT  # the conversation id
    assert message.parse_data["entities"][0]["value"]["code"] == "CP504"
    for _ in range(50):
        if replies:
            break
        await asyncio.sleep(0.1)
    assert replies and replies[0]["text"] == "I read it."


@pytest.mark.parametrize("session, sid, status", [("someone-else", None, 403), (None, "forged-sid", 403)])
async def test_an_upload_for_a_session_the_socket_did_not_join_is_refused(
    served: Any, session: Any, sid: Any, status: int
) -> None:
    url, received, client, _ = served
    async with aiohttp.ClientSession() as http:
        answer = await http.post(
            f"{url}/webhooks/socketio/notice_photo", data=form(session or client.token, sid or client.get_sid())
        )
        assert answer.status == status
    assert received == []


async def test_a_bad_form_or_a_foreign_origin_is_refused(served: Any) -> None:
    url, received, client, _ = served
    async with aiohttp.ClientSession() as http:
        assert (await http.post(f"{url}/webhooks/socketio/notice_photo", data=b"not a form")).status == 400
        answer = await http.post(
            f"{url}/webhooks/socketio/notice_photo",
            data=form(client.token, client.get_sid()),
            headers={"Origin": "https://evil.example"},
        )
        assert answer.status == 403
    assert received == []


def test_origin_rule_follows_the_socket_server() -> None:
    own = "http://bot.example"
    assert notice_photos.origin_allowed(None, None, own)
    assert notice_photos.origin_allowed("http://bot.example", None, own)
    assert not notice_photos.origin_allowed("http://site.example", None, own)
    assert notice_photos.origin_allowed("http://site.example", ["http://site.example"], own)
    assert notice_photos.origin_allowed("http://any.example", "*", own)
