"""The Twilio channel's webhook in a real Sanic server, with a stub bot and a fake Twilio API."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, AsyncIterator, Dict, List, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels import notice_photos
from channels.guard import MessageGuard
from channels.guard_settings import GuardSettings
from channels.sms.keywords import start_reply, stop_reply
from channels.twilio import EMPTY_TWIML, TwilioInput
from settings.assistant import Settings
from store.db import get_database
from store.optouts import OptOutRepository
from tests.channels.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, FakeTwilio
from tests.channels.test_guard import agent_view
from tests.sanic_app import serving

PHONE = "+15125550142"
FIRM = "Milestone Tax Solutions"
SENTENCE = "The IRS sends this notice when a balance is still unpaid. "
MENU = {
    "text": "What next?",
    "buttons": [
        {"title": "My options", "payload": "/ask_relief_options"},
        {"title": "Talk to a tax pro", "payload": "/request_human"},
    ],
}


class StubBot:
    """Stands in for Rasa: records messages and answers from a script through the output channel."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []
        self.replies: Dict[str, List[Dict[str, Any]]] = {"hello": [{"text": "Hi **there**!"}]}
        self.fail = False

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.fail:
            raise RuntimeError("the turn failed")
        for reply in self.replies.get(message.text or "", []):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def texts(self) -> List[Optional[str]]:
        return [message.text for message in self.messages]


class Harness:
    """A running webhook: post signed (or forged) Twilio requests and look at what happened."""

    def __init__(
        self, url: str, channel: TwilioInput, bot: StubBot, twilio: FakeTwilio, http: aiohttp.ClientSession
    ) -> None:
        self.url, self.channel, self.bot, self.twilio, self.http = url, channel, bot, twilio, http
        self.webhook = f"{url}/webhooks/twilio/webhook"

    async def post(
        self,
        fields: Dict[str, str],
        signed_url: Optional[str] = None,
        token: str = AUTH_TOKEN,
        signature: Optional[str] = "compute",
        query: str = "",
    ) -> aiohttp.ClientResponse:
        """POST a form like Twilio does; the signature is computed for ``signed_url`` with ``token``."""
        url = self.webhook + (f"?{query}" if query else "")
        if signature == "compute":
            signature = RequestValidator(token).compute_signature(signed_url or url, fields)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        response = await self.http.post(url, data=fields, headers=headers)
        await response.read()
        return response

    async def say(self, body: str, phone: str = PHONE, **extra: str) -> aiohttp.ClientResponse:
        """An SMS from ``phone``; waits until the replies are sent."""
        response = await self.post(inbound(body, phone, **extra))
        await self.settle()
        return response

    async def settle(self) -> None:
        if self.channel.sender is not None:
            await self.channel.sender.drain(5)


def inbound(body: str, phone: str = PHONE, **extra: str) -> Dict[str, str]:
    """The fields of an inbound SMS webhook (blank ones included, as Twilio sends them), each with
    its own MessageSid (the channel answers a MessageSid once)."""
    fields = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": ACCOUNT_SID,
        "From": phone,
        "To": TWILIO_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "FromCity": "",
        "FromZip": "",
        "FromState": "TX",
        "FromCountry": "US",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    fields.update(extra)
    return fields


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'cases.db'}",
        firm_name=FIRM,
        firm_phone="(512) 555-0100",
        firm_email="help@milestonetax.example",
        firm_website="https://milestonetax.example",
        handoff_webhook_url=None,
        smtp_host=None,
    )


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    fake = await FakeTwilio().start()
    yield fake
    await fake.stop()


@asynccontextmanager
async def serve(channel: TwilioInput, twilio: FakeTwilio) -> AsyncIterator[Harness]:
    """The channel's blueprint in a minimal Sanic app on a free loopback port."""
    bot = StubBot()
    app = Sanic("twilio_test")
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/twilio")
    # Leaving `serving` runs the channel's before_stop listener: it drains and closes the sender.
    async with serving(app) as url, aiohttp.ClientSession() as http:
        yield Harness(url, channel, bot, twilio, http)


