"""When the case store is down at submit time: brief retries, then the durable spool and its replay.

The spool is tested on its own (file format, permissions, atomic writes, concurrent writers, masking,
replay exactly once) and through ``action_submit_case`` with a store that fails, hangs or recovers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any, Callable, List, Optional

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from services import casework
from services.case_spool import CaseSpool, Replayed, case_to_record, key_hash, record_to_case, replay
from services.casework import new_case, submit_case, sweep_spool
from services.triage import Triage
from settings.assistant import Settings
from store.cases import CaseRepository
from store.db import get_database
from store.records import NewCase
from tests.actions.conftest import names, only, run_action
from tests.actions.test_handoff import SENDER, SUBMIT, SUBMITTED, submit_tracker
from tests.actions.test_intake import PHONE

DOWN_URL = "sqlite:////proc/no-such-dir/cases.db"  # opening it fails like an unreachable server


def intake(key: str = "intake-1", sender: str = SENDER, **slots: Any) -> NewCase:
    return new_case(
        {**SUBMITTED, "intake_id": key, **slots}, "socketio", sender, Triage("critical", ["A levy is active."])
    )


def down() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


@pytest.fixture
def spool(tmp_path: Path) -> CaseSpool:
    return CaseSpool(tmp_path / "var" / "spool.jsonl")


@pytest.fixture
def repo(tmp_path: Path) -> CaseRepository:
    return CaseRepository(get_database(f"sqlite:///{tmp_path}/cases.db"))


# -- the spool file ------------------------------------------------------------------------------


def test_a_case_survives_the_round_trip(spool: CaseSpool) -> None:
    new = intake(amount_owed="12000.50", notice_date="2026-11-02")
    assert record_to_case(json.loads(json.dumps(case_to_record(new)))) == new
    assert spool.add(new) is True
    assert spool.pending() == [new]
    assert len(spool) == 1 and spool.has_pending()


def test_the_file_is_private_json_lines_and_leaves_no_temporary_files(spool: CaseSpool) -> None:
    spool.add(intake("a"))
    spool.add(intake("b"))
    assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(spool.path.parent.stat().st_mode) == 0o700
    lines = spool.path.read_text().splitlines()
    assert [json.loads(line)["case"]["intake"]["phone"] for line in lines] == [PHONE, PHONE]
    assert sorted(p.name for p in spool.path.parent.iterdir()) == ["spool.jsonl", "spool.jsonl.lock"]


def test_an_intake_is_spooled_once(spool: CaseSpool) -> None:
    assert spool.add(intake("a")) is True
    assert spool.add(intake("a")) is False
    assert len(spool) == 1


def test_identifiers_typed_into_free_text_are_masked_but_contact_details_kept(spool: CaseSpool) -> None:
    spool.add(intake(contact_time="mornings, my ssn is 123-45-6789", full_name="Jane Doe"))
    text = spool.path.read_text()
    assert "123-45-6789" not in text and "[SSN removed]" in text
    [kept] = spool.pending()
    assert (kept.intake.full_name, kept.intake.phone, kept.intake.email) == ("Jane Doe", PHONE, "jane@example.com")


def test_a_failed_rewrite_keeps_the_old_file(spool: CaseSpool, monkeypatch: pytest.MonkeyPatch) -> None:
    spool.add(intake("a"))
    before = spool.path.read_bytes()

    def fail(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        spool.add(intake("b"))
    assert spool.path.read_bytes() == before
    assert not [p for p in spool.path.parent.iterdir() if p.suffix == ".tmp"]


def test_concurrent_writers_lose_nothing(spool: CaseSpool) -> None:
    # Each thread opens the lock file itself, like separate processes would.
    threads = [threading.Thread(target=lambda i=i: CaseSpool(spool.path).add(intake(f"k{i}"))) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(new.idempotency_key for new in spool.pending()) == sorted(
        intake(f"k{i}").idempotency_key for i in range(16)
    )


def test_logs_name_a_hash_not_the_taxpayer(spool: CaseSpool, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    new = intake()
    spool.add(new)
    assert key_hash(new.idempotency_key) in caplog.text
    assert "Jane" not in caplog.text and PHONE not in caplog.text and SENDER not in caplog.text


# -- replay --------------------------------------------------------------------------------------


def test_replay_stores_each_case_exactly_once(spool: CaseSpool, repo: CaseRepository) -> None:
    spool.add(intake("a"))
    spool.add(intake("b"))
    create = lambda new: repo.create(new, ())  # noqa: E731
    assert replay(spool, create) == Replayed(created=2)
    assert replay(spool, create) == Replayed()
    spool.add(intake("a"))  # spooled again, e.g. a late answer from a store that had taken it
    assert replay(spool, create) == Replayed(existing=1)
    assert len(repo.list()) == 2 and not spool.has_pending()


def test_replay_stops_while_the_store_is_down_and_keeps_the_order(
    spool: CaseSpool, repo: CaseRepository, caplog: pytest.LogCaptureFixture
) -> None:
    for key in ("a", "b", "c"):
        spool.add(intake(key))
    calls: List[str] = []

    def flaky(new: NewCase):
        calls.append(new.idempotency_key)
        if len(calls) == 2:
            raise down()
        return repo.create(new, ())

    with caplog.at_level(logging.WARNING, logger="services.case_spool"):
        assert replay(spool, flaky) == Replayed(created=1, left=2)
    assert len(calls) == 2  # stopped at the first connection error
    assert "case store is unreachable (OperationalError): 2 spooled intakes wait" in caplog.text
    assert [new.idempotency_key for new in spool.pending()] == [intake(k).idempotency_key for k in ("b", "c")]


def test_an_entry_the_store_refuses_moves_aside(spool: CaseSpool, repo: CaseRepository) -> None:
    spool.add(intake("bad"))
    spool.add(intake("good"))

    def create(new: NewCase):
        if new.idempotency_key.endswith(":bad"):
            raise IntegrityError("INSERT", {}, ValueError("value too long"))
        return repo.create(new, ())

    assert replay(spool, create) == Replayed(created=1, rejected=1)
    assert not spool.has_pending()
    assert stat.S_IMODE(spool.rejected_path.stat().st_mode) == 0o600
    [rejected] = spool.rejected_path.read_text().splitlines()
    assert json.loads(rejected)["case"]["idempotency_key"].endswith(":bad")


async def test_the_desk_sweep_replays_and_reports(tmp_path: Path, repo: CaseRepository) -> None:
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path}/cases.db", case_spool_path=tmp_path / "spool.jsonl"
    )
    casework.case_spool(settings).add(intake("a"))
    stop, created = asyncio.Event(), []
    task = asyncio.create_task(sweep_spool(settings, repo, stop, on_created=lambda: created.append(1), interval_s=0.05))
    try:
        for _ in range(100):
            if repo.list():
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert len(repo.list()) == 1 and created == [1]


# -- action_submit_case while the store is down -----------------------------------------------------


@pytest.fixture
def outage(tmp_path: Path, use_settings: Callable[..., Settings]) -> Settings:
    return use_settings(
        database_url=DOWN_URL,
        case_store_retry_s=0.3,
        case_spool_path=tmp_path / "spool.jsonl",
        firm_phone="(512) 555-0100",
    )


async def test_store_down_the_lead_is_spooled_and_the_user_told(outage: Settings) -> None:
    started = time.monotonic()
    messages, events = await run_action(SUBMIT, submit_tracker({"levy_active": "yes"}))
    assert time.monotonic() - started < 3
    assert names(messages) == ["utter_case_received_later", "utter_case_priority_critical"]
    told = only(messages, "utter_case_received_later")
    assert (told["name"], told["method"], told["contact"]) == ("Jane", "text message", " Phone: (512) 555-0100")
    assert events == []  # no case reference yet; the intake id was set before
    [kept] = casework.case_spool(outage).pending()
    assert kept.idempotency_key == f"socketio:{SENDER}:intake-1" and kept.priority == "critical"


class FlakyStore:
    """A case repository that fails ``failures`` times, or hangs until released, then works."""

    def __init__(self, real: CaseRepository, failures: int = 0, hang: Optional[threading.Event] = None) -> None:
        self.real, self.failures, self.hang, self.calls = real, failures, hang, 0

    def create(self, new: NewCase, notify: Any = ()):
        self.calls += 1
        if self.hang is not None:
            self.hang.wait(10)
        if self.calls <= self.failures:
            raise down()
        return self.real.create(new, notify)

    def __getattr__(self, name: str) -> Any:
        # Everything else works: within business hours the handoff also sets the case's status.
        return getattr(self.real, name)


def install_store(monkeypatch: pytest.MonkeyPatch, store: FlakyStore) -> None:
    monkeypatch.setattr(casework, "case_repository", lambda *_: store)


# Whether the firm is open decides whether the handoff also sets the case's status: test both,
# whatever the time of the run.
@pytest.mark.parametrize(
    "days, hours, handed_off, status",
    [
        ("mon,tue,wed,thu,fri,sat,sun", "00:00-24:00", "utter_handoff_live", "waiting"),
        ("mon", "00:00-00:01", "utter_handoff_later", "new"),
    ],
    ids=["open", "closed"],
)
async def test_a_brief_outage_is_ridden_out_by_the_retries(
    tmp_path: Path,
    repo: CaseRepository,
    use_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
    days: str,
    hours: str,
    handed_off: str,
    status: str,
) -> None:
    settings = use_settings(
        database_url=f"sqlite:///{tmp_path}/cases.db",
        case_store_retry_s=3.0,
        case_spool_path=tmp_path / "spool.jsonl",
        business_days=days,
        business_hours=hours,
    )
    store = FlakyStore(repo, failures=2)
    install_store(monkeypatch, store)
    messages, _ = await run_action(SUBMIT, submit_tracker())
    assert "utter_case_created" in names(messages) and handed_off in names(messages)
    assert store.calls == 3 and [case.status for case in repo.list()] == [status]
    assert not casework.case_spool(settings).has_pending()


async def test_a_hung_store_is_given_up_on_within_the_budget(
    tmp_path: Path, repo: CaseRepository, use_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = use_settings(
        database_url=f"sqlite:///{tmp_path}/cases.db", case_store_retry_s=0.2, case_spool_path=tmp_path / "spool.jsonl"
    )
    release = threading.Event()
    install_store(monkeypatch, FlakyStore(repo, hang=release))
    started = time.monotonic()
    try:
        submitted = await submit_case(settings, intake())
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert submitted.spooled and elapsed < casework.MIN_ATTEMPT_S + 1.0
    for _ in range(100):  # the hung attempt completes late: the case exists, and the spool too
        if repo.list():
            break
        await asyncio.sleep(0.05)
    assert replay(casework.case_spool(settings), lambda new: repo.create(new, ())) == Replayed(existing=1)
    assert len(repo.list()) == 1


async def test_the_next_submit_replays_the_spool(
    tmp_path: Path, repo: CaseRepository, use_settings: Callable[..., Settings]
) -> None:
    settings = use_settings(database_url=f"sqlite:///{tmp_path}/cases.db", case_spool_path=tmp_path / "spool.jsonl")
    waiting = intake("earlier", sender="conv-0")
    casework.case_spool(settings).add(waiting)
    await run_action(SUBMIT, submit_tracker())
    await asyncio.wait_for(asyncio.gather(*list(casework._REPLAYS)), timeout=10)
    assert sorted(case.sender_id for case in repo.list()) == ["conv-0", SENDER]
    assert not casework.case_spool(settings).has_pending()


async def test_after_the_outage_the_same_intake_is_not_stored_twice(
    outage: Settings, tmp_path: Path, use_settings: Callable[..., Settings], repo: CaseRepository
) -> None:
    await run_action(SUBMIT, submit_tracker())
    use_settings(**{**outage.dict(), "database_url": f"sqlite:///{tmp_path}/cases.db"})
    messages, _ = await run_action(SUBMIT, submit_tracker())  # the user asks again, same intake id
    await asyncio.wait_for(asyncio.gather(*list(casework._REPLAYS)), timeout=10)
    assert "utter_case_created" in names(messages)
    assert len(repo.list()) == 1 and not casework.case_spool(outage).has_pending()
