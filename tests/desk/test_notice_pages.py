"""Notice pages a taxpayer attached: listed on their case and shown to signed-in pros only."""

from __future__ import annotations

import datetime as dt

from settings.assistant import Settings
from store.cases import CaseRepository
from store.db import get_database
from store.notice_pages import NoticePageRepository
from tests.desk.conftest import Desk, make_case

JPEG = b"\xff\xd8\xff\xe0" + b"page" * 50
NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.timezone.utc)


async def test_a_pro_sees_the_pages_attached_to_the_case(
    signed_in: Desk, cases: CaseRepository, core: Settings
) -> None:
    case = make_case(cases, sender_id="sms:+15125550142")
    other = make_case(cases, sender_id="sms:+15125550199")
    pages = NoticePageRepository(get_database(core.database_url))
    page_id = pages.add(case.sender_id, JPEG, "image/jpeg", NOW)
    case_page = await (await signed_in.page(f"/cases/{case.reference}")).text()
    assert f'href="/cases/{case.reference}/notice-pages"' in case_page
    listing = await signed_in.page(f"/cases/{case.reference}/notice-pages")
    assert listing.status == 200 and f"/cases/{case.reference}/notice-pages/{page_id}" in await listing.text()
    shown = await signed_in.page(f"/cases/{case.reference}/notice-pages/{page_id}")
    assert shown.status == 200 and await shown.read() == JPEG
    assert shown.headers["Content-Type"] == "image/jpeg" and shown.headers["Cache-Control"] == "no-store"
    # Only through its own case: another case's reference does not open it.
    assert (await signed_in.page(f"/cases/{other.reference}/notice-pages/{page_id}")).status == 404
    assert "has not attached" in await (await signed_in.page(f"/cases/{other.reference}/notice-pages")).text()
    assert (await signed_in.page("/cases/NOPE-1/notice-pages")).status == 404


async def test_pages_need_a_signed_in_pro(desk: Desk, cases: CaseRepository, core: Settings) -> None:
    case = make_case(cases, sender_id="sms:+15125550142")
    page_id = NoticePageRepository(get_database(core.database_url)).add(case.sender_id, JPEG, "image/jpeg", NOW)
    for path in (f"/cases/{case.reference}/notice-pages", f"/cases/{case.reference}/notice-pages/{page_id}"):
        response = await desk.page(path)
        assert response.status in (302, 303, 401) and await response.read() != JPEG
