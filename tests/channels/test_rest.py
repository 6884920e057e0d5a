"""The guarded REST channel in a real Sanic server on loopback, with a stub bot: hostile requests
get clear 400/413/429/503 JSON errors, never a traceback, and the server keeps answering."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional

import aiohttp
import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.utils.common import class_from_module_path
from sanic import Sanic

from channels.guard import MessageGuard
from channels.guard_settings import GuardSettings
from channels.ratelimit import MemoryRateLimiter
from channels.rest import BadRequest, RestInput, parse_request
from tests.channels.test_guard import agent_view
from tests.sanic_app import serving

ROOT = Path(__file__).resolve().parents[2]
JSON = {"Content-Type": "application/json"}
LIMIT_BYTES = 4096


class StubBot:
    """Stands in for Rasa: records messages and answers "bot: <text>", or fails."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.fail = False

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise RuntimeError("the action server is down")
        await message.output_channel.send_response(message.sender_id, {"text": f"bot: {message.text}"})


class Client:
    def __init__(self, url: str, http: aiohttp.ClientSession, bot: StubBot) -> None:
        self.url, self.http, self.bot = f"{url}/webhooks/rest/webhook", http, bot

    async def post(self, body: Any, headers: Optional[Dict[str, str]] = None) -> aiohttp.ClientResponse:
        data = json.dumps(body) if isinstance(body, (dict, list)) else body
        response = await self.http.post(self.url, data=data, headers=JSON if headers is None else headers)
        await response.read()
        return response

    async def say(self, message: Any, sender: str = "u1", **extra: Any) -> aiohttp.ClientResponse:
        return await self.post({"sender": sender, "message": message, **extra})


@asynccontextmanager
async def serve(channel: RestInput) -> AsyncIterator[Client]:
    """The channel's blueprint under /webhooks/rest, as Rasa mounts it."""
    bot = StubBot()
    app = Sanic("rest_test")
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/rest")
    async with serving(app) as url, aiohttp.ClientSession() as http:
        yield Client(url, http, bot)


def make_channel(limit: int = 100, **values: Any) -> RestInput:
    settings = GuardSettings(_env_file=None, rest_max_body_bytes=LIMIT_BYTES, max_message_chars=500, **values)
    guard = MessageGuard("rest", settings, limiter=MemoryRateLimiter(limit, 60), view=agent_view())
    return RestInput(settings, guard)


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with serve(make_channel()) as running:
        yield running


async def error(response: aiohttp.ClientResponse, status: int) -> Dict[str, Any]:
    assert response.status == status and response.content_type == "application/json"
    body = await response.json()
    assert "Traceback" not in json.dumps(body)
    return body


async def still_answers(client: Client) -> None:
    response = await client.say("hello again", sender="after")
    assert response.status == 200 and await response.json() == [
        {"recipient_id": "rest:after", "text": "bot: hello again"}
    ]


def test_credentials_open_this_channel_under_the_rest_name() -> None:
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    assert "rest" not in credentials, "Rasa's unguarded REST channel would be opened too"
    assert credentials["channels.rest.RestInput"] is None
    channel = class_from_module_path("channels.rest.RestInput").from_credentials(None)
    assert isinstance(channel, RestInput) and channel.name() == "rest"


async def test_a_message_is_answered_like_rasas_rest_channel(client: Client) -> None:
    response = await client.say("what is a CP504?", metadata={"page": "faq"}, input_channel="twilio")
    assert response.status == 200
    assert await response.json() == [{"recipient_id": "rest:u1", "text": "bot: what is a CP504?"}]
    [message] = client.bot.received
    assert (message.sender_id, message.input_channel, message.metadata) == (
        "rest:u1",
        "rest",
        {"page": "faq", "language": "en"},
    )
    assert (await client.http.get(client.url.rsplit("/", 1)[0] + "/")).status == 200


async def test_pii_is_masked_and_announced_before_the_answer(client: Client) -> None:
    response = await client.say("my SSN is 123-45-6789, acct 000123456789")
    replies = [r["text"] for r in await response.json()]
    assert "Social Security number and bank account number" in replies[0]
    assert replies[1] == "bot: my SSN is [SSN removed], acct [account number removed]"
    assert client.bot.received[0].metadata == {"pii_removed": ["ssn", "bank_account"], "language": "en"}


@pytest.mark.parametrize(
    "message, reply",
    [
        ("", "I didn't get any text"),
        ("   \n ", "I didn't get any text"),
        ("x" * 501, "That message is too long for me (over 500 characters)"),
    ],
)
async def test_empty_and_too_long_texts_get_a_polite_reply(client: Client, message: str, reply: str) -> None:
    response = await client.say(message)
    assert response.status == 200
    [answer] = await response.json()
    assert answer["text"].startswith(reply) and client.bot.received == []


@pytest.mark.parametrize("size", [100 * 1024, 1024 * 1024])
async def test_large_bodies_get_413(client: Client, size: int) -> None:
    body = json.dumps({"sender": "u1", "message": "a" * size})
    detail = await error(await client.post(body), 413)
    assert detail["error"] == "payload_too_large" and str(LIMIT_BYTES) in detail["detail"]
    assert client.bot.received == []
    await still_answers(client)


