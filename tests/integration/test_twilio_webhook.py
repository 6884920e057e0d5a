"""End to end over SMS: the real Rasa server and action server with the custom Twilio channel.

Signed webhooks go to ``/webhooks/twilio/webhook``; the channel sends its replies to a local fake
Twilio API (``api_base_url``), which records them.
"""
from __future__ import annotations

import itertools
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, List, Optional

import pytest
from twilio.request_validator import RequestValidator

from actions.knowledge.store import cached_knowledge
from actions.store.db import Database
from actions.store.optouts import OptOutRepository
from tests.integration.receiver import Receiver
from tests.integration.servers import Bot
from tests.integration.shared_bot import ACCOUNT_SID, AUTH_TOKEN, MESSAGES_PATH, TWILIO_NUMBER, SharedBot

pytestmark = pytest.mark.model

QUIET_S = 6.0  # how long "no message" is waited for


class Sms:
    """Talks to the running bot like Twilio does, and reads what it texted back."""

    def __init__(self, bot: Bot, twilio: Receiver, database_url: str) -> None:
        self.bot, self.twilio, self.database_url = bot, twilio, database_url
        self.webhook = f"{bot.url}/webhooks/twilio/webhook"

    def post(self, phone: str, body: str, token: str = AUTH_TOKEN) -> int:
        """Send an inbound SMS webhook signed with ``token``; returns the HTTP status."""
        fields = {"MessageSid": f"SM{random.getrandbits(128):032x}", "AccountSid": ACCOUNT_SID,
                  "From": phone, "To": TWILIO_NUMBER, "Body": body, "NumMedia": "0", "FromCity": ""}
        signature = RequestValidator(token).compute_signature(self.webhook, fields)
        request = urllib.request.Request(self.webhook, data=urllib.parse.urlencode(fields).encode(),
                                         headers={"X-Twilio-Signature": signature})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.headers["Content-Type"].startswith("text/xml")
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def push(self, phone: str, text: str) -> None:
        """Send a bot message into the conversation like the agent desk (a tax pro's reply).

        The ``+`` of the phone number stays literal: Rasa's Sanic does not decode ``%2B`` in the path.
        """
        url = (f"{self.bot.url}/conversations/sms:{urllib.parse.quote(phone, safe='+')}/tracker/events"
               "?execute_side_effects=true&output_channel=twilio")
        request = urllib.request.Request(url, data=json.dumps({"event": "bot", "text": text}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200

    def texts_to(self, phone: str) -> List[Dict[str, str]]:
        """Every message sent to ``phone`` so far (To, From, Body)."""
        sent = [{key: values[0] for key, values in urllib.parse.parse_qs(item.body.decode()).items()}
                for item in self.twilio.on(MESSAGES_PATH)]
        return [fields for fields in sent if fields.get("To") == phone]

    def wait_for(self, phone: str, needle: str, after: int = 0, timeout_s: float = 30.0) -> Optional[str]:
        """The first body (from message number ``after`` on) containing ``needle``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for fields in self.texts_to(phone)[after:]:
                if needle in fields["Body"]:
                    return fields["Body"]
            time.sleep(0.1)
        return None


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


def test_stop_is_honoured(sms: Sms) -> None:
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
    sms.push(phone, "A tax pro again")
    time.sleep(QUIET_S)
    assert len(sms.texts_to(phone)) == after_stop
    assert sms.post(phone, "START") == 200
    assert sms.wait_for(phone, "subscribed to", after=after_stop) is not None
    assert sms.post(phone, "what is a CP504?") == 200
    assert sms.wait_for(phone, "CP504: Notice of intent to seize", after=after_stop) is not None
