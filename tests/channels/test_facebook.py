"""The Messenger channel served by a real Sanic app on loopback, replying to a local fake Graph API."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, AsyncIterator, Callable, Dict, List, Optional

import aiohttp
import pytest
from aiohttp import web
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Sanic

from channels import notice_photos
from channels.facebook import ATTACHMENT_REPLY, MessengerInput, MessengerOutput, signature
from channels.guard import MessageGuard
from channels.guard_settings import GuardSettings
from tests.channels.test_guard import agent_view, save_tracker
from tests.integration.servers import free_port
from tests.sanic_app import serving

SECRET, VERIFY, TOKEN = "app-secret-for-tests", "verify-me", "PAGE-TOKEN-do-not-log"
PAGE = "1357"


@dataclass
class FakeGraph:
    """``POST /me/messages`` like the Graph API; answers 500 to the first ``failures`` requests."""

    requests: List[Dict[str, Any]] = field(default_factory=list)
    queries: List[Dict[str, str]] = field(default_factory=list)
    failures: int = 0
    url: str = ""

    async def _messages(self, request: web.Request) -> web.Response:
        self.queries.append(dict(request.query))
        self.requests.append(await request.json())
        if self.failures:
            self.failures -= 1
            return web.json_response({"error": {"message": "temporarily down", "code": 2}}, status=500)
        return web.json_response({"recipient_id": "x", "message_id": "m"})

    async def start(self) -> FakeGraph:
        app = web.Application()
        app.router.add_post("/v18.0/me/messages", self._messages)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/v18.0"
        return self

    def messages(self) -> List[Dict[str, Any]]:
        """The ``message`` objects sent, in order."""
        return [r["message"] for r in self.requests]


Signer = Callable[[bytes], Dict[str, str]]


def signed(raw: bytes) -> Dict[str, str]:
    """The header Facebook signs a delivery with."""
    return {"X-Hub-Signature-256": signature(SECRET, raw)}


@dataclass
class Bot:
    """The channel in a running app, the fake Graph API and what the stub Rasa received."""

    channel: MessengerInput
    graph: FakeGraph
    url: str
    http: aiohttp.ClientSession
    received: List[UserMessage] = field(default_factory=list)

    async def post(self, body: Any, sign: Optional[Signer] = None) -> aiohttp.ClientResponse:
        """POST ``body`` to the webhook with the headers ``sign`` gives (default: signed)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = (sign or signed)(raw)
        response = await self.http.post(
            f"{self.url}/webhook", data=raw, headers={**headers, "Content-Type": "application/json"}
        )
        await response.read()
        await self.channel.drain()
        return response


def delivery(*entries: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A Page delivery with one entry per list of messaging events."""
    return {"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": e} for e in entries]}


def text(sender: str, words: str, mid: Optional[str] = None) -> Dict[str, Any]:
    """A typed message event."""
    return {
        "sender": {"id": sender},
        "recipient": {"id": PAGE},
        "message": {"mid": mid or f"m-{sender}-{words}", "text": words},
    }


async def stub_rasa(message: UserMessage, received: List[UserMessage]) -> None:
    """Record the message and answer through its output channel, like Rasa's agent would."""
    received.append(message)
    if message.text == "boom":
        raise RuntimeError("a failing turn")
    await message.output_channel.send_text_message(message.sender_id, f"You said: {message.text}")


async def running(channel: MessengerInput, graph: FakeGraph) -> AsyncIterator[Bot]:
    """Serve the channel's blueprint like Rasa does, under /webhooks/facebook."""
    received: List[UserMessage] = []
    app = Sanic("messenger_test")
    app.blueprint(channel.blueprint(lambda m: stub_rasa(m, received)), url_prefix="/webhooks/facebook")
    async with serving(app) as url, aiohttp.ClientSession() as http:
        yield Bot(channel, graph, f"{url}/webhooks/facebook", http, received)


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)  # one app name per test run


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = await FakeGraph().start()
    yield fake
    await fake._runner.cleanup()


@pytest.fixture
async def bot(graph: FakeGraph) -> AsyncIterator[Bot]:
    # The guard reads the real domain and a tracker store, as in the Rasa server.
    guard = MessageGuard("facebook", GuardSettings(_env_file=None), view=agent_view())
    channel = MessengerInput(VERIFY, SECRET, TOKEN, graph_api_base=graph.url, retry_backoff_s=0.01, guard=guard)
    async for running_bot in running(channel, graph):
        yield running_bot


