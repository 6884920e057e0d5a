"""One bot for every integration test that can use the same settings (started once per test run).

Rasa takes about 25 s to start with the trained model, so the modules that need nothing special
share one action server and one Rasa server (``shared_bot`` in tests/conftest.py): REST, the
socket.io widget channel (open to the demo website's origin), Twilio SMS and Facebook Messenger,
whose APIs are played by one local :class:`Receiver`, a SQLite case store, and a firm that is open
around the clock (so the hand-off wording does not depend on the hour the tests run). Message,
rate and size limits are the defaults. Every test talks as its own sender, so conversations never
mix; a test that needs other settings (Postgres, a callback channel, a killed server, tight rate
limits) starts its own bot with :func:`tests.integration.servers.running_bot`.
"""

from __future__ import annotations

import base64
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from store.db import Database
from tests.background import InBackground
from tests.integration.receiver import Receiver
from tests.integration.servers import MODEL, ROOT, Bot, running_bot

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "integration-auth-token-" + "z" * 9
TWILIO_NUMBER = "+15125550100"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
# Where Twilio keeps MMS media: served only with the account's basic auth.
MEDIA_ROOT = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/"
SECRET, VERIFY, TOKEN = "app-secret-for-tests", "verify-token-for-tests", "page-token-for-tests"
GRAPH_PATH = f"/graph/me/messages?access_token={TOKEN}"
SECRETS = (AUTH_TOKEN, SECRET, TOKEN)


@dataclass(frozen=True)
class SharedBot:
    """The shared bot, the fake Twilio and Facebook side, and the case store it writes to."""

    bot: Bot
    services: Receiver
    tmp: Path
    database_url: str

    def database(self) -> Database:
        """The bot's case store."""
        return Database(self.database_url)

    def log(self) -> str:
        """What the Rasa server has logged so far."""
        return (self.tmp / "rasa.log").read_text()


def credentials(services: Receiver) -> str:
    """The project's credentials.yml with test secrets, and Twilio and Facebook played by ``services``."""
    channels = yaml.safe_load((ROOT / "credentials.yml").read_text())
    channels["channels.twilio.TwilioInput"] = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "twilio_number": TWILIO_NUMBER,
        "public_base_url": "",
        "api_base_url": services.url,
    }
    channels["channels.facebook.MessengerInput"] = {
        "verify": VERIFY,
        "secret": SECRET,
        "page-access-token": TOKEN,
        "graph_api_base": f"{services.url}/graph",
    }
    return yaml.safe_dump(channels, sort_keys=False)


@contextmanager
def running_shared_bot(tmp: Path, web_origin: str) -> Iterator[SharedBot]:
    """Start the shared bot; ``web_origin`` is the demo website allowed to open a widget socket.

    When it stops, its log must not hold any channel secret.
    """
    assert MODEL.exists(), "train first: make train"
    services = Receiver().start()
    basic = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    services.protect(MEDIA_ROOT, f"Basic {basic}")
    path = tmp / "credentials.yml"
    path.write_text(credentials(services))
    database_url = f"sqlite:///{tmp / 'cases.db'}"
    env = {
        "DATABASE_URL": database_url,
        "BUSINESS_DAYS": "mon-sun",
        "BUSINESS_HOURS": "00:00-24:00",
        "CORS_ORIGINS": web_origin,
    }
    try:
        with running_bot(tmp, env=env, credentials=path) as bot:
            yield SharedBot(bot, services, tmp, database_url)
        log = (tmp / "rasa.log").read_text()
        leaked = [
            name
            for name, secret in zip(("Twilio auth token", "app secret", "page token"), SECRETS, strict=True)
            if secret in log
        ]
        assert not leaked, f"the Rasa log holds the {', '.join(leaked)}"
    finally:
        services.stop()


class StartingSharedBot(InBackground[SharedBot]):
    """The shared bot started in a background thread, so its start-up (about 15 s) overlaps with the
    tests that run before the first one that needs it.

    Usage::

        starting = StartingSharedBot(tmp, origin).start()
        shared = starting.wait()  # the running bot, or the start-up's error raised
        starting.stop()  # stops it; raises the stop's check (no secret in the log)
    """

    def __init__(self, tmp: Path, web_origin: str) -> None:
        super().__init__(lambda: running_shared_bot(tmp, web_origin), name="shared-bot-start")
        self.tmp, self.web_origin = tmp, web_origin
