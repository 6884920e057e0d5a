"""End to end: a conversation becomes a stored, triaged case; the signed webhook arrives; a pro
replies from the agent desk on the taxpayer's own channel and hands back to the bot.

Runs the real action server, Rasa server (callback channel, JWT-protected API) and agent desk, on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
from sqlalchemy import create_engine, text

from services.signing import verify
from store.cases import CaseRepository
from store.db import Database
from tests import background
from tests.integration.receiver import Receiver
from tests.integration.servers import MODEL, ROOT, running_bot, running_desk
from tests.services_up import ensure_postgres

pytestmark = pytest.mark.model

SECRET = "webhook-secret-for-tests"
PRO_PASSWORD = "correct horse battery staple"
PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


class Stack:
    """The running servers and what the test needs to talk to them."""

    def __init__(
        self, rasa_url: str, desk_url: str, token: str, receiver: Receiver, database_url: str, backend: str
    ) -> None:
        self.rasa_url, self.desk_url, self.token = rasa_url, desk_url, token
        self.receiver, self.database_url, self.backend = receiver, database_url, backend

    def say(self, sender: str, text: str, wait_s: float = 0.0) -> List[str]:
        """Send a message on the callback channel; return the bot texts it produced."""
        before = len(self.bot_messages(sender))
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/callback/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        time.sleep(wait_s)
        return [m.get("text", "") for m in self.bot_messages(sender)[before:]]

    def bot_messages(self, sender: str) -> List[Dict]:
        """Everything the bot (or a pro) sent to ``sender`` so far."""
        return [item.json() for item in self.receiver.on("/bot") if item.json().get("recipient_id") == sender]

    def desk(self, method: str, path: str, body: Optional[Dict] = None, expect: int = 200) -> Dict:
        """Call the desk's JSON API with the pro's token."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.desk_url}/api{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == expect
            return json.loads(response.read())


@contextmanager
def _database_url(tmp: Path, backend: str) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'cases.db'}"
        return
    ensure_postgres(PG_URL)
    schema = f"e2e_{uuid.uuid4().hex[:10]}"  # hex only: safe as an identifier
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _cli(env: Dict[str, str], *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "desk.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@contextmanager
def start_stack(tmp: Path, backend: Optional[str]) -> Iterator[Stack]:
    """Start the stack on ``backend`` (sqlite or postgresql) in ``tmp``; stop it when the block ends."""
    assert MODEL.exists(), "train first: make train"
    assert backend is not None
    receiver = Receiver().start()
    credentials = tmp / "credentials.yml"
    credentials.write_text(f'rest:\ncallback:\n  url: "{receiver.url}/bot"\n')
    jwt_secret = uuid.uuid4().hex
    with ExitStack() as running:
        running.callback(receiver.stop)
        env = {
            "DATABASE_URL": running.enter_context(_database_url(tmp, backend)),
            "HANDOFF_WEBHOOK_URL": f"{receiver.url}/hook",
            "HANDOFF_WEBHOOK_SECRET": SECRET,
            "RETRY_BASE_S": "0.5",
            "BUSINESS_DAYS": "mon-sun",
            "BUSINESS_HOURS": "00:00-24:00",
            "RASA_JWT_SECRET": jwt_secret,
            "DESK_ENV": "development",
        }
        _cli(env, "add-pro", "sam", "--name", "Sam Pro", "--password-stdin", stdin=PRO_PASSWORD + "\n")
        token = _cli(env, "token", "sam", "--label", "e2e").strip().splitlines()[-1]
        receiver.statuses.append(500)  # the first webhook delivery fails: it must be retried, not lost
        bot = running.enter_context(running_bot(tmp, env=env, credentials=credentials, jwt_secret=jwt_secret))
        desk_url = running.enter_context(running_desk(tmp, {**env, "RASA_URL": bot.url}))
        yield Stack(bot.url, desk_url, token, receiver, env["DATABASE_URL"], backend)


BACKGROUND_STACK = start_stack  # started while the tests before this module run (tests/background.py)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    yield from background.take(start_stack, request.param)


def test_lt11_three_weeks_ago_to_a_pro_and_back(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    transcript: List[str] = []

    def turn(text: str) -> str:
        replies = stack.say(sender, text)
        transcript.append(f"USER: {text}")
        transcript.extend(f"BOT:  {reply}" for reply in replies)
        return "\n".join(replies)

    reply = turn("I got an LT11 dated three weeks ago")
    assert "9 days left" in reply and "Collection Due Process" in reply and "This is urgent" in reply
    reply = turn("I want to talk to a tax pro")
    assert "urgent" in reply and "full name" in reply
    assert "phone number" in turn("Jane Doe")
    assert "contact you" in turn("512-555-0142")
    assert "levy" in turn("chat")
    assert "May " in turn("no")
    summary = turn("yes")
    assert "Jane Doe" in summary and "+15125550142" in summary and "LT11" in summary

    started = time.monotonic()
    reply = turn("yes")
    repository = CaseRepository(Database(stack.database_url))
    case = repository.latest_for_sender(sender)
    stored_after = time.monotonic() - started
    assert case is not None and case.reference in reply
    assert "reply right here" in reply
    assert case.priority == "critical" and case.status == "waiting"
    assert case.intake.notice_codes == ["LT11"] and case.intake.phone == "+15125550142"
    assert case.intake.consent.wording.startswith("May ") and case.intake.consent.channel == "callback"
    assert case.deadline is not None

    hook = stack.receiver.wait_for("/hook", lambda item: item.json().get("reference") == case.reference)
    assert hook is not None, "the signed webhook never arrived"
    assert verify(
        SECRET, hook.body, hook.headers["X-Handoff-Timestamp"], hook.headers["X-Handoff-Signature"], time.time()
    )
    assert len([h for h in stack.receiver.on("/hook") if h.json().get("reference") == case.reference]) >= 1

    # Paused: the bot stays quiet while the taxpayer waits for the pro.
    assert stack.say(sender, "hello? anyone there?", wait_s=1.0) == []

    stack.desk(
        "POST", f"/cases/{case.reference}/messages", {"text": "Hi Jane, I'm Sam. Let's look at your LT11."}, expect=201
    )
    delivered = stack.receiver.wait_for(
        "/bot", lambda item: item.json().get("recipient_id") == sender and "I'm Sam" in item.json().get("text", "")
    )
    assert delivered is not None, "the pro's reply never reached the taxpayer's channel"
    transcript.append("USER: hello? anyone there?   (bot paused: no answer)")
    transcript.append(f"PRO (desk API, delivered on the callback channel): {delivered.json()['text']}")
    assert repository.get(case.reference).status == "in_conversation"

    stack.desk("POST", f"/cases/{case.reference}/handback")
    back = stack.receiver.wait_for(
        "/bot",
        lambda item: item.json().get("recipient_id") == sender and "handed you back" in item.json().get("text", ""),
    )
    assert back is not None
    transcript.append(f"PRO hands back (desk API) -> BOT: {back.json()['text']}")
    assert "levy" in turn("what is a levy").lower()
    assert case.reference in turn("any update on my case?")
    Path(ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / f"handoff-transcript-{stack.backend}.txt").write_text(
        "\n".join(transcript) + f"\n\ncase stored {stored_after:.3f} s after the last answer was sent\n"
    )