def make_channel(settings: Settings, twilio: FakeTwilio, **options: Any) -> TwilioInput:
    options.setdefault("send_backoff_s", 0.01)
    # The guard reads the real domain (as in the Rasa server): "/request_human" is an intent the
    # channels send themselves, so a menu choice of it passes.
    options.setdefault("guard", MessageGuard("twilio", GuardSettings(_env_file=None), view=agent_view()))
    return TwilioInput(ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, api_base_url=twilio.url, settings=settings, **options)


@pytest.fixture
async def harness(settings: Settings, twilio: FakeTwilio) -> AsyncIterator[Harness]:
    async with serve(make_channel(settings, twilio), twilio) as running:
        yield running


def opted_out(settings: Settings) -> bool:
    return OptOutRepository(get_database(settings.database_url)).is_opted_out(PHONE)


async def test_a_signed_message_reaches_the_bot_and_the_reply_is_sent(harness: Harness) -> None:
    response = await harness.say("hello", MessageSid="SM" + "a" * 32)
    assert response.status == 200 and response.content_type == "text/xml"
    assert await response.text() == EMPTY_TWIML
    [message] = harness.bot.messages
    assert (message.text, message.sender_id, message.input_channel) == ("hello", f"sms:{PHONE}", "twilio")
    assert message.output_channel.name() == "twilio"
    assert message.metadata == {"twilio": {"message_sid": "SM" + "a" * 32, "num_media": 0}, "language": "en"}
    [sent] = harness.twilio.sent
    assert (sent.to, sent.from_, sent.body) == (PHONE, TWILIO_NUMBER, "Hi there!")
    assert (sent.account, sent.password) == (ACCOUNT_SID, AUTH_TOKEN)


@pytest.mark.parametrize("case", ["missing", "forged", "other token", "tampered", "other url"])
async def test_unsigned_or_forged_requests_are_refused(harness: Harness, case: str) -> None:
    fields = inbound("hello")
    if case == "missing":
        response = await harness.post(fields, signature=None)
    elif case == "forged":
        response = await harness.post(fields, signature="bm90IGEgc2lnbmF0dXJl")
    elif case == "other token":
        response = await harness.post(fields, token="someone-elses-token")
    elif case == "tampered":
        signature = RequestValidator(AUTH_TOKEN).compute_signature(harness.webhook, inbound("hi"))
        response = await harness.post(fields, signature=signature)
    else:
        response = await harness.post(fields, signed_url="https://evil.example/webhooks/twilio/webhook")
    assert response.status == 403
    await harness.settle()
    assert harness.bot.messages == [] and harness.twilio.attempts == []