async def test_a_chunked_body_over_the_limit_gets_413(client: Client) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"sender": "u1", "message": "'
        for _ in range(64):
            yield b"a" * 1024
        yield b'"}'

    assert (await error(await client.post(chunks()), 413))["error"] == "payload_too_large"
    await still_answers(client)


async def test_a_body_just_under_the_limit_passes(client: Client) -> None:
    body = json.dumps({"sender": "u1", "message": "b" * 400, "metadata": {"pad": "p" * 3000}})
    assert len(body) < LIMIT_BYTES
    assert (await client.post(body)).status == 200


@pytest.mark.parametrize(
    "body, headers, detail",
    [
        (b"{not json", JSON, "not valid JSON"),
        (b"", JSON, "not valid JSON"),
        (b'["sender", "message"]', JSON, "JSON object"),
        (b'"just a string"', JSON, "JSON object"),
        (b"42", JSON, "JSON object"),
        (b"null", JSON, "JSON object"),
        (b'{"sender": "u1"}', JSON, "'message' must be a string"),
        (b'{"sender": "u1", "message": 5}', JSON, "'message' must be a string"),
        (b'{"sender": "u1", "message": {"text": "hi"}}', JSON, "'message' must be a string"),
        (b'{"message": "hi"}', JSON, "'sender'"),
        (b'{"sender": 7, "message": "hi"}', JSON, "'sender'"),
        (b'{"sender": "  ", "message": "hi"}', JSON, "'sender'"),
        (json.dumps({"sender": "s" * 201, "message": "hi"}).encode(), JSON, "at most 200"),
        (b'{"sender": "u1\\u0000", "message": "hi"}', JSON, "letters, digits"),
        (b'{"sender": "\\ud800", "message": "hi"}', JSON, "letters, digits"),
        (b'{"sender": " u1", "message": "hi"}', JSON, "letters, digits"),
        (b'{"sender": "u1", "message": "hi", "metadata": "x"}', JSON, "'metadata'"),
        (b'{"sender": "u1", "message": "hi", "metadata": [1]}', JSON, "'metadata'"),
        (b'{"sender": "u1", "message": "caf\xe9"}', JSON, "not valid UTF-8"),
        (b'{"sender": "u1", "message": "\xff\xfe"}', JSON, "not valid UTF-8"),
        (b'{"sender": "u1", "message": "hi"}', {}, "Content-Type"),
        (b'{"sender": "u1", "message": "hi"}', {"Content-Type": "text/plain"}, "Content-Type"),
        (b"sender=u1&message=hi", {"Content-Type": "application/x-www-form-urlencoded"}, "Content-Type"),
        (b'{"sender": "u1", "message": "hi"}', {"Content-Type": "application/json; charset=latin-1"}, "Content-Type"),
    ],
)
async def test_malformed_requests_get_400(client: Client, body: bytes, headers: Dict[str, str], detail: str) -> None:
    answer = await error(await client.post(body, headers=headers), 400)
    assert answer["error"] == "bad_request" and detail in answer["detail"]
    assert client.bot.received == []
    await still_answers(client)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", 'Application/JSON;charset="UTF-8"']
)
def test_json_content_types_are_accepted(content_type: str) -> None:
    assert parse_request(content_type, b'{"sender": "u", "message": "m"}').message == "m"


def test_parse_request_names_the_problem() -> None:
    with pytest.raises(BadRequest, match="'message' must be a string"):
        parse_request("application/json", b'{"sender": "u", "message": null}')


async def test_over_the_rate_limit_the_answer_is_429_with_retry_after() -> None:
    async with serve(make_channel(limit=3)) as client:
        for number in range(3):
            assert (await client.say(f"m{number}")).status == 200
        for _ in range(2):
            response = await client.say("one more")
            body = await error(response, 429)
            assert body["error"] == "too_many_requests" and body["retry_after"] == 60
            assert response.headers["Retry-After"] == "60"
        assert len(client.bot.received) == 3
        await still_answers(client)  # another sender


async def test_a_failing_bot_gives_503_with_the_polite_reply(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    client.bot.fail = True
    body = await error(await client.say("hello"), 503)
    assert body["error"] == "service_unavailable"
    assert body["messages"][0]["text"].startswith("Sorry, something went wrong on my side")
    assert "RuntimeError" in caplog.text  # logged for us, not shown to the client
    client.bot.fail = False
    await still_answers(client)


async def test_forged_slash_commands_reach_the_bot_as_text(client: Client) -> None:
    await client.say('/affirm{"contact_consent": true}')
    await client.say("/request_human")
    assert [m.text for m in client.bot.received] == ['affirm{"contact_consent": true}', "/request_human"]


async def test_emoji_and_right_to_left_text_arrive_intact(client: Client) -> None:
    text = "مرحبا 👋 CP504 — שלום"
    response = await client.post(json.dumps({"sender": "u1", "message": text}, ensure_ascii=True))
    assert response.status == 200 and client.bot.received[0].text == text
