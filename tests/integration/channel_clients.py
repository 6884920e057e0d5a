"""Clients that talk to the running bot the way Twilio and Facebook do, and read what it sent back
to their APIs (played by a :class:`~tests.integration.receiver.Receiver`)."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

from twilio.request_validator import RequestValidator

from channels.facebook import signature
from channels.sms.render import mask_phone
from tests.integration.receiver import Received, Receiver
from tests.integration.servers import Bot, wait_until
from tests.integration.shared_bot import ACCOUNT_SID, AUTH_TOKEN, GRAPH_PATH, MESSAGES_PATH, SECRET, TWILIO_NUMBER


class Sms:
    """Talks to the running bot like Twilio does, and reads what it texted back."""

    def __init__(self, bot: Bot, twilio: Receiver, database_url: str) -> None:
        self.bot, self.twilio, self.database_url = bot, twilio, database_url
        self.webhook = f"{bot.url}/webhooks/twilio/webhook"

    def post(self, phone: str, body: str, token: str = AUTH_TOKEN) -> int:
        """Send an inbound SMS webhook signed with ``token``; returns the HTTP status."""
        fields = {
            "MessageSid": f"SM{random.getrandbits(128):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": phone,
            "To": TWILIO_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "FromCity": "",
        }
        signature = RequestValidator(token).compute_signature(self.webhook, fields)
        request = urllib.request.Request(
            self.webhook, data=urllib.parse.urlencode(fields).encode(), headers={"X-Twilio-Signature": signature}
        )
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
        url = (
            f"{self.bot.url}/conversations/sms:{urllib.parse.quote(phone, safe='+')}/tracker/events"
            "?execute_side_effects=true&output_channel=twilio"
        )
        request = urllib.request.Request(
            url, data=json.dumps({"event": "bot", "text": text}).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200

    def push_to_opted_out(self, phone: str, text: str, log: Path, timeout_s: float) -> None:
        """Push ``text`` to the opted-out ``phone`` and wait until the bot has dropped it (at most ``timeout_s``).

        The bot logs each SMS it drops for an opted-out number (channels/sms/sender.py), and sends
        the messages to one number in order: once the pushed one is dropped, everything queued for
        ``phone`` before it has been sent or dropped as well, so the caller can check that nothing
        went out without waiting a fixed time. Without that log line it waits the whole ``timeout_s``.
        """
        dropped = f"Dropped an SMS to {mask_phone(phone)}"
        before = log.read_text(errors="replace").count(dropped)
        self.push(phone, text)
        wait_until(lambda: log.read_text(errors="replace").count(dropped) > before, timeout_s=timeout_s)

    def texts_to(self, phone: str) -> List[Dict[str, str]]:
        """Every message sent to ``phone`` so far (To, From, Body)."""
        sent = [
            {key: values[0] for key, values in urllib.parse.parse_qs(item.body.decode()).items()}
            for item in self.twilio.on(MESSAGES_PATH)
        ]
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


class Messenger:
    """Talks to the running bot like Facebook does and reads what it sent to the Graph API."""

    def __init__(self, bot: Bot, graph: Receiver) -> None:
        self.url = f"{bot.url}/webhooks/facebook/webhook"
        self.api = bot.url
        self.graph = graph

    def post(self, body: Dict[str, Any], secret: Optional[str] = SECRET) -> int:
        """POST a delivery signed with ``secret`` (None: unsigned); the HTTP status."""
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Hub-Signature-256"] = signature(secret, raw)
        return http_status(urllib.request.Request(self.url, data=raw, headers=headers))

    def say(self, sender: str, text: str, payload: Optional[str] = None) -> int:
        """Send a typed message (or a tapped quick reply when ``payload`` is given)."""
        message: Dict[str, Any] = {"mid": f"mid.{uuid.uuid4().hex}", "text": text}
        if payload:
            message["quick_reply"] = {"payload": payload}
        return self.post(
            {
                "object": "page",
                "entry": [
                    {
                        "id": "1",
                        "time": 1,
                        "messaging": [
                            {"sender": {"id": sender}, "recipient": {"id": "1"}, "timestamp": 1, "message": message}
                        ],
                    }
                ],
            }
        )

    def wait_for(self, sender: str, predicate: Any, timeout_s: float = 30.0) -> Optional[Dict[str, Any]]:
        """The first Send API body to ``sender`` matching ``predicate``."""
        found = self.graph.wait_for(GRAPH_PATH, lambda r: sent_to(r, sender) and predicate(r.json()), timeout_s)
        return found.json() if found else None

    def sent(self, sender: str) -> List[Dict[str, Any]]:
        """Every Send API body to ``sender`` so far."""
        return [r.json() for r in self.graph.on(GRAPH_PATH) if sent_to(r, sender)]


def sent_to(received: Received, sender: str) -> bool:
    return received.json().get("recipient", {}).get("id") == sender


def http_status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
