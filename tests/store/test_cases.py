"""The case repository: idempotent creation with its outbox rows, lookups, the desk's list, the log."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from typing import Iterator, List, Tuple

import pytest
from sqlalchemy import func, select

from store import cases as cases_module
from store.cases import CaseNotFound, CaseRepository, case_payload
from store.db import Database
from store.outbox import Outbox
from store.pros import ProRepository
from store.records import Case
from store.tables import cases, notifications
from tests.store.factories import make_new_case

D = dt.date


@pytest.fixture()
def repo(database: Database) -> CaseRepository:
    return CaseRepository(database, "MTS")


def _count(database: Database, table) -> int:  # type: ignore[no-untyped-def]
    with database.session() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_create_stores_the_case_its_event_and_one_notification_per_kind(
    repo: CaseRepository, database: Database
) -> None:
    new = make_new_case()
    case, created = repo.create(new, notify=["webhook", "email"])
    assert created
    assert case.reference.startswith("MTS-") and len(case.reference) == 9
    assert (case.status, case.priority, case.deadline) == ("new", "critical", D(2026, 12, 1))
    assert case.intake == new.intake
    assert case.intake.amount_owed == Decimal("12500.00")
    assert case.created_at.tzinfo is not None and case.created_at == case.updated_at
    assert repo.get(case.reference) == case
    [event] = repo.events(case.reference)
    assert (event.kind, event.actor) == ("created", "bot")
    queued = Outbox(database).pending()
    assert [item.kind for item in queued] == ["webhook", "email"]
    for item in queued:
        assert item.payload == {**case_payload(case), "event": "case.created"}
        assert (item.attempts, item.case_id, item.delivered_at) == (0, case.id, None)


def test_the_conversation_language_is_stored_and_sent_with_the_case(repo: CaseRepository, database: Database) -> None:
    spanish, _ = repo.create(make_new_case(intake={"language": "es"}), notify=["webhook"])
    english, _ = repo.create(make_new_case())
    assert repo.get(spanish.reference).intake.language == "es"
    assert repo.get(english.reference).intake.language == "en"
    [item] = Outbox(database).pending()
    assert item.payload["intake"]["language"] == "es"


def test_create_without_notifications(repo: CaseRepository, database: Database) -> None:
    repo.create(make_new_case())
    assert Outbox(database).count_pending() == 0


def test_create_is_idempotent_per_key(repo: CaseRepository, database: Database) -> None:
    new = make_new_case()
    first, created_first = repo.create(new, notify=["webhook"])
    second, created_second = repo.create(
        make_new_case(idempotency_key=new.idempotency_key, priority="normal"), notify=["webhook", "email"]
    )
    assert (created_first, created_second) == (True, False)
    assert second == first
    assert _count(database, cases) == 1
    assert _count(database, notifications) == 1
    assert len(repo.events(first.reference)) == 1


def test_concurrent_creates_with_one_key_store_one_case(repo: CaseRepository, database: Database) -> None:
    new = make_new_case()
    barrier = threading.Barrier(8)
    results: List[Tuple[Case, bool]] = []
    errors: List[BaseException] = []

    def create() -> None:
        barrier.wait()
        try:
            results.append(repo.create(new, notify=["webhook"]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(created for _, created in results) == [False] * 7 + [True]
    assert len({case.id for case, _ in results}) == 1
    assert _count(database, cases) == 1
    assert _count(database, notifications) == 1


def test_a_reference_collision_retries_with_a_new_reference(
    repo: CaseRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    references: Iterator[str] = iter(["MTS-22222", "MTS-22222", "MTS-33333"])
    monkeypatch.setattr(cases_module, "new_reference", lambda prefix: next(references))
    first, _ = repo.create(make_new_case())
    second, created = repo.create(make_new_case())
    assert created and (first.reference, second.reference) == ("MTS-22222", "MTS-33333")


@pytest.mark.parametrize("changes", [{"priority": "urgent"}, {"status": "open"}])
def test_create_rejects_unknown_values(repo: CaseRepository, changes: dict) -> None:
    with pytest.raises(ValueError):
        repo.create(make_new_case(**changes))


def test_create_rejects_unknown_notification_kinds(repo: CaseRepository) -> None:
    with pytest.raises(ValueError):
        repo.create(make_new_case(), notify=["pager"])


def test_get_and_latest_for_sender(repo: CaseRepository) -> None:
    older, _ = repo.create(make_new_case(sender_id="conv-1"))
    newer, _ = repo.create(make_new_case(sender_id="conv-1"))
    repo.create(make_new_case(sender_id="conv-2"))
    assert repo.get(older.reference.lower()) == older
    assert repo.get("MTS-ZZZZZ") is None
    assert repo.latest_for_sender("conv-1") == newer
    assert repo.latest_for_sender("nobody") is None


def test_list_orders_by_priority_then_deadline_then_age(repo: CaseRepository) -> None:
    specs = [
        ("normal-a", "normal", None),
        ("critical-late", "critical", D(2026, 12, 20)),
        ("high-none", "high", None),
        ("critical-none", "critical", None),
        ("critical-soon", "critical", D(2026, 12, 2)),
        ("high-soon", "high", D(2026, 12, 5)),
        ("normal-b", "normal", None),
    ]
    for sender, priority, deadline in specs:
        repo.create(make_new_case(sender_id=sender, priority=priority, deadline=deadline))
    assert [case.sender_id for case in repo.list()] == [
        "critical-soon",
        "critical-late",
        "critical-none",
        "high-soon",
        "high-none",
        "normal-a",
        "normal-b",
    ]
    assert [case.sender_id for case in repo.list(limit=2)] == ["critical-soon", "critical-late"]
    assert [case.sender_id for case in repo.list(priorities=["high"])] == ["high-soon", "high-none"]


def test_list_filters_by_status(repo: CaseRepository) -> None:
    waiting, _ = repo.create(make_new_case())
    repo.create(make_new_case())
    repo.set_status(waiting.reference, "waiting", "bot")
    assert [case.id for case in repo.list(statuses=["waiting"])] == [waiting.id]
    assert len(repo.list(statuses=["new", "waiting"])) == 2
    assert repo.list(statuses=[]) == []


@pytest.mark.parametrize(
    "query, matches",
    [
        ("jane", ["jane"]),
        ("DOE", ["jane"]),
        ("smith", ["bob"]),
        ("bob@EXAMPLE", ["bob"]),
        ("(512) 555-0142", ["jane"]),
        ("+15125550199", ["bob"]),
        ("cp504", ["jane"]),
        ("CP14", ["bob"]),
        ("100%", []),  # % is a character to find, not a wildcard
        ("_", []),
        ("nobody", []),
    ],
)
def test_list_searches_name_phone_email_and_notice_codes(repo: CaseRepository, query: str, matches: List[str]) -> None:
    repo.create(make_new_case(sender_id="jane"))
    repo.create(
        make_new_case(
            sender_id="bob",
            intake=dict(full_name="Bob Smith", phone="+15125550199", email="bob@example.com", notice_codes=["CP14"]),
        )
    )
    assert sorted(case.sender_id for case in repo.list(query=query)) == matches


def test_list_searches_references_as_typed(repo: CaseRepository) -> None:
    case, _ = repo.create(make_new_case())
    repo.create(make_new_case())
    code = case.reference.split("-")[1]
    for query in (case.reference, case.reference.lower(), f"mts {code.lower()}", code):
        assert [found.id for found in repo.list(query=query)] == [case.id], query


def test_set_status_logs_each_change(repo: CaseRepository) -> None:
    case, _ = repo.create(make_new_case())
    waiting = repo.set_status(case.reference, "waiting", "bot")
    talking = repo.set_status(case.reference, "in_conversation", "ann", note="called back")
    same = repo.set_status(case.reference, "in_conversation", "ann")
    assert (waiting.status, talking.status, same) == ("waiting", "in_conversation", talking)
    assert talking.updated_at > case.updated_at
    log = repo.events(case.reference)
    assert [(event.kind, event.actor, event.body) for event in log] == [
        ("created", "bot", f"Case {case.reference} created"),
        ("status", "bot", "new → waiting"),
        ("status", "ann", "waiting → in_conversation: called back"),
    ]
    assert log[2].data == {"from": "waiting", "to": "in_conversation"}


def test_set_status_with_the_same_status_keeps_the_note(repo: CaseRepository) -> None:
    case, _ = repo.create(make_new_case())
    repo.set_status(case.reference, "new", "ann", note="left a voicemail")
    assert [(event.kind, event.body) for event in repo.events(case.reference)][1:] == [("note", "left a voicemail")]


def test_unknown_references_and_bad_values_raise(repo: CaseRepository) -> None:
    case, _ = repo.create(make_new_case())
    with pytest.raises(CaseNotFound):
        repo.set_status("MTS-ZZZZZ", "waiting", "bot")
    with pytest.raises(ValueError):
        repo.set_status(case.reference, "done", "bot")
    with pytest.raises(CaseNotFound):
        repo.assign("MTS-ZZZZZ", None)
    with pytest.raises(CaseNotFound):
        repo.add_event("MTS-ZZZZZ", "note", "ann", "hello")
    with pytest.raises(ValueError):
        repo.add_event(case.reference, "gossip", "ann", "hello")
    with pytest.raises(CaseNotFound):
        repo.events("MTS-ZZZZZ")


def test_assign(repo: CaseRepository, database: Database) -> None:
    ProRepository(database).add("ann", "Ann Lee", None)
    case, _ = repo.create(make_new_case())
    assert repo.assign(case.reference, "ann").assigned_to == "ann"
    with pytest.raises(ValueError):
        repo.assign(case.reference, "nobody")
    assert repo.assign(case.reference, None).assigned_to is None


def test_add_event_and_events_oldest_first(repo: CaseRepository) -> None:
    case, _ = repo.create(make_new_case())
    note = repo.add_event(case.reference, "note", "ann", "asked for the CP504", {"source": "phone"})
    message = repo.add_event(case.reference, "message", "ann", "Hi Jane, this is Ann.")
    assert (note.case_id, note.data, message.data) == (case.id, {"source": "phone"}, {})
    assert [event.kind for event in repo.events(case.reference)] == ["created", "note", "message"]
    assert repo.events(case.reference)[1:] == [note, message]


def test_counts_by_status(repo: CaseRepository) -> None:
    assert repo.counts_by_status() == {"new": 0, "waiting": 0, "in_conversation": 0, "closed": 0}
    first, _ = repo.create(make_new_case())
    repo.create(make_new_case())
    repo.set_status(first.reference, "closed", "ann")
    assert repo.counts_by_status() == {"new": 1, "waiting": 0, "in_conversation": 0, "closed": 1}


def test_case_payload_is_json_ready(repo: CaseRepository) -> None:
    case, _ = repo.create(make_new_case())
    payload = case_payload(case)
    assert json.loads(json.dumps(payload)) == payload
    assert payload["reference"] == case.reference
    assert payload["deadline"] == "2026-12-01"
    assert payload["created_at"] == case.created_at.isoformat() and payload["created_at"].endswith("+00:00")
    intake = payload["intake"]
    assert (intake["amount_owed"], intake["notice_date"], intake["tax_years"]) == (
        "12500.00",
        "2026-11-20",
        [2022, 2023],
    )
    assert intake["consent"] == {
        "wording": case.intake.consent.wording,
        "given_at": "2026-11-26T15:04:05.123456+00:00",
        "channel": "twilio",
        "contact_method": "sms",
    }


def test_case_payload_without_optional_values(repo: CaseRepository) -> None:
    case, _ = repo.create(
        make_new_case(
            deadline=None, intake=dict(amount_owed=None, notice_date=None, phone=None, notice_codes=[], tax_years=[])
        )
    )
    payload = case_payload(case)
    assert (payload["deadline"], payload["intake"]["amount_owed"], payload["intake"]["phone"]) == (None, None, None)
    assert json.loads(json.dumps(payload)) == payload