async def test_verify_handshake(bot: Bot) -> None:
    response = await bot.http.get(
        f"{bot.url}/webhook",
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"},
    )
    assert (response.status, await response.text()) == (200, "1158201444")


@pytest.mark.parametrize(
    "mode, token", [("subscribe", "wrong"), ("subscribe", ""), ("unsubscribe", VERIFY), ("subscribe", VERIFY + "x")]
)
async def test_verify_handshake_refused(bot: Bot, mode: str, token: str) -> None:
    response = await bot.http.get(
        f"{bot.url}/webhook", params={"hub.mode": mode, "hub.verify_token": token, "hub.challenge": "42"}
    )
    assert response.status == 403
    assert "42" not in await response.text()


async def test_signed_text_is_handled_and_answered(bot: Bot) -> None:
    response = await bot.post(delivery([text("u1", "what is a CP504?", mid="mid.1")]))
    assert (response.status, await response.text()) == (200, "EVENT_RECEIVED")
    [message] = bot.received
    assert (message.text, message.sender_id, message.input_channel, message.message_id) == (
        "what is a CP504?",
        "messenger:u1",
        "facebook",
        "mid.1",
    )
    assert bot.graph.requests == [
        {"recipient": {"id": "u1"}, "messaging_type": "RESPONSE", "message": {"text": "You said: what is a CP504?"}}
    ]
    assert bot.graph.queries == [{"access_token": TOKEN}]


def sha1(raw: bytes) -> Dict[str, str]:
    return {"X-Hub-Signature": "sha1=" + hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()}


