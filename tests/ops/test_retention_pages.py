"""Retention of attached notice pages: they go with their conversation's closed, old case."""

from __future__ import annotations

import datetime as dt
from typing import Tuple

from ops.retention import RetentionSettings, run
from store.db import Database
from store.notice_pages import NoticePageRepository
from store.records import STATUS_CLOSED, STATUS_WAITING
from store.tables import cases
from tests.ops.retention_data import DAYS, NOW, add_case

JPEG = b"\xff\xd8\xff" + b"p" * 64


def sender_of(database: Database, case_id: int) -> str:
    with database.engine.connect() as connection:
        return connection.execute(cases.select().where(cases.c.id == case_id)).one().sender_id


def test_pages_go_with_old_closed_cases_and_stay_with_open_ones(stores: Tuple[Database, RetentionSettings]) -> None:
    database, settings = stores
    pages = NoticePageRepository(database)
    closed, waiting = add_case(database, STATUS_CLOSED, 400), add_case(database, STATUS_WAITING, 700)
    old = NOW - dt.timedelta(days=400)
    gone = pages.add(sender_of(database, closed), JPEG, "image/jpeg", old)
    kept = pages.add(sender_of(database, waiting), JPEG, "image/jpeg", old)
    recent = pages.add("web:recent", JPEG, "image/jpeg", NOW - dt.timedelta(days=2))

    assert run(settings, DAYS, dry_run=True, now=NOW).notice_pages == 1
    assert pages.get(gone) is not None
    report = run(settings, DAYS, dry_run=False, now=NOW)
    assert report.notice_pages == 1 and "1 attached notice pages deleted" in "\n".join(report.lines(False))
    assert pages.get(gone) is None and pages.get(kept) is not None and pages.get(recent) is not None
