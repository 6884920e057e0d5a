"""End to end over SMS: the real Rasa server and action server with the custom Twilio channel.

Signed webhooks go to ``/webhooks/twilio/webhook``; the channel sends its replies to a local fake
Twilio API (``api_base_url``), which records them.
"""

from __future__ import annotations

import itertools
import random
import time

import pytest

from knowledge.loader import cached_knowledge
from store.db import Database
from store.optouts import OptOutRepository
from tests.integration.channel_clients import Sms
from tests.integration.shared_bot import TWILIO_NUMBER, SharedBot

pytestmark = pytest.mark.model

QUIET_S = 6.0  # how long "no message" is waited for at most (until the bot logs that it dropped it)


_numbers = itertools.count(random.randrange(9_000))


def new_phone() -> str:
    """A phone number no other test of this run uses."""
    return f"+1737555{next(_numbers):04d}"


@pytest.fixture(scope="module")
def sms(shared_bot: SharedBot) -> Sms:
    return Sms(shared_bot.bot, shared_bot.services, shared_bot.database_url)


def test_a_notice_question_is_answered_with_the_sms_text(sms: Sms) -> None:
    phone = new_phone()
    assert sms.post(phone, "what is a CP504?") == 200
    notice = cached_knowledge().find_notice("CP504")
    body = sms.wait_for(phone, f"CP504: {notice.title}. Act by the date printed on it.")  # the short SMS answer
    assert body is not None and len(body) <= 1600
    sent = sms.texts_to(phone)
    assert all(len(fields["Body"]) <= 1600 and fields["From"] == TWILIO_NUMBER for fields in sent)
    assert not any("**" in fields["Body"] for fields in sent)


def test_a_forged_request_is_refused(sms: Sms) -> None:
    phone = new_phone()
    assert sms.post(phone, "what is a CP504?", token="not-the-auth-token") == 403
    time.sleep(2)
    assert sms.texts_to(phone) == []


def test_buttons_arrive_numbered_and_a_number_continues_the_conversation(sms: Sms) -> None:
    phone = new_phone()
    assert sms.post(phone, "what is a CP242 notice") == 200
    # The turn ends with the next step and its two buttons: the last menu is the one a number answers.
    menu = sms.wait_for(phone, "Reply 1 for More details, 2 for Talk to a tax pro.")
    assert menu is not None and "/request_human" not in menu and "/ask_more" not in menu
    assert sms.wait_for(phone, "I don't have CP242") is not None
    before = len(sms.texts_to(phone))
    assert sms.post(phone, "2") == 200
    assert sms.wait_for(phone, "full name", after=before) is not None, sms.texts_to(phone)[before:]


def test_stop_is_honoured(sms: Sms, shared_bot: SharedBot) -> None:
    phone = new_phone()
    assert sms.post(phone, "hi") == 200
    assert sms.wait_for(phone, "not tax or legal advice") is not None
    sms.push(phone, "A tax pro here: **happy to help**.")
    assert sms.wait_for(phone, "A tax pro here: happy to help.") is not None
    time.sleep(1)  # the rest of the greeting turn
    before = len(sms.texts_to(phone))
    assert sms.post(phone, "STOP") == 200
    assert sms.wait_for(phone, "You're unsubscribed from", after=before) is not None
    assert OptOutRepository(Database(sms.database_url)).is_opted_out(phone)
    after_stop = len(sms.texts_to(phone))
    assert sms.post(phone, "what is a CP504?") == 200
    sms.push_to_opted_out(phone, "A tax pro again", shared_bot.tmp / "rasa.log", QUIET_S)
    assert len(sms.texts_to(phone)) == after_stop
    assert sms.post(phone, "START") == 200
    assert sms.wait_for(phone, "subscribed to", after=after_stop) is not None
    assert sms.post(phone, "what is a CP504?") == 200
    assert sms.wait_for(phone, "CP504: Notice of intent to seize", after=after_stop) is not None