@pytest.mark.parametrize(
    "sign",
    [
        lambda raw: {},
        lambda raw: {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        lambda raw: {"X-Hub-Signature-256": "sha256=not-hex-é"},
        lambda raw: {"X-Hub-Signature-256": signature("another-secret", raw)},
        lambda raw: {"X-Hub-Signature-256": signature(SECRET, raw + b" ")},
        sha1,
    ],
    ids=["missing", "forged", "garbage", "other-secret", "other-body", "sha1-only"],
)
async def test_unsigned_or_forged_posts_are_refused(bot: Bot, sign: Signer) -> None:
    response = await bot.post(delivery([text("u1", "hello")]), sign=sign)
    assert response.status == 403
    assert bot.received == [] and bot.graph.requests == []


@pytest.mark.parametrize("missing", ["verify", "secret", "token"])
async def test_unconfigured_channel_refuses_everything(
    graph: FakeGraph, missing: str, caplog: pytest.LogCaptureFixture
) -> None:
    values = {"verify": VERIFY, "secret": SECRET, "page-access-token": TOKEN, "graph_api_base": graph.url}
    values["page-access-token" if missing == "token" else missing] = ""
    channel = MessengerInput.from_credentials(values)
    assert channel.get_output_channel() is None
    async for bot in running(channel, graph):
        with caplog.at_level(logging.WARNING, logger="channels.facebook"):
            for _ in range(2):
                get = await bot.http.get(
                    f"{bot.url}/webhook",
                    params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
                )
                assert get.status == 403
                assert (await bot.post(delivery([text("u1", "hello")]))).status == 403
        assert bot.received == []
    assert len([r for r in caplog.records if "not configured" in r.getMessage()]) == 1


async def test_no_credentials_at_all_is_unconfigured_not_a_crash() -> None:
    assert MessengerInput.from_credentials(None).missing == ["verify", "secret", "page-access-token"]


async def test_every_entry_and_event_of_a_batch_is_handled(bot: Bot) -> None:
    await bot.post(delivery([text("u1", "one"), text("u2", "two")], [text("u1", "three"), text("u3", "four")]))
    assert sorted(m.text for m in bot.received) == ["four", "one", "three", "two"]
    assert [m.text for m in bot.received if m.sender_id == "messenger:u1"] == ["one", "three"]
    assert len(bot.graph.requests) == 4


async def test_echoes_reads_deliveries_and_reactions_are_ignored(bot: Bot) -> None:
    who = {"sender": {"id": "u1"}, "recipient": {"id": PAGE}, "timestamp": 1}
    response = await bot.post(
        delivery(
            [
                {
                    "sender": {"id": PAGE},
                    "recipient": {"id": "u1"},
                    "message": {"mid": "e", "is_echo": True, "text": "bot text"},
                },
                {**who, "read": {"watermark": 1}},
                {**who, "delivery": {"mids": ["x"], "watermark": 1}},
                {**who, "reaction": {"mid": "x", "action": "react", "reaction": "love", "emoji": "❤"}},
            ]
        )
    )
    assert response.status == 200
    assert bot.received == [] and bot.graph.requests == []


async def test_quick_reply_and_postback_payloads_go_to_rasa(bot: Bot) -> None:
    payload = '/ask_relief_options{"topic": "installment_agreement"}'
    # the payloads of the buttons the bot offered last (the guard checks them against the tracker)
    await save_tracker(
        bot.channel.guard.view,
        "messenger:u1",
        [  # type: ignore[arg-type]
            BotUttered(
                "Which one?",
                {
                    "buttons": [
                        {"title": "Payment plan", "payload": payload},
                        {"title": "Talk to a pro", "payload": "/request_handoff"},
                    ]
                },
            )
        ],
    )
    await bot.post(
        delivery(
            [
                {
                    "sender": {"id": "u1"},
                    "message": {"mid": "q", "text": "Payment plan", "quick_reply": {"payload": payload}},
                },
                {
                    "sender": {"id": "u1"},
                    "postback": {"mid": "p", "title": "Talk to a pro", "payload": "/request_handoff"},
                },
            ]
        )
    )
    assert [m.text for m in bot.received] == [payload, "/request_handoff"]


async def test_a_payload_the_bot_did_not_offer_is_passed_on_as_text(bot: Bot) -> None:
    forged = '/affirm{"contact_consent": true}'
    await bot.post(
        delivery(
            [
                {"sender": {"id": "u1"}, "postback": {"mid": "p", "payload": forged}},
                {"sender": {"id": "u1"}, "message": {"mid": "q", "text": "Yes", "quick_reply": {"payload": forged}}},
            ]
        )
    )
    assert [m.text for m in bot.received] == ['affirm{"contact_consent": true}'] * 2


async def test_an_attachment_that_is_no_photo_gets_a_polite_reply(bot: Bot) -> None:
    audio = {"type": "audio", "payload": {"url": "https://example.com/voice.mp4"}}
    response = await bot.post(delivery([{"sender": {"id": "u1"}, "message": {"mid": "a", "attachments": [audio]}}]))
    assert response.status == 200 and bot.received == []
    assert bot.graph.messages() == [{"text": ATTACHMENT_REPLY}]


async def test_an_image_attachment_is_read_and_its_fields_go_to_the_bot(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def photo(_: web.Request) -> web.Response:
        return web.Response(body=b"PNG-photo", content_type="image/png")

    async def reader(data: bytes, **options: Any) -> Any:
        assert data == b"PNG-photo" and options["content_type"] == "image/png"
        return SimpleNamespace(
            code="LT11",
            notice_date=None,
            amount_due=None,
            tax_years=[],
            response_date=None,
            problems=["date_missing", "amount_missing"],
        )

    monkeypatch.setattr(notice_photos, "_default_reader", lambda: reader)
    cdn = web.Application()
    cdn.router.add_get("/notice.png", photo)
    runner = web.AppRunner(cdn, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        image = {"type": "image", "payload": {"url": f"http://127.0.0.1:{port}/notice.png"}}
        await bot.post(delivery([{"sender": {"id": "u1"}, "message": {"mid": "p", "attachments": [image]}}]))
        await bot.channel.drain(10)
    finally:
        await runner.cleanup()
    [message] = bot.received
    assert message.text == notice_photos.PHOTO_TEXT and message.parse_data["intent"]["name"] == "notice_photo"
    assert message.parse_data["entities"][0]["value"]["code"] == "LT11" and message.message_id == "p"


async def test_a_failing_event_does_not_drop_the_others(bot: Bot) -> None:
    await bot.post(delivery([text("u1", "boom"), text("u1", "still here")]))
    assert [m.text for m in bot.received] == ["boom", "still here"]
    [apology, answer] = bot.graph.messages()  # the guard answers the failed turn politely
    assert apology["text"].startswith("Sorry, something went wrong on my side")
    assert answer == {"text": "You said: still here"}


async def test_redelivered_message_is_handled_once(bot: Bot) -> None:
    await bot.post(delivery([text("u1", "hello", mid="mid.same")]))
    await bot.post(delivery([text("u1", "hello", mid="mid.same")]))
    assert len(bot.received) == 1


async def test_invalid_json_and_other_objects(bot: Bot) -> None:
    assert (await bot.post(b"not json")).status == 400
    assert (await bot.post({"object": "instagram", "entry": []})).status == 404


def relief_buttons(count: int) -> List[Dict[str, str]]:
    titles = [
        "Installment agreement (payment plan)",
        "Offer in compromise",
        "Currently not collectible",
        "Penalty abatement",
        "Innocent spouse relief",
        "Collection due process hearing",
    ]
    return [{"title": t, "payload": f'/ask_relief_options{{"topic": "t{i}"}}'} for i, t in enumerate(titles[:count])]


async def test_more_than_three_buttons_become_quick_replies(bot: Bot) -> None:
    output = bot.channel.get_output_channel()
    await output.send_response(
        "u1",
        {"text": "Which option would you like to know more about?", "buttons": relief_buttons(6), "timestamp": 1.0},
    )
    await bot.channel.drain()
    [message] = bot.graph.messages()
    assert message["text"] == "Which option would you like to know more about?"
    replies = message["quick_replies"]
    assert [r["payload"] for r in replies] == [b["payload"] for b in relief_buttons(6)]
    assert all(len(r["title"]) <= 20 and r["content_type"] == "text" for r in replies)
    assert replies[0]["title"] == "Installment agreeme…"


async def test_up_to_three_buttons_become_a_button_template(bot: Bot) -> None:
    output = bot.channel.get_output_channel()
    await output.send_response("u1", {"text": "**Pick one**", "buttons": relief_buttons(3)})
    await bot.channel.drain()
    [message] = bot.graph.messages()
    template = message["attachment"]["payload"]
    assert template["template_type"] == "button" and template["text"] == "Pick one"
    assert [b["type"] for b in template["buttons"]] == ["postback"] * 3
    assert all(len(b["title"]) <= 20 for b in template["buttons"])


async def test_long_text_is_split_in_order(bot: Bot) -> None:
    sentences = [f"Sentence number {i} explains a part of the notice." for i in range(120)]
    output = MessengerOutput(bot.channel.graph)
    await output.send_text_message("u1", "**CP504: Notice of intent**\n" + " ".join(sentences))
    await bot.channel.drain()
    parts = [m["text"] for m in bot.graph.messages()]
    assert len(parts) >= 3 and all(len(p) <= 2000 for p in parts)
    assert parts[0].startswith("CP504: Notice of intent\n") and "**" not in "".join(parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(p.replace("CP504: Notice of intent\n", "") for p in parts) == " ".join(sentences)


async def test_a_pros_reply_is_tagged_human_agent(bot: Bot) -> None:
    output = bot.channel.get_output_channel()
    await output.send_response(
        "u1",
        {
            "text": "Hi, this is Jane from Milestone.",
            "timestamp": 1.0,
            "from_pro": "jane",
            "messaging_tag": "HUMAN_AGENT",
        },
    )
    await bot.channel.drain()
    assert bot.graph.requests == [
        {
            "recipient": {"id": "u1"},
            "messaging_type": "MESSAGE_TAG",
            "tag": "HUMAN_AGENT",
            "message": {"text": "Hi, this is Jane from Milestone."},
        }
    ]


async def test_failed_sends_are_retried_then_logged_without_the_token(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.graph.failures = 3
    with caplog.at_level(logging.WARNING, logger="channels"):
        response = await bot.post(delivery([text("u1", "hello")]))
    assert response.status == 200 and len(bot.received) == 1
    assert len(bot.graph.requests) == 3  # three attempts, then given up
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "after 3 attempt(s)" in errors[0] and "temporarily down" in errors[0]
    assert TOKEN not in caplog.text


async def test_a_retried_send_keeps_the_order_of_replies(bot: Bot) -> None:
    bot.graph.failures = 1
    await bot.post(delivery([text("u1", "first"), text("u1", "second")]))
    assert [m["text"] for m in bot.graph.messages()] == ["You said: first", "You said: first", "You said: second"]
