"""The outbox: exclusive claims with leases, delivery and failure bookkeeping."""

from __future__ import annotations

import datetime as dt
import threading
from typing import List

import pytest

from store.cases import CaseRepository
from store.db import Database
from store.outbox import Outbox
from store.records import Notification
from tests.store.factories import make_new_case

UTC = dt.timezone.utc
LEASE = dt.timedelta(seconds=60)


@pytest.fixture()
def outbox(database: Database) -> Outbox:
    return Outbox(database)


def _queue(database: Database, count: int, kinds=("webhook",)) -> None:  # type: ignore[no-untyped-def]
    repo = CaseRepository(database)
    for _ in range(count):
        repo.create(make_new_case(), notify=list(kinds))


def _later(seconds: float) -> dt.datetime:
    return dt.datetime.now(UTC) + dt.timedelta(seconds=seconds)


def test_claim_due_leases_rows_once(database: Database, outbox: Outbox) -> None:
    _queue(database, 3)
    now = _later(1)
    first = outbox.claim_due(now, LEASE)
    assert len(first) == 3
    assert outbox.claim_due(now, LEASE) == []
    assert outbox.claim_due(now + LEASE - dt.timedelta(seconds=1), LEASE) == []


def test_claim_due_respects_limit_and_due_time(database: Database, outbox: Outbox) -> None:
    _queue(database, 3)
    assert outbox.claim_due(_later(-3600), LEASE) == []  # created after that
    assert len(outbox.claim_due(_later(1), LEASE, limit=2)) == 2
    assert len(outbox.claim_due(_later(1), LEASE, limit=2)) == 1


def test_a_lease_expires_and_the_row_is_claimed_again(database: Database, outbox: Outbox) -> None:
    _queue(database, 1)
    now = _later(1)
    [claimed] = outbox.claim_due(now, LEASE)
    [again] = outbox.claim_due(now + LEASE + dt.timedelta(seconds=1), LEASE)
    assert again.id == claimed.id


def test_simultaneous_claims_get_disjoint_rows(database: Database, outbox: Outbox) -> None:
    _queue(database, 30)
    now = _later(1)
    barrier = threading.Barrier(6)
    batches: List[List[Notification]] = []
    errors: List[BaseException] = []

    def claim() -> None:
        worker = Outbox(database)
        barrier.wait()
        try:
            batches.append(worker.claim_due(now, LEASE, limit=30))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == 30


def test_claims_from_two_database_objects_are_disjoint(database: Database) -> None:
    """Two processes: separate engines and connection pools on one database."""
    _queue(database, 10)
    other = Database(database.url)
    try:
        now = _later(1)
        mine = Outbox(database).claim_due(now, LEASE, limit=5)
        theirs = Outbox(other).claim_due(now, LEASE, limit=10)
        assert len(mine) == 5 and len(theirs) == 5
        assert not {item.id for item in mine} & {item.id for item in theirs}
    finally:
        other.dispose()


def test_mark_delivered(database: Database, outbox: Outbox) -> None:
    _queue(database, 2)
    now = _later(1)
    first, second = outbox.claim_due(now, LEASE)
    outbox.mark_delivered(first.id, now)
    delivered = outbox.get(first.id)
    assert delivered is not None and delivered.delivered_at == now
    assert [item.id for item in outbox.pending()] == [second.id]
    assert outbox.count_pending() == 1
    # Delivered rows are never claimed again, even after their lease would have expired.
    assert [item.id for item in outbox.claim_due(now + 2 * LEASE, LEASE)] == [second.id]


def test_mark_failed_counts_and_reschedules(database: Database, outbox: Outbox) -> None:
    _queue(database, 1)
    now = _later(1)
    [item] = outbox.claim_due(now, LEASE)
    retry_at = now + dt.timedelta(seconds=10)
    outbox.mark_failed(item.id, "HTTP 500 " + "x" * 1000, retry_at)
    failed = outbox.get(item.id)
    assert failed is not None
    assert (failed.attempts, failed.next_attempt_at, failed.delivered_at) == (1, retry_at, None)
    assert failed.last_error is not None and len(failed.last_error) == 500 and failed.last_error.startswith("HTTP 500")
    # The lease is released, but the row waits for its next attempt time.
    assert outbox.claim_due(now, LEASE) == []
    [again] = outbox.claim_due(retry_at, LEASE)
    outbox.mark_failed(again.id, "timeout", retry_at + dt.timedelta(seconds=20))
    assert outbox.get(item.id).attempts == 2  # type: ignore[union-attr]


def test_postpone_does_not_count_an_attempt(database: Database, outbox: Outbox) -> None:
    _queue(database, 1)
    now = _later(1)
    [item] = outbox.claim_due(now, LEASE)
    outbox.postpone(item.id, "not configured", now + dt.timedelta(seconds=60))
    postponed = outbox.get(item.id)
    assert postponed is not None and (postponed.attempts, postponed.last_error) == (0, "not configured")
    assert outbox.claim_due(now + dt.timedelta(seconds=61), LEASE) != []


def test_a_claim_does_not_take_a_row_rescheduled_in_between(database: Database, outbox: Outbox) -> None:
    _queue(database, 1)
    now = _later(1)
    [item] = outbox.claim_due(now, LEASE)
    outbox.mark_failed(item.id, "HTTP 502", now + dt.timedelta(seconds=30))
    assert outbox.claim_due(now, LEASE) == []


def test_pending_and_for_case(database: Database, outbox: Outbox) -> None:
    _queue(database, 2, kinds=("webhook", "email"))
    pending = outbox.pending()
    assert len(pending) == 4 and outbox.count_pending() == 4
    assert len(outbox.pending(limit=3)) == 3
    case_id = pending[0].case_id
    assert [item.kind for item in outbox.for_case(case_id)] == ["webhook", "email"]
    assert outbox.get(10_000) is None
