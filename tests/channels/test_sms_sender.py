"""Background sending: in order per number, retried with backoff on 429/5xx/network errors, logged masked."""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, List

import pytest

from channels.sms.sender import TwilioSender, mask_sid
from tests.channels.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, FakeTwilio
from tests.integration.servers import free_port

PHONE, OTHER = "+15125550142", "+15125550143"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    fake = await FakeTwilio().start()
    yield fake
    await fake.stop()


def make_sender(api: str, **options) -> TwilioSender:
    options.setdefault("backoff_s", 0.01)
    return TwilioSender(ACCOUNT_SID, AUTH_TOKEN, TWILIO_NUMBER, api, **options)


async def test_sends_with_basic_auth_from_the_twilio_number(twilio: FakeTwilio) -> None:
    sender = make_sender(twilio.url)
    sender.enqueue(PHONE, "Hello")
    await sender.drain(5)
    await sender.aclose()
    [sent] = twilio.sent
    assert (sent.to, sent.from_, sent.body, sent.account, sent.password) == (
        PHONE,
        TWILIO_NUMBER,
        "Hello",
        ACCOUNT_SID,
        AUTH_TOKEN,
    )
    assert sender.pending == 0


async def test_enqueue_returns_at_once_and_keeps_order_per_number(twilio: FakeTwilio) -> None:
    twilio.delay_s = 0.05
    sender = make_sender(twilio.url)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for index in range(5):
        sender.enqueue(PHONE, f"part {index}")
        sender.enqueue(OTHER, f"other {index}")
    assert loop.time() - started < 0.05 and sender.pending == 10
    await sender.drain(10)
    await sender.aclose()
    assert twilio.bodies(PHONE) == [f"part {index}" for index in range(5)]
    assert twilio.bodies(OTHER) == [f"other {index}" for index in range(5)]


async def test_server_errors_are_retried_with_backoff(twilio: FakeTwilio, caplog: pytest.LogCaptureFixture) -> None:
    twilio.statuses = [500, 429]
    sender = make_sender(twilio.url)
    sender.enqueue(PHONE, "first")
    sender.enqueue(PHONE, "second")
    await sender.drain(5)
    await sender.aclose()
    assert twilio.bodies() == ["first", "second"]
    assert [attempt["Body"] for attempt in twilio.attempts] == ["first", "first", "first", "second"]
    assert "retrying" in caplog.text


async def test_gives_up_after_three_attempts_and_logs_masked(
    twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    twilio.statuses = [503, 503, 503]
    sender = make_sender(twilio.url)
    sender.enqueue(PHONE, "lost")
    sender.enqueue(PHONE, "next")
    await sender.drain(5)
    await sender.aclose()
    assert len(twilio.attempts) == 4 and twilio.bodies() == ["next"]
    assert "Could not send an SMS to +*******0142 after 3 attempt(s): HTTP 503, Twilio error 20500" in caplog.text
    assert PHONE not in caplog.text and AUTH_TOKEN not in caplog.text


@pytest.mark.parametrize("status", [400, 401, 404])
async def test_client_errors_are_not_retried(twilio: FakeTwilio, status: int, caplog: pytest.LogCaptureFixture) -> None:
    twilio.statuses = [status]
    sender = make_sender(twilio.url)
    sender.enqueue(PHONE, "once")
    await sender.drain(5)
    await sender.aclose()
    assert len(twilio.attempts) == 1 and twilio.sent == []
    assert f"after 1 attempt(s): HTTP {status}" in caplog.text


async def test_network_errors_are_retried_then_logged(caplog: pytest.LogCaptureFixture) -> None:
    sender = make_sender(f"http://127.0.0.1:{free_port()}")  # nobody listens
    sender.enqueue(PHONE, "unreachable")
    await sender.drain(5)
    await sender.aclose()
    assert "after 3 attempt(s): ClientConnectorError" in caplog.text
    assert AUTH_TOKEN not in caplog.text and PHONE not in caplog.text


async def test_may_send_can_drop_a_message_unless_forced(twilio: FakeTwilio, caplog: pytest.LogCaptureFixture) -> None:
    asked: List[str] = []

    async def may_send(phone: str) -> bool:
        asked.append(phone)
        return False

    caplog.set_level(logging.INFO, logger="channels")
    sender = make_sender(twilio.url, may_send=may_send)
    sender.enqueue(PHONE, "dropped")
    sender.enqueue(PHONE, "confirmation", force=True)
    await sender.drain(5)
    await sender.aclose()
    assert twilio.bodies() == ["confirmation"] and asked == [PHONE]
    assert "Dropped an SMS to +*******0142: the number opted out" in caplog.text


def test_mask_sid() -> None:
    assert mask_sid("SM0123456789abcdef0123456789abcdef") == "SM…cdef"
    assert mask_sid("short") == "…"
