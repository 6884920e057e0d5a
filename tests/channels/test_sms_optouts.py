"""The channel's opt-out guard: off the event loop, and safe when the database fails."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Set

import pytest

from channels.sms.optouts import OptOutGuard
from store.db import Database
from store.optouts import OptOutRepository

PHONE = "+15125550142"


class BrokenStore:
    """A store whose database is down."""

    def opt_out(self, phone: str, keyword: str, now: dt.datetime) -> bool:
        raise ConnectionError("database down")

    opt_in = opt_out

    def is_opted_out(self, phone: str) -> bool:
        raise ConnectionError("database down")


async def test_reads_and_writes_the_store_in_a_worker_thread(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'cases.db'}")
    database.migrate()
    threads: Set[str] = set()

    def factory() -> OptOutRepository:
        threads.add(threading.current_thread().name)
        return OptOutRepository(database)

    guard = OptOutGuard(factory)
    assert not await guard.is_opted_out(PHONE, when_unknown=True)
    assert await guard.opt_out(PHONE, "STOP") is True
    assert await guard.opt_out(PHONE, "STOP") is False
    assert await guard.is_opted_out(PHONE, when_unknown=False)
    assert OptOutRepository(database).is_opted_out(PHONE)
    assert await guard.opt_in(PHONE, "START") is True
    assert not await guard.is_opted_out(PHONE, when_unknown=True)
    assert threads and threading.main_thread().name not in threads
    database.dispose()


async def test_a_failing_database_falls_back_to_what_this_process_saw(caplog: pytest.LogCaptureFixture) -> None:
    guard = OptOutGuard(BrokenStore)
    assert await guard.is_opted_out(PHONE, when_unknown=True) is True  # never text an unknown number
    assert await guard.is_opted_out(PHONE, when_unknown=False) is False
    assert await guard.opt_out(PHONE, "STOP") is True  # STOP still honoured here
    assert await guard.is_opted_out(PHONE, when_unknown=False) is True
    assert await guard.opt_out(PHONE, "STOP") is False
    assert await guard.opt_in(PHONE, "START") is True
    assert await guard.is_opted_out(PHONE, when_unknown=True) is False
    assert "opt-out of +*******0142" in caplog.text and PHONE not in caplog.text
