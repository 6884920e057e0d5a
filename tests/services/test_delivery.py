"""Delivering notifications: signed webhooks to a local fake CRM, retries with backoff, restarts.

The receiving end is an aiohttp server on 127.0.0.1 (never the internet).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import socket
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from aiohttp import web

from services.delivery import Notifier, backoff_s
from services.signing import verify
from settings.assistant import Settings
from store.cases import CaseRepository, case_payload
from store.db import Database
from store.outbox import Outbox
from store.records import Case, Notification
from tests.store.factories import make_new_case

SECRET = "whsec_local_test_secret"
UTC = dt.timezone.utc


class Clock:
    """A settable clock for the notifier (starts at the real time, so new rows are due)."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(UTC) + dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Receiver:
    """A fake CRM endpoint that records requests and answers with queued statuses (then 200)."""

    def __init__(self) -> None:
        self.requests: List[Tuple[Dict[str, str], bytes]] = []
        self.statuses: List[int] = []
        self.delay_s = 0.0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((dict(request.headers), body))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        status = self.statuses.pop(0) if self.statuses else 200
        headers = {"Location": "http://127.0.0.1:9/elsewhere"} if status // 100 == 3 else {}
        return web.Response(status=status, headers=headers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
async def receiver() -> AsyncIterator[Receiver]:
    fake = Receiver()
    app = web.Application()
    app.router.add_post("/hook", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}/hook"
    yield fake
    await runner.cleanup()


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'cases.db'}")
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture()
def clock() -> Clock:
    return Clock()


