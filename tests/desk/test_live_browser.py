"""desk.js in Chromium: a handoff notice shows a banner (as text, never HTML) and refreshes the list."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

import pytest
from playwright.async_api import Page, async_playwright

from desk.app import create_app
from desk.hub import EventHub
from settings.assistant import Settings
from store.cases import CaseRepository
from store.pros import ProRepository
from tests.desk.conftest import PASSWORD, desk_settings, make_case, start_desk, stop_desk
from tests.desk.fake_rasa import FakeRasa
from tests.widget.browser import LAUNCH_ARGS, BrowserUnavailable, ensure_chromium


@dataclass
class Browser:
    """A signed-in page of the desk, and the desk's hub to publish notices to it."""

    page: Page
    hub: EventHub


@pytest.fixture
async def desk_page(tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa) -> AsyncIterator[Browser]:
    """Jane signed in to a desk with a broker configured (unreachable: notices come from tests)."""
    try:
        chromium = await asyncio.to_thread(ensure_chromium)
    except BrowserUnavailable as error:
        pytest.fail(f"No Chromium for the desk's browser test: {error}", pytrace=False)
    app = create_app(desk_settings(tmp_path, rasa.url, rabbitmq_url="amqp://127.0.0.1:1/"), core, sweeper=False)
    server = await start_desk(app)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
            page = await browser.new_page()
            page.set_default_timeout(5000)
            await page.goto(f"{app.ctx.test_url}/login")
            await page.fill("input[name=username]", "jane")
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url("**/cases")
            for _ in range(100):  # until the page's EventSource is connected
                if app.ctx.hub.subscribers:
                    break
                await asyncio.sleep(0.05)
            yield Browser(page, app.ctx.hub)
            await browser.close()
    finally:
        await stop_desk(server)


async def test_a_handoff_shows_a_banner_and_the_new_case(desk_page: Browser, cases: CaseRepository) -> None:
    page = desk_page.page
    assert await page.locator("#live-banner").is_hidden()
    case = make_case(cases, priority="critical", status="waiting")
    assert await page.locator(f"a.ref[href='/cases/{case.reference}']").count() == 0
    desk_page.hub.publish(
        {"type": "handoff", "reference": case.reference, "live": True, "priority": "critical", "status": "waiting"}
    )
    banner = page.locator("#live-banner")
    await banner.wait_for(state="visible")
    assert await banner.inner_text() == (
        f"Case {case.reference} is waiting for a tax pro in the chat (critical priority). Open the case"
    )
    assert await banner.locator("a").get_attribute("href") == f"/cases/{case.reference}"
    await page.locator(f"a.ref[href='/cases/{case.reference}']").wait_for()


async def test_a_hostile_notice_is_shown_as_text(desk_page: Browser) -> None:
    page = desk_page.page
    hostile = "<img src=x onerror=\"document.title='pwned'\">"
    desk_page.hub.publish(
        {"type": "handoff", "reference": hostile, "live": False, "priority": "<b>high</b>", "status": None}
    )
    banner = page.locator("#live-banner")
    await banner.wait_for(state="visible")
    assert hostile in await banner.inner_text()
    assert await banner.locator("img, b").count() == 0
    assert await page.title() != "pwned"
