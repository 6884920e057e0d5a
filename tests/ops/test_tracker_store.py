"""The durable SQL tracker store on SQLite and on the real PostgreSQL, with an outage in between."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import psycopg2
import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import exc as sa_exc

from ops.tracker_store import DurableSQLTrackerStore, is_outage
from tests.services_up import ensure_postgres
from tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"


class CollectingBroker(EventBroker):
    """Keeps what would be published."""

    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture()
def pg_database() -> Iterator[str]:
    ensure_postgres(ADMIN_DSN)
    name = "trk_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(ADMIN_DSN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')  # name is generated above, not input
    try:
        yield name
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def turn(tracker: DialogueStateTracker, domain: Domain, text: str) -> None:
    tracker.update_with_events(
        [
            UserUttered(text, {"name": "greet", "confidence": 1.0}),
            ActionExecuted("utter_greet"),
            BotUttered("Hello!"),
            ActionExecuted("action_listen"),
        ],
        domain,
    )


async def test_round_trip_appends_only_new_events_and_publishes_each_once(tmp_path: Path, domain: Domain) -> None:
    broker = CollectingBroker()
    store = DurableSQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 't.db'}", event_broker=broker)
    tracker = DialogueStateTracker("sender-1", domain.slots)
    turn(tracker, domain, "hi")
    await store.save(tracker)
    turn(tracker, domain, "hello again")
    tracker.update(SlotSet("full_name", "Jane Doe"))
    await store.save(tracker)
    await store.save(tracker)  # nothing new: nothing written or published

    stored = await store.retrieve("sender-1")
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in tracker.events]
    assert [b["event"] for b in broker.published] == [e.as_dict()["event"] for e in tracker.events]
    assert all(body["sender_id"] == "sender-1" for body in broker.published)
    assert await store.keys() == ["sender-1"]
    assert await store.retrieve("nobody") is None


def test_an_empty_url_is_refused_with_a_clear_message(domain: Domain) -> None:
    with pytest.raises(ValueError, match="TRACKER_STORE_URL"):
        DurableSQLTrackerStore(domain=domain, host="")


def test_rasa_builds_it_from_the_endpoints_entry(tmp_path: Path, domain: Domain) -> None:
    config = EndpointConfig(
        url=f"sqlite:///{tmp_path / 'e.db'}", type="ops.tracker_store.DurableSQLTrackerStore", retry_s=12
    )
    store = create_tracker_store(config, domain)
    assert isinstance(store, DurableSQLTrackerStore)
    assert store.retry_s == 12


def test_only_connection_failures_count_as_an_outage() -> None:
    assert is_outage(sa_exc.OperationalError("select", {}, Exception("refused")))
    assert not is_outage(sa_exc.IntegrityError("insert", {}, Exception("duplicate")))
    assert not is_outage(ValueError("no"))


async def test_a_save_during_a_postgresql_outage_waits_and_lands_once(pg_database: str, domain: Domain) -> None:
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    broker = CollectingBroker()
    store = DurableSQLTrackerStore(
        domain=domain,
        host=f"postgresql://postgres@127.0.0.1:{proxy.port}/{pg_database}",
        event_broker=broker,
        retry_s=30,
    )
    tracker = DialogueStateTracker("sender-pg", domain.slots)
    turn(tracker, domain, "first")
    await store.save(tracker)

    proxy.cut()
    turn(tracker, domain, "during the outage")
    started = time.monotonic()
    saving = asyncio.create_task(store.save(tracker))
    await asyncio.sleep(2.0)
    assert not saving.done(), "the save should wait for the database"
    proxy.restore()
    await asyncio.wait_for(saving, timeout=20)
    assert time.monotonic() - started >= 2.0

    stored = await store.retrieve("sender-pg")
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in tracker.events]
    assert len(broker.published) == len(tracker.events)
    proxy.cut()
    store.engine.dispose()


async def test_a_read_during_an_outage_waits_instead_of_starting_the_conversation_over(
    pg_database: str, domain: Domain
) -> None:
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    store = DurableSQLTrackerStore(
        domain=domain, host=f"postgresql://postgres@127.0.0.1:{proxy.port}/{pg_database}", retry_s=30
    )
    tracker = DialogueStateTracker("sender-read", domain.slots)
    turn(tracker, domain, "hi")
    await store.save(tracker)
    proxy.cut()
    reading = asyncio.create_task(store.retrieve("sender-read"))
    await asyncio.sleep(1.5)
    proxy.restore()
    stored = await asyncio.wait_for(reading, timeout=20)
    assert stored is not None and len(stored.events) == len(tracker.events)
    proxy.cut()
    store.engine.dispose()


async def test_it_gives_up_after_the_retry_budget(pg_database: str, domain: Domain) -> None:
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    store = DurableSQLTrackerStore(
        domain=domain, host=f"postgresql://postgres@127.0.0.1:{proxy.port}/{pg_database}", retry_s=1.5
    )
    proxy.cut()
    tracker = DialogueStateTracker("sender-gone", domain.slots)
    turn(tracker, domain, "hi")
    started = time.monotonic()
    with pytest.raises(sa_exc.OperationalError):
        await store.save(tracker)
    assert 1.0 <= time.monotonic() - started < 10
    store.engine.dispose()


async def test_a_number_that_slipped_past_the_channels_is_masked_in_rows_and_broker(
    tmp_path: Path, domain: Domain
) -> None:
    broker = CollectingBroker()
    path = tmp_path / "pii.db"
    store = DurableSQLTrackerStore(domain=domain, host=f"sqlite:///{path}", event_broker=broker)
    tracker = DialogueStateTracker("sender-pii", domain.slots)
    tracker.update(
        UserUttered(
            "my ssn is 123-45-6789",
            {"name": "inform", "confidence": 1.0},
            parse_data={"text": "my ssn is 123-45-6789", "intent": {"name": "inform", "confidence": 1.0}},
        )
    )
    await store.save(tracker)
    raw = sqlite3.connect(path).execute("SELECT data FROM events").fetchall()
    assert raw and not any("6789" in row[0] for row in raw)
    assert "6789" not in json.dumps(broker.published)
    assert "[SSN removed]" in raw[0][0]


async def test_sqlite_runs_with_a_write_ahead_log(tmp_path: Path, domain: Domain) -> None:
    store = DurableSQLTrackerStore(domain=domain, host=f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def untimed(events: Any) -> List[Dict[str, Any]]:
    """Events as stored, without their timestamps (two trackers played the same turns)."""
    return [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in events]


def notice_turn(tracker: DialogueStateTracker, domain: Domain, code: str) -> None:
    tracker.update_with_events(
        [
            UserUttered(f"I got a {code}", {"name": "notice_code", "confidence": 1.0}),
            ActionExecuted("action_explain_notice"),
            SlotSet("notice_code", code),
            BotUttered(f"A {code} means..."),
            ActionExecuted("action_listen"),
        ],
        domain,
    )


async def test_rasa_gets_a_bounded_tracker_while_every_event_is_kept(tmp_path: Path, domain: Domain) -> None:
    broker = CollectingBroker()
    store = DurableSQLTrackerStore(
        domain=domain, host=f"sqlite:///{tmp_path / 'long.db'}", event_broker=broker, keep_turns=5
    )
    full = DialogueStateTracker("long", domain.slots)
    notice_turn(full, domain, "CP2000")
    await store.save(full)
    sizes = []
    for n in range(60):  # each turn as Rasa plays it: read, add the turn, save the same object
        tracker = await store.retrieve("long")
        turn(tracker, domain, f"message {n}")
        turn(full, domain, f"message {n}")
        await store.save(tracker)
        sizes.append(len(tracker.events))

    assert max(sizes[20:]) == min(sizes[20:]) < 40  # the window stops growing
    window = await store.retrieve("long")
    assert window.get_slot("notice_code") == "CP2000"  # the remembered notice, 60 turns on
    assert window.current_slot_values() == full.current_slot_values()
    assert window.past_states(domain)[-8:] == full.past_states(domain)[-8:]
    assert untimed(window.events)[-20:] == untimed(full.events)[-20:]

    transcript = await store.retrieve_full_tracker("long")
    assert untimed(transcript.events) == untimed(full.events)
    assert [b["event"] for b in broker.published] == [e.as_dict()["event"] for e in full.events]


async def test_a_window_survives_a_restart_a_new_session_and_a_deleted_conversation(
    tmp_path: Path, domain: Domain
) -> None:
    path = f"sqlite:///{tmp_path / 'restart.db'}"
    store = DurableSQLTrackerStore(domain=domain, host=path, keep_turns=3)
    tracker = DialogueStateTracker("s", domain.slots)
    notice_turn(tracker, domain, "LT11")
    for n in range(10):
        turn(tracker, domain, f"m{n}")
    await store.save(tracker)
    first = await store.retrieve("s")
    notice_turn(first, domain, "CP504")
    await store.save(first)

    fresh = DurableSQLTrackerStore(domain=domain, host=path, keep_turns=3)  # no checkpoint in memory
    again = await fresh.retrieve("s")
    assert again.get_slot("notice_code") == "CP504"
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in (await store.retrieve("s")).events]

    again.update_with_events(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")], domain
    )
    await fresh.save(again)
    new_session = await fresh.retrieve("s")
    assert [e.type_name for e in new_session.events][-2:] == ["session_started", "action"]  # as Rasa reads a session

    with fresh.session_scope() as session:  # retention deletes a whole conversation
        session.query(fresh.SQLEvent).filter(fresh.SQLEvent.sender_id == "s").delete()
        session.commit()
    assert await fresh.retrieve("s") is None
    reborn = DialogueStateTracker("s", domain.slots)
    turn(reborn, domain, "hello")
    await fresh.save(reborn)
    assert (await fresh.retrieve("s")).get_slot("notice_code") is None  # nothing of the deleted one