def make_settings(url: Optional[str], **overrides: Any) -> Settings:
    values: Dict[str, Any] = dict(
        handoff_webhook_url=url,
        handoff_webhook_secret=SECRET if url else None,
        webhook_timeout_s=2.0,
        retry_base_s=5.0,
        retry_max_s=3600.0,
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture()
async def notifiers() -> AsyncIterator[List[Notifier]]:
    created: List[Notifier] = []
    yield created
    for notifier in created:
        await notifier.close()


@pytest.fixture()
def make_notifier(notifiers: List[Notifier], clock: Clock) -> Callable[..., Notifier]:
    def make(database: Database, url: Optional[str], clock_: Optional[Clock] = None, **overrides: Any) -> Notifier:
        notifier = Notifier(Outbox(database), make_settings(url, **overrides), clock=clock_ or clock)
        notifiers.append(notifier)
        return notifier

    return make


def create_case(database: Database, kinds: Tuple[str, ...] = ("webhook",)) -> Tuple[Case, Notification]:
    case, _ = CaseRepository(database).create(make_new_case(), notify=list(kinds))
    [notification] = [item for item in Outbox(database).for_case(case.id) if item.kind == kinds[0]]
    return case, notification


def stored(database: Database, notification: Notification) -> Notification:
    found = Outbox(database).get(notification.id)
    assert found is not None
    return found


def assert_retry_after(found: Notification, now: dt.datetime, delay_s: float) -> None:
    wait = (found.next_attempt_at - now).total_seconds()
    assert delay_s <= wait <= delay_s * 1.1 + 0.001, wait


async def test_a_webhook_is_signed_and_delivered_once(
    database: Database, receiver: Receiver, clock: Clock, make_notifier: Callable[..., Notifier]
) -> None:
    case, notification = create_case(database)
    notifier = make_notifier(database, receiver.url)
    assert await notifier.deliver_due() == 1
    [(headers, body)] = receiver.requests
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Handoff-Delivery"] == str(notification.id)
    assert headers["X-Handoff-Event"] == "case.created"
    assert verify(SECRET, body, headers["X-Handoff-Timestamp"], headers["X-Handoff-Signature"], now=clock().timestamp())
    assert not verify(
        "wrong", body, headers["X-Handoff-Timestamp"], headers["X-Handoff-Signature"], now=clock().timestamp()
    )
    expected = {**case_payload(case), "event": "case.created"}
    assert body == json.dumps(expected, separators=(",", ":"), sort_keys=True).encode()
    found = stored(database, notification)
    assert (found.delivered_at, found.attempts) == (clock(), 0)
    clock.advance(3600)
    assert await notifier.deliver_due() == 0
    assert len(receiver.requests) == 1


async def test_a_500_is_retried_after_the_backoff(
    database: Database, receiver: Receiver, clock: Clock, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    receiver.statuses = [500]
    notifier = make_notifier(database, receiver.url)
    assert await notifier.deliver_due() == 0
    failed = stored(database, notification)
    assert (failed.attempts, failed.last_error, failed.delivered_at) == (1, "HTTP 500", None)
    assert_retry_after(failed, clock(), 5.0)
    assert await notifier.deliver_due() == 0  # not due yet
    assert len(receiver.requests) == 1
    clock.advance(6)
    assert await notifier.deliver_due() == 1
    delivered = stored(database, notification)
    assert (delivered.attempts, delivered.delivered_at) == (1, clock())
    assert len(receiver.requests) == 2
    assert receiver.requests[0][0]["X-Handoff-Delivery"] == receiver.requests[1][0]["X-Handoff-Delivery"]


@pytest.mark.parametrize(
    "status, delivered",
    [
        (200, True),
        (201, True),
        (204, True),
        (299, True),
        (302, False),
        (304, False),
        (400, False),
        (404, False),
        (410, False),
        (503, False),
    ],
)
async def test_only_2xx_counts_as_delivered(
    database: Database, receiver: Receiver, status: int, delivered: bool, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    receiver.statuses = [status]
    assert await make_notifier(database, receiver.url).deliver_due() == int(delivered)
    found = stored(database, notification)
    assert (found.delivered_at is not None) is delivered
    assert found.last_error == (None if delivered else f"HTTP {status}")


async def test_connection_refused_stays_pending_with_growing_backoff(
    database: Database, clock: Clock, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    notifier = make_notifier(database, f"http://127.0.0.1:{free_port()}/hook")
    assert await notifier.deliver_due() == 0
    first = stored(database, notification)
    assert first.attempts == 1 and first.delivered_at is None
    assert first.last_error is not None and "ClientConnectorError" in first.last_error
    assert_retry_after(first, clock(), 5.0)
    clock.now = first.next_attempt_at
    assert await notifier.deliver_due() == 0
    second = stored(database, notification)
    assert second.attempts == 2
    assert_retry_after(second, clock(), 10.0)
    assert Outbox(database).count_pending() == 1


async def test_a_slow_receiver_times_out_and_is_retried(
    database: Database, receiver: Receiver, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    receiver.delay_s = 1.0
    assert await make_notifier(database, receiver.url, webhook_timeout_s=0.2).deliver_due() == 0
    found = stored(database, notification)
    assert found.attempts == 1 and "Timeout" in (found.last_error or "")


@pytest.mark.parametrize(
    "attempts, low, high",
    [(0, 5, 5.5), (1, 10, 11), (3, 40, 44), (9, 2560, 2816), (10, 3600, 3960), (10_000, 3600, 3960)],
)
def test_backoff(attempts: int, low: float, high: float) -> None:
    for _ in range(50):
        assert low <= backoff_s(attempts, 5.0, 3600.0) <= high


async def test_an_unconfigured_kind_waits_without_counting_attempts(
    database: Database, receiver: Receiver, clock: Clock, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    assert await make_notifier(database, None).deliver_due() == 0
    waiting = stored(database, notification)
    assert (waiting.attempts, waiting.last_error, waiting.delivered_at) == (0, "not configured", None)
    assert_retry_after(waiting, clock(), 60.0)
    clock.advance(61)
    assert await make_notifier(database, receiver.url).deliver_due() == 1
    assert stored(database, notification).delivered_at is not None


async def test_a_new_process_delivers_what_the_old_one_left(
    tmp_path: Path, receiver: Receiver, clock: Clock, make_notifier: Callable[..., Notifier]
) -> None:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    old = Database(url)
    old.migrate()
    _, failed = create_case(old)
    _, crashed = create_case(old)
    await make_notifier(old, f"http://127.0.0.1:{free_port()}/hook").deliver_due()  # both fail
    assert stored(old, failed).attempts == 1
    clock.advance(30)
    claimed = Outbox(old).claim_due(clock(), dt.timedelta(seconds=60))
    assert sorted(item.id for item in claimed) == sorted([failed.id, crashed.id])
    old.dispose()  # the old process dies holding the leases

    new = Database(url)
    try:
        notifier = make_notifier(new, receiver.url)
        assert await notifier.deliver_due() == 0  # leases still held
        clock.advance(61)
        assert await notifier.deliver_due() == 2
        assert sorted(headers["X-Handoff-Delivery"] for headers, _ in receiver.requests) == sorted(
            [str(failed.id), str(crashed.id)]
        )
        assert Outbox(new).count_pending() == 0
    finally:
        new.dispose()


async def test_two_notifiers_never_send_a_notification_twice(
    database: Database, receiver: Receiver, make_notifier: Callable[..., Notifier]
) -> None:
    for _ in range(10):
        create_case(database)
    receiver.delay_s = 0.05
    first, second = make_notifier(database, receiver.url), make_notifier(database, receiver.url)
    results = await asyncio.gather(first.deliver_due(), second.deliver_due(), first.deliver_due())
    assert sum(results) == 10
    assert len(receiver.requests) == 10


async def _until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_kick_delivers_in_the_background(
    database: Database, receiver: Receiver, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    notifier = make_notifier(database, receiver.url)
    notifier.kick()
    await _until(lambda: stored(database, notification).delivered_at is not None)
    assert len(receiver.requests) == 1


async def test_close_waits_for_kicked_deliveries(
    database: Database, receiver: Receiver, make_notifier: Callable[..., Notifier]
) -> None:
    _, notification = create_case(database)
    notifier = make_notifier(database, receiver.url)
    notifier.kick()
    await notifier.close()
    assert stored(database, notification).delivered_at is not None


def test_kick_without_an_event_loop_does_nothing(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    Notifier(Outbox(database), make_settings(None)).kick()
    assert "without a running event loop" in caplog.text


async def test_run_keeps_sweeping_after_errors(
    database: Database,
    receiver: Receiver,
    clock: Clock,
    make_notifier: Callable[..., Notifier],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notifier = make_notifier(database, receiver.url)
    outbox: Outbox = notifier._outbox  # noqa: SLF001 - inject one database failure
    real_claim = outbox.claim_due
    calls: List[int] = []

    def flaky_claim(*args: Any, **kwargs: Any) -> List[Notification]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is down")
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_due", flaky_claim)
    stop = asyncio.Event()
    task = asyncio.create_task(notifier.run(interval_s=0.02, stop=stop))
    _, notification = create_case(database)
    await _until(lambda: stored(database, notification).delivered_at is not None)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    assert len(calls) >= 2


async def test_logs_name_the_case_but_not_the_secret_or_the_taxpayer(
    database: Database,
    receiver: Receiver,
    clock: Clock,
    make_notifier: Callable[..., Notifier],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    case, _ = create_case(database)
    receiver.statuses = [500]
    notifier = make_notifier(database, receiver.url)
    await notifier.deliver_due()
    clock.advance(10)
    await notifier.deliver_due()
    assert case.reference in caplog.text and "HTTP 500" in caplog.text
    for private in (SECRET, case.intake.full_name, case.intake.phone, case.intake.email, "LT11"):
        assert private not in caplog.text