async def test_an_unconfigured_channel_refuses_everything_and_warns_once(
    settings: Settings, twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    channel = TwilioInput.from_credentials(
        {"account_sid": "", "auth_token": "", "twilio_number": "", "public_base_url": ""}
    )
    assert not channel.configured and channel.sender is None
    async with serve(channel, twilio) as running:
        for _ in range(2):
            assert (await running.post(inbound("hello"))).status == 403
        async with running.http.get(f"{running.url}/webhooks/twilio/") as health:
            assert (await health.json())["status"] == "not configured"
    assert running.bot.messages == []
    assert caplog.text.count("the twilio channel is not configured") == 1
    await channel.get_output_channel().send_text_message(PHONE, "pushed")  # dropped, no crash
    assert not TwilioInput.from_credentials(None).configured
    assert not TwilioInput.from_credentials(
        {"account_sid": ACCOUNT_SID, "auth_token": "", "twilio_number": TWILIO_NUMBER}
    ).configured


async def test_credentials_configure_the_channel(twilio: FakeTwilio) -> None:
    channel = TwilioInput.from_credentials(
        {
            "account_sid": ACCOUNT_SID,
            "auth_token": AUTH_TOKEN,
            "twilio_number": TWILIO_NUMBER,
            "api_base_url": twilio.url,
        }
    )
    assert channel.configured and channel.name() == "twilio"


async def test_behind_a_proxy_the_public_url_is_validated(settings: Settings, twilio: FakeTwilio) -> None:
    channel = make_channel(settings, twilio, public_base_url="https://sms.example.com/")
    async with serve(channel, twilio) as running:
        public = "https://sms.example.com/webhooks/twilio/webhook?case=7"
        assert (await running.post(inbound("hello"), signed_url=public, query="case=7")).status == 200
        assert (await running.post(inbound("hello"), query="case=7")).status == 403  # signed for the local URL
        await running.settle()
        assert running.bot.texts == ["hello"]


async def test_buttons_are_a_numbered_list_and_a_number_picks_the_payload(harness: Harness) -> None:
    harness.bot.replies["hi"] = [MENU]
    await harness.say("hi")
    assert harness.twilio.bodies() == ["What next?\nReply 1 for My options, 2 for Talk to a tax pro."]
    await harness.say(" #2 ")
    assert harness.bot.texts[-1] == "/request_human"
    await harness.say("2")  # the menu was used up
    assert harness.bot.texts[-1] == "2"
    await harness.say("hi")
    await harness.say("what is a levy?")
    await harness.say("1")
    assert harness.bot.texts[-2:] == ["what is a levy?", "1"]


async def test_typed_intents_are_passed_as_plain_text(harness: Harness) -> None:
    await harness.say('/request_human{"phone": "+15125550000"}')
    assert harness.bot.texts == ['request_human{"phone": "+15125550000"}']


async def test_stop_is_recorded_confirmed_once_and_silences_the_number(
    harness: Harness, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="channels")
    assert (await harness.say("Stop")).status == 200
    assert opted_out(settings)
    assert harness.twilio.bodies() == [stop_reply(FIRM)]
    for text in ("hello", "STOP", "help", "cancel"):
        assert (await harness.say(text)).status == 200
    await harness.channel.get_output_channel().send_text_message(PHONE, "A tax pro's reply")
    await harness.settle()
    assert harness.bot.messages == []
    assert harness.twilio.bodies() == [stop_reply(FIRM)]
    assert "Dropped an SMS to +*******0142" in caplog.text and "Ignored an SMS from +*******0142" in caplog.text


@pytest.mark.parametrize("word", ["START", "unstop", "Yes"])
async def test_start_opts_back_in(harness: Harness, settings: Settings, word: str) -> None:
    await harness.say("STOP")
    await harness.say(word)
    assert not opted_out(settings)
    await harness.say("hello")
    assert harness.bot.texts == ["hello"]
    assert harness.twilio.bodies() == [stop_reply(FIRM), start_reply(FIRM), "Hi there!"]


async def test_yes_is_an_answer_unless_opted_out(harness: Harness) -> None:
    await harness.say("yes")
    await harness.say("START")
    assert harness.bot.texts == ["yes"]
    assert harness.twilio.bodies() == [start_reply(FIRM)]


async def test_help_names_the_firm_and_its_contacts(harness: Harness) -> None:
    await harness.say("HELP")
    [text] = harness.twilio.bodies()
    for part in (
        FIRM,
        "(512) 555-0100",
        "help@milestonetax.example",
        "https://milestonetax.example",
        "Reply STOP to unsubscribe.",
    ):
        assert part in text
    assert harness.bot.messages == []


async def fake_reader(data: bytes, **options: Any) -> Any:
    """Stands in for the notice reader: a clear CP504 when given the test photo."""
    assert data == b"JPEG-photo" and options["content_type"] == "image/jpeg"
    return SimpleNamespace(
        code="CP504",
        notice_date=dt.date(2026, 10, 1),
        amount_due=Decimal("6312.45"),
        tax_years=[2023],
        response_date=None,
        problems=[],
    )


async def test_an_mms_photo_is_fetched_with_the_account_and_its_fields_go_to_the_bot(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notice_photos, "_default_reader", lambda: fake_reader)
    harness.twilio.media["ME1"] = (b"JPEG-photo", "image/jpeg")
    response = await harness.say(
        "", NumMedia="1", MediaUrl0=harness.twilio.media_url("ME1"), MediaContentType0="image/jpeg"
    )
    assert response.status == 200  # the blank Body is part of the signature
    [message] = harness.bot.messages
    assert message.text == notice_photos.PHOTO_TEXT and message.parse_data["intent"]["name"] == "notice_photo"
    assert message.parse_data["entities"][0]["value"]["code"] == "CP504"
    assert message.metadata["twilio"]["num_media"] == 1 and harness.twilio.media_fetches == ["ME1"]


async def test_mms_media_elsewhere_than_twilio_is_not_fetched(harness: Harness) -> None:
    await harness.say(
        "hello",
        NumMedia="2",
        MediaUrl0="https://evil.example/ME1",
        MediaUrl1=harness.twilio.media_url("ME2"),
        MediaContentType1="video/mp4",
    )
    [message] = harness.bot.messages
    assert message.parse_data["entities"][0]["value"] == {"error": "not_supported"}
    assert harness.twilio.media_fetches == []


async def test_a_long_reply_is_split_in_order(harness: Harness) -> None:
    harness.bot.replies["long"] = [{"text": SENTENCE * 60}]
    await harness.say("long")
    bodies = harness.twilio.bodies()
    assert len(bodies) == 3 and all(len(body) <= 1600 for body in bodies)
    assert " ".join(bodies) == (SENTENCE * 60).strip()


async def test_images_and_custom_payloads_degrade_to_text(harness: Harness) -> None:
    harness.bot.replies["pic"] = [
        {"text": "See the sample", "image": "https://example.com/cp504.png"},
        {"custom": {"text": "Call us", "url": "https://example.com"}},
        {"custom": {"blocks": [1, 2]}},
    ]
    await harness.say("pic")
    assert harness.twilio.bodies() == [
        "See the sample",
        "https://example.com/cp504.png",
        "Call us\nhttps://example.com",
    ]


async def test_failed_sends_are_retried_then_logged_and_the_webhook_still_answers(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.twilio.statuses = [500, 500, 500]
    response = await harness.say("hello")
    assert response.status == 200 and await response.text() == EMPTY_TWIML
    assert [attempt["Body"] for attempt in harness.twilio.attempts] == ["Hi there!"] * 3
    assert harness.twilio.sent == []
    assert "Could not send an SMS to +*******0142 after 3 attempt(s)" in caplog.text
    assert AUTH_TOKEN not in caplog.text and PHONE not in caplog.text


async def test_the_webhook_does_not_wait_for_twilio(harness: Harness) -> None:
    harness.twilio.delay_s = 1.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await harness.post(inbound("hello"))
    assert response.status == 200 and loop.time() - started < 0.8
    assert harness.channel.sender.pending == 1
    await harness.settle()
    assert harness.twilio.bodies() == ["Hi there!"]


async def test_a_failing_turn_is_logged_and_still_answered(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.bot.fail = True
    response = await harness.say("hello")
    assert response.status == 200 and await response.text() == EMPTY_TWIML
    assert "twilio could not handle a message" in caplog.text and "0142" not in caplog.text
    [reply] = harness.twilio.bodies()  # the guard's polite technical-problem reply, SMS wording
    assert reply.startswith("Sorry, something went wrong on my side") and 'reply "talk to a tax pro"' in reply


async def test_an_ssn_is_masked_and_the_user_told_by_sms(harness: Harness) -> None:
    await harness.say("my ssn is 123 45 6789", MessageSid="SM" + "a" * 32)
    assert harness.bot.texts == ["my ssn is [SSN removed]"]
    assert harness.bot.messages[0].metadata == {
        "twilio": {"message_sid": "SM" + "a" * 32, "num_media": 0},
        "pii_removed": ["ssn"],
        "language": "en",
    }
    [notice] = harness.twilio.bodies()
    assert "removed the Social Security number" in notice and "don't text SSNs" in notice


async def test_a_sender_that_is_not_a_phone_number_is_ignored(harness: Harness) -> None:
    response = await harness.say("hello", phone="whatsapp:+15125550142")
    assert response.status == 200 and harness.bot.messages == []


async def test_stopping_the_server_waits_for_queued_messages(settings: Settings, twilio: FakeTwilio) -> None:
    twilio.delay_s = 0.3
    async with serve(make_channel(settings, twilio), twilio) as running:
        await running.post(inbound("hello"))
        assert running.channel.sender.pending == 1
    assert twilio.bodies() == ["Hi there!"]
