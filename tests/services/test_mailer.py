"""The new-case e-mail, sent to a local aiosmtpd server (never a real one)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from services.delivery import Notifier
from services.mailer import MailNotConfigured, case_body, send_case_email
from settings.assistant import Settings
from store.cases import CaseRepository, case_payload
from store.db import Database
from store.outbox import Outbox
from tests.store.factories import make_new_case

UTC = dt.timezone.utc
FROM, ONDUTY = "bot@milestonetax.example", "onduty@milestonetax.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, and the logins it accepted."""

    def __init__(self) -> None:
        self.envelopes: List[Envelope] = []
        self.logins: List[tuple] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login.decode(), data.password.decode()))
            return AuthResult(success=data.password == b"app-password")
        return AuthResult(success=False)


def start_server(**smtp_options: Any) -> tuple:
    inbox = Inbox()
    if smtp_options.pop("with_auth", False):
        smtp_options.update(authenticator=inbox.authenticate, auth_require_tls=False)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    return controller, inbox


@pytest.fixture()
def smtp_server() -> Iterator[tuple]:
    controller, inbox = start_server()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'cases.db'}")
    db.migrate()
    yield db
    db.dispose()


def make_settings(port: Optional[int], **overrides: Any) -> Settings:
    values: Dict[str, Any] = dict(
        smtp_host="127.0.0.1" if port else None,
        smtp_port=port or 587,
        smtp_starttls=False,
        smtp_from=FROM,
        onduty_email=ONDUTY,
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


async def deliver(database: Database, settings: Settings) -> int:
    notifier = Notifier(Outbox(database), settings)
    try:
        return await notifier.deliver_due()
    finally:
        await notifier.close()


async def test_the_email_reaches_the_onduty_pro(database: Database, smtp_server: tuple) -> None:
    port, inbox = smtp_server
    case, _ = CaseRepository(database).create(make_new_case(), notify=["email"])
    assert await deliver(database, make_settings(port)) == 1
    [envelope] = inbox.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == (FROM, [ONDUTY])
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == f"New case {case.reference} (critical)"
    assert (message["From"], message["To"]) == (FROM, ONDUTY)
    assert message["Message-ID"] and message["Date"]
    body = message.get_content()
    for expected in (
        case.reference,
        "Jane Doe",
        "+15125550142",
        "jane@example.com",
        "LT11, CP504",
        "$12,500.00",
        "2026-12-01",
        "2022, 2023",
        "Levy active: yes",
        "Language: English (en)",
        case.intake.consent.wording,
    ):
        assert expected in body, expected
    assert Outbox(database).count_pending() == 0


async def test_login_when_a_username_is_set(database: Database) -> None:
    controller, inbox = start_server(with_auth=True)
    try:
        CaseRepository(database).create(make_new_case(), notify=["email"])
        settings = make_settings(controller.port, smtp_username="bot", smtp_password="app-password")
        assert await deliver(database, settings) == 1
        assert inbox.logins == [("bot", "app-password")] and len(inbox.envelopes) == 1
    finally:
        controller.stop()


async def test_starttls_is_never_skipped_silently(database: Database, smtp_server: tuple) -> None:
    port, inbox = smtp_server  # this server offers no STARTTLS
    case, _ = CaseRepository(database).create(make_new_case(), notify=["email"])
    assert await deliver(database, make_settings(port, smtp_starttls=True)) == 0
    [pending] = Outbox(database).for_case(case.id)
    assert pending.attempts == 1 and "STARTTLS" in (pending.last_error or "").upper()
    assert inbox.envelopes == []


async def test_a_down_server_leaves_the_email_pending(database: Database) -> None:
    case, _ = CaseRepository(database).create(make_new_case(), notify=["email"])
    before = dt.datetime.now(UTC)
    assert await deliver(database, make_settings(free_port())) == 0
    [pending] = Outbox(database).for_case(case.id)
    assert (pending.attempts, pending.delivered_at) == (1, None)
    assert "ConnectionRefusedError" in (pending.last_error or "")
    assert pending.next_attempt_at >= before + dt.timedelta(seconds=5)
    assert Outbox(database).count_pending() == 1


async def test_unconfigured_email_waits(database: Database) -> None:
    case, _ = CaseRepository(database).create(make_new_case(), notify=["email"])
    assert await deliver(database, make_settings(None)) == 0
    [pending] = Outbox(database).for_case(case.id)
    assert (pending.attempts, pending.last_error) == (0, "not configured")


def test_send_case_email_needs_the_settings() -> None:
    with pytest.raises(MailNotConfigured):
        send_case_email(make_settings(None), {"reference": "MTS-7K3Q9"})


async def test_the_email_says_the_conversations_language(database: Database, smtp_server: tuple) -> None:
    port, inbox = smtp_server
    CaseRepository(database).create(make_new_case(intake=dict(language="es")), notify=["email"])
    assert await deliver(database, make_settings(port)) == 1
    [envelope] = inbox.envelopes
    body = email.message_from_bytes(envelope.original_content, policy=email.policy.default).get_content()
    assert "Language: Spanish (es)" in body.splitlines()  # the pro replies in Spanish


def test_case_body_copes_with_a_sparse_payload(database: Database) -> None:
    sparse = case_body({"reference": "MTS-7K3Q9", "priority": "normal"})
    assert "MTS-7K3Q9" in sparse and "Language:" not in sparse  # an older payload without the language
    assert "Language: xx\n" in case_body({"reference": "MTS-7K3Q9", "intake": {"language": "xx"}})
    case, _ = CaseRepository(database).create(make_new_case(intake=dict(email=None, amount_owed=None)))
    body = case_body(case_payload(case))
    assert "E-mail:" not in body and "Amount owed" not in body
