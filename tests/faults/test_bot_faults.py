"""The bot under faults, with real processes on loopback.

One stack serves the three tests: Rasa (``python -m ops.serve``, REST channel with the message
guard), the action server (``python -m ops.action_server``) behind a proxy that can hold back its
answers, the agent desk (whose sweeper replays the case spool), a webhook receiver, and PostgreSQL
behind a TCP proxy that can be cut.

- (a) the action server is killed mid-conversation, then started again;
- (b) the action server answers later than ACTION_TIMEOUT_S;
- (c) the case database is down when the taxpayer submits, for as long as the desk's sweeper takes to fail
  twice (its log says so), or FAULT_DB_OUTAGE_S seconds if that is longer.

About (c): nothing in the spool expires, so the same flow covers an outage of a minute or a day;
``FAULT_DB_OUTAGE_S=60`` runs the one-minute case. CASE_STORE_RETRY_S only decides how long the
taxpayer waits before hearing that the case was received.
"""

from __future__ import annotations

import json
import os
import stat
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
from sqlalchemy import func, select

from store.cases import CaseRepository
from store.db import Database
from store.tables import cases, notifications
from tests import background
from tests.faults.conftest import TECHNICAL_PROBLEM, postgres_schema, response_text, schema_url
from tests.faults.proxies import DelayProxy
from tests.integration.receiver import Receiver
from tests.integration.servers import MODEL, ActionServer, Bot, conversation, running_bot, running_desk
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.model

ACTION_TIMEOUT_S = 6.0
CASE_STORE_RETRY_S = 3.0
OUTAGE_S = float(os.environ.get("FAULT_DB_OUTAGE_S", "0"))  # 0: two failed sweeps are the outage
SECRET = "webhook-secret-for-fault-tests"
POLITE = response_text(TECHNICAL_PROBLEM)


@dataclass
class Stack:
    """The running processes and the handles to break them."""

    bot: Bot
    actions: ActionServer
    slow: DelayProxy
    database: TcpProxy
    direct_url: str
    spool: Path
    receiver: Receiver
    desk_log: Path

    def say(self, sender: str, text: str, timeout_s: float = 60) -> str:
        """One turn on the REST channel; the reply texts joined by newlines."""
        status, replies = self.bot.post(sender, text, timeout_s)
        assert status == 200, f"HTTP {status} for {text!r}: {replies}"
        return "\n".join(reply.get("text", "") for reply in replies)


@contextmanager
def start_stack(tmp: Path, _param: Optional[str] = None) -> Iterator[Stack]:
    """Start the stack in ``tmp``, warmed up; stop it when the block ends."""
    assert MODEL.exists(), "train first: make train"
    with ExitStack() as running:
        schema = running.enter_context(postgres_schema())
        database = TcpProxy(("127.0.0.1", 5432)).start()
        running.callback(database.cut)
        receiver = Receiver().start()
        running.callback(receiver.stop)
        env = {
            "DATABASE_URL": schema_url(schema["name"], database.port),
            "CASE_SPOOL_PATH": str(tmp / "spool" / "cases.jsonl"),
            "CASE_STORE_RETRY_S": str(CASE_STORE_RETRY_S),
            "ACTION_TIMEOUT_S": str(ACTION_TIMEOUT_S),
            "HANDOFF_WEBHOOK_URL": f"{receiver.url}/hook",
            "HANDOFF_WEBHOOK_SECRET": SECRET,
            "RETRY_BASE_S": "0.5",
            "RETRY_MAX_S": "2",
            "BUSINESS_DAYS": "mon,tue,wed,thu,fri,sat,sun",
            "BUSINESS_HOURS": "00:00-24:00",
            "RATE_LIMIT_MESSAGES": "1000",
            "RASA_JWT_SECRET": uuid.uuid4().hex,
            "DESK_ENV": "development",
            "DESK_ADMIN_PASSWORD_FILE": str(tmp / "desk-admin.txt"),
        }
        environment = {**os.environ, **env}
        actions = ActionServer(tmp, environment).launch()  # starts while Rasa does; waited for below
        running.callback(actions.stop)
        slow = DelayProxy(actions.port).start()
        running.callback(slow.stop)
        bot = running.enter_context(
            running_bot(
                tmp, env=env, action_url=slow.url, action_token=actions.token, jwt_secret=env["RASA_JWT_SECRET"]
            )
        )
        actions.wait_ready()
        running.enter_context(running_desk(tmp, {**env, "RASA_URL": bot.url}))
        spool, desk_log = Path(env["CASE_SPOOL_PATH"]), tmp / "desk.log"  # running_desk writes desk.log
        stack = Stack(bot, actions, slow, database, schema["direct"], spool, receiver, desk_log)
        # The action server's first answer trains its sentence classifiers (a few seconds of CPU, more
        # than ACTION_TIMEOUT_S on a busy machine): warm it up, so the tests time the faults only.
        warm_up = f"fault-warm-up-{uuid.uuid4().hex}"
        assert wait_until(lambda: "CP504" in stack.say(warm_up, "what is a CP504?"), timeout_s=120)
        yield stack


