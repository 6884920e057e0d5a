"""The admin page listing knowledge entries and figures due for review."""

from __future__ import annotations

import pytest

from settings.assistant import Settings
from tests.desk.conftest import Desk


async def test_signed_out_visitor_is_sent_to_login(desk: Desk) -> None:
    response = await desk.page("/admin/knowledge")
    assert response.status == 303 and response.headers["Location"] == "/login"


async def test_a_pro_who_is_not_an_admin_gets_403(signed_in: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DESK_ADMINS", raising=False)  # default admins: only "admin"
    response = await signed_in.page("/admin/knowledge")
    assert response.status == 403
    assert "Admins only" in await response.text()


async def test_admin_sees_the_same_list_as_the_command(
    signed_in: Desk, core: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.stale import due_items

    monkeypatch.setenv("DESK_ADMINS", "someone, JANE")
    response = await signed_in.page("/admin/knowledge?days=0")
    assert response.status == 200
    page = await response.text()
    expected = due_items(core.today(), 0, core.knowledge_path)
    assert expected, "with a zero-day period something is always due"
    assert page.count('class="due-item"') == len(expected)
    assert expected[0].name in page
    # the expired interest-rate figure is listed whatever the period
    wide = await (await signed_in.page("/admin/knowledge?days=3650")).text()
    assert "interest_rate_individual" in wide


@pytest.mark.parametrize("days", ["-1", "abc", "99999"])
async def test_bad_review_period_is_a_400(signed_in: Desk, days: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_ADMINS", "jane")
    response = await signed_in.page(f"/admin/knowledge?days={days}")
    assert response.status == 400
    assert "days must be a whole number" in await response.text()
