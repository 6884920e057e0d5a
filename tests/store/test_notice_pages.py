"""Attached notice pages in the case store, on SQLite and PostgreSQL: stored, listed, purged."""

from __future__ import annotations

import datetime as dt

import pytest

from store.cases import CaseRepository
from store.db import Database
from store.notice_pages import NoticePageRepository
from store.records import STATUS_CLOSED
from tests.store.factories import make_new_case

T0 = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.timezone.utc)
JPEG = b"\xff\xd8\xff\xe0" + b"page" * 100


def test_a_page_is_stored_listed_and_read_back_for_its_conversation_only(database: Database) -> None:
    pages = NoticePageRepository(database)
    page_id = pages.add("sms:+15125550142", JPEG, "image/jpeg", T0)
    [info] = pages.list_for("sms:+15125550142")
    assert (info.id, info.content_type, info.size, info.created_at) == (page_id, "image/jpeg", len(JPEG), T0)
    assert pages.get(page_id) == (JPEG, "image/jpeg")
    assert pages.get(page_id, "sms:+15125550142") == (JPEG, "image/jpeg")
    assert pages.get(page_id, "sms:+15125550199") is None and pages.list_for("sms:+15125550199") == []


@pytest.mark.parametrize("data", [b"", b"x" * (10 * 1024 * 1024 + 1)])
def test_empty_or_oversize_pages_are_refused(database: Database, data: bytes) -> None:
    with pytest.raises(ValueError):
        NoticePageRepository(database).add("sms:+15125550142", data, "image/jpeg", T0)


def test_retention_keeps_recent_pages_and_pages_of_open_cases(database: Database) -> None:
    pages, store = NoticePageRepository(database), CaseRepository(database)
    open_case, _ = store.create(make_new_case())
    closed_case, _ = store.create(make_new_case())
    store.set_status(closed_case.reference, STATUS_CLOSED, "jane")
    old, recent = T0 - dt.timedelta(days=400), T0 - dt.timedelta(days=3)
    kept_open = pages.add(open_case.sender_id, JPEG, "image/jpeg", old)
    gone_closed = pages.add(closed_case.sender_id, JPEG, "image/jpeg", old)
    gone_no_case = pages.add("web:abc", JPEG, "image/png", old)
    kept_recent = pages.add("web:def", JPEG, "image/png", recent)
    before = T0 - dt.timedelta(days=365)
    assert pages.purge(before, dry_run=True) == 2
    assert pages.purge(before) == 2
    assert pages.get(kept_open) and pages.get(kept_recent)
    assert pages.get(gone_closed) is None and pages.get(gone_no_case) is None