BACKGROUND_STACK = start_stack  # started while the tests before this module run (tests/background.py)
BACKGROUND_QUIET = True  # the next module's stack starts after these tests: they time the action server


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    yield from background.take(start_stack)


def user_texts(tracker: Dict) -> List[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


# -- (a) the action server dies mid-conversation -------------------------------------------------


def test_a_killed_action_server_gets_a_polite_reply_and_the_conversation_goes_on(stack: Stack) -> None:
    sender = f"fault-a-{uuid.uuid4().hex}"
    assert "CP504" in stack.say(sender, "what is a CP504?")
    stack.actions.kill()
    try:
        started = time.monotonic()
        reply = stack.say(sender, "what does an LT11 mean?")
        assert time.monotonic() - started < ACTION_TIMEOUT_S
        assert reply == POLITE, f"expected the technical-problem reply, got {reply!r}"
        assert "what does an LT11 mean?" in user_texts(stack.bot.tracker(sender))
    finally:
        stack.actions.start()  # same port: Rasa and the proxy find it again
    reply = stack.say(sender, "what does an LT11 mean?")
    assert "LT11" in reply and reply != POLITE


# -- (b) the action server is too slow -----------------------------------------------------------


def slow_turn(stack: Stack, sender: str, text: str) -> Tuple[str, float]:
    """One turn while every action server answer is held back far beyond ACTION_TIMEOUT_S."""
    stack.slow.delay_s = ACTION_TIMEOUT_S + 30  # far beyond the timeout, far below Rasa's 5 minutes
    try:
        started = time.monotonic()
        reply = stack.say(sender, text, timeout_s=ACTION_TIMEOUT_S + 20)
        return reply, time.monotonic() - started
    finally:
        stack.slow.delay_s = 0.0


def test_a_slow_action_server_is_given_up_on_after_the_action_timeout(stack: Stack) -> None:
    sender = f"fault-b-{uuid.uuid4().hex}"
    assert "CP504" in stack.say(sender, "what is a CP504?")
    reply, elapsed = slow_turn(stack, sender, "what is a CP2000?")
    assert ACTION_TIMEOUT_S - 1 <= elapsed < ACTION_TIMEOUT_S + 4, f"the turn took {elapsed:.1f} s"
    assert reply == POLITE, f"expected the technical-problem reply, got {reply!r}"
    assert "what is a CP2000?" in user_texts(stack.bot.tracker(sender))
    assert "CP2000" in stack.say(sender, "what is a CP2000?")


# On a conversation's first message the slow action is action_session_start; Rasa drops it and
# guesses utter_default, which the guard holds back (channels/turn_failures.py).
def test_a_slow_action_server_on_the_first_message_gets_the_polite_reply(stack: Stack) -> None:
    reply, elapsed = slow_turn(stack, f"fault-b1-{uuid.uuid4().hex}", "what is a CP2000?")
    assert elapsed < ACTION_TIMEOUT_S + 4, f"the turn took {elapsed:.1f} s"
    assert reply == POLITE, f"expected the technical-problem reply, got {reply!r}"


# -- (c) the case database is down at submit time ------------------------------------------------


def stored_cases(stack: Stack, sender: str) -> int:
    database = Database(stack.direct_url)
    try:
        with database.engine.connect() as connection:
            return connection.execute(
                select(func.count()).select_from(cases).where(cases.c.sender_id == conversation(sender))
            ).scalar_one()
    finally:
        database.dispose()


def spooled(stack: Stack) -> List[Dict]:
    if not stack.spool.exists():
        return []
    return [json.loads(line) for line in stack.spool.read_text().splitlines() if line.strip()]


def failed_sweeps(stack: Stack) -> int:
    """How many times the desk's sweeper found the case store unreachable (services/case_spool.py)."""
    if not stack.desk_log.exists():
        return 0
    return stack.desk_log.read_text(errors="replace").count("case store is unreachable")


def wait_until(predicate, timeout_s: float, step_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


def test_a_lead_submitted_while_the_database_is_down_is_spooled_then_stored_once(stack: Stack) -> None:
    sender = f"fault-c-{uuid.uuid4().hex}"
    assert "full name" in stack.say(sender, "I'd like to talk to a tax pro")
    assert "phone number" in stack.say(sender, "Maria Lopez")
    assert "e-mail" in stack.say(sender, "(702) 555-0199")
    assert "contact you" in stack.say(sender, "skip")
    assert "levy" in stack.say(sender, "text me")
    assert "May " in stack.say(sender, "yes, they're garnishing my wages")
    assert "Maria Lopez" in stack.say(sender, "yes")  # consent; the summary follows

    failed_before = failed_sweeps(stack)
    stack.database.cut()
    outage_started = time.monotonic()
    try:
        started = time.monotonic()
        reply = stack.say(sender, "yes")
        assert time.monotonic() - started < ACTION_TIMEOUT_S
        received = response_text("utter_case_received_later", name="Maria", method="text message", contact="")
        assert received and reply.startswith(received), reply
        [entry] = [item for item in spooled(stack) if item["case"]["sender_id"] == conversation(sender)]
        assert entry["case"]["intake"]["phone"] == "+17025550199" and entry["case"]["priority"] == "critical"
        assert stat.S_IMODE(stack.spool.stat().st_mode) == 0o600
        assert stored_cases(stack, sender) == 0
        # The outage goes on; the desk's sweeper fails to replay (twice, by its log), and keeps the lead.
        assert wait_until(lambda: failed_sweeps(stack) >= failed_before + 2, timeout_s=30), "no failed sweep logged"
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - outage_started)))
        assert [item["case"]["sender_id"] for item in spooled(stack)] == [conversation(sender)]
    finally:
        stack.database.restore()

    assert wait_until(lambda: stored_cases(stack, sender) == 1, timeout_s=20), "the spool was not replayed"
    assert wait_until(lambda: not spooled(stack), timeout_s=10)
    time.sleep(5)  # two more sweeps: still exactly one case
    assert stored_cases(stack, sender) == 1
    case = CaseRepository(Database(stack.direct_url)).latest_for_sender(conversation(sender))
    assert case is not None and case.priority == "critical" and case.intake.full_name == "Maria Lopez"
    hook = stack.receiver.wait_for("/hook", lambda item: item.json().get("reference") == case.reference, timeout_s=20)
    assert hook is not None, "the firm was never told about the replayed case"
    assert wait_until(lambda: undelivered(stack, case.id) == 0, timeout_s=10)
    assert case.reference in stack.say(sender, "any update on my case?")


def undelivered(stack: Stack, case_id: int) -> int:
    database = Database(stack.direct_url)
    try:
        with database.engine.connect() as connection:
            return connection.execute(
                select(func.count())
                .select_from(notifications)
                .where(notifications.c.case_id == case_id, notifications.c.delivered_at.is_(None))
            ).scalar_one()
    finally:
        database.dispose()
