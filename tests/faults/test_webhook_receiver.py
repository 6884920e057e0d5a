"""The firm's webhook receiver is down for a while: nothing is lost, with the real desk process.

What tests/integration/test_handoff.py does not cover: the receiver refusing connections for
several attempts (not one HTTP 500), several cases waiting at once, the desk restarted while they
wait, and a receiver that comes back failing once more. The backoff itself is unit-tested in
tests/services/test_delivery.py.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest
from sqlalchemy import select

from services.signing import verify
from store.cases import CaseRepository
from store.db import Database
from store.tables import notifications
from tests.faults.conftest import postgres_schema
from tests.integration.receiver import Receiver
from tests.integration.servers import free_port, running_desk
from tests.store.factories import make_new_case

SECRET = "webhook-secret-for-fault-tests"
CASES = 3


@pytest.fixture
def schema() -> Iterator[Dict[str, str]]:
    with postgres_schema() as created:
        yield created


def outbox(database: Database) -> List[Dict]:
    with database.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(notifications).order_by(notifications.c.id))]


def wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def test_a_receiver_down_across_a_desk_restart_gets_every_case(schema: Dict[str, str], tmp_path: Path) -> None:
    port = free_port()  # nobody listens here yet: every delivery is refused
    env = {
        **os.environ,
        "DATABASE_URL": schema["direct"],
        "HANDOFF_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "HANDOFF_WEBHOOK_SECRET": SECRET,
        "RETRY_BASE_S": "0.5",
        "RETRY_MAX_S": "2",
        "RASA_URL": "http://127.0.0.1:9",
        "RASA_JWT_SECRET": uuid.uuid4().hex,
        "DESK_ENV": "development",
        "DESK_ADMIN_PASSWORD_FILE": str(tmp_path / "desk-admin.txt"),
        "CASE_SPOOL_PATH": str(tmp_path / "spool.jsonl"),
    }
    database = Database(schema["direct"])
    database.migrate()
    repository = CaseRepository(database)
    receiver = None
    try:
        with running_desk(tmp_path, env):
            references = {
                repository.create(make_new_case(sender_id=f"s{i}"), ["webhook"])[0].reference for i in range(CASES)
            }
            assert wait_until(lambda: all(row["attempts"] >= 2 for row in outbox(database)), timeout_s=30), outbox(
                database
            )
            assert all(row["delivered_at"] is None and row["last_error"] for row in outbox(database))
        # The desk stops and starts again while the receiver is still down.
        with running_desk(tmp_path, env):
            time.sleep(3)
            assert all(row["delivered_at"] is None for row in outbox(database))
            receiver = Receiver(port=port)
            receiver.statuses.append(503)  # back, but failing once more
            receiver.start()
            assert wait_until(lambda: all(row["delivered_at"] for row in outbox(database)), timeout_s=30), outbox(
                database
            )
        delivered = [item for item in receiver.on("/hook")]
        assert {item.json()["reference"] for item in delivered} == references  # nothing lost
        for item in delivered:
            assert verify(
                SECRET, item.body, item.headers["X-Handoff-Timestamp"], item.headers["X-Handoff-Signature"], time.time()
            )
        # At least once, and a duplicate carries the same delivery id for the receiver to drop.
        ids = {item.headers["X-Handoff-Delivery"] for item in delivered}
        assert len(ids) == CASES
    finally:
        if receiver is not None:
            receiver.stop()
        database.dispose()
