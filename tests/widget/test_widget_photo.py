"""A photo of the notice sent from the chat widget in Chromium, read by the real bot.

The real action server, Rasa server and notice reader (Tesseract) run with the trained model;
the demo website serves the built widget. The taxpayer picks a photo with the camera button, the
bot confirms what it read, "Yes" gives the explanation with the deadline. A file that is not a
photo gets a polite answer without reaching the server.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from services.deadlines import compute_deadline
from settings.assistant import Settings
from tests.integration.servers import Bot
from tests.integration.shared_bot import SharedBot
from tests.notice_photo_images import notice_jpeg
from tests.widget.browser import LAUNCH_ARGS
from tests.widget.conftest import ROOT

pytestmark = pytest.mark.model

OUT = ROOT / "test-output" / "widget"

expect.set_options(timeout=60_000)


@pytest.fixture(scope="module")
def bot(shared_bot: SharedBot) -> Bot:
    return shared_bot.bot  # open to the demo site's origin (demo_port)


def _day(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def test_a_photo_from_the_widget_is_confirmed_then_explained(
    bot: Bot, demo_site: str, chromium: Path, tmp_path: Path
) -> None:
    today = Settings().today()  # the bot counts days in the firm's time zone, not the machine's
    dated = today - dt.timedelta(days=12)
    deadline = compute_deadline(dated, 30, today)
    assert deadline is not None
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(notice_jpeg("LT11", dated))
    not_a_photo = tmp_path / "notes.txt"
    not_a_photo.write_text("my notes")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(f"window.TaxChatConfig = {{serverUrl: {json.dumps(bot.url)}}};")
        page = context.new_page()
        errors: list = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            _photo_conversation(page, demo_site, photo, not_a_photo, dated, deadline.deadline)
        except Exception:
            OUT.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT / "photo-failure.png"))
            raise
        finally:
            browser.close()
        assert errors == []


def _photo_conversation(
    page: Page, demo_site: str, photo: Path, not_a_photo: Path, dated: dt.date, deadline: dt.date
) -> None:
    page.goto(demo_site)
    page.get_by_role("button", name="Chat with Milestone Tax Solutions").click()
    log = page.get_by_role("log")
    expect(log).to_contain_text("I can explain an IRS notice")
    picker = page.locator(".tc-file")
    expect(picker).to_have_attribute("accept", "image/*,application/pdf")
    expect(picker).to_have_attribute("capture", "environment")

    # Not a photo: refused in the browser with a polite answer.
    picker.set_input_files(str(not_a_photo))
    expect(log.locator(".tc-msg--bot").last).to_contain_text("I can only read photos and PDFs")

    picker.set_input_files(str(photo))
    expect(log.locator(".tc-msg--user").last).to_have_text(re.compile(r"Photo of my notice$"))
    expect(log).to_contain_text(f"I read LT11, dated {_day(dated)}, amount $6,312.45")
    yes = log.get_by_role("button", name="Yes").last
    expect(yes).to_be_enabled()
    log.get_by_role("button", name="Not right").last.wait_for()
    yes.click()
    answer = log.locator(".tc-msg--bot").filter(has_text="days left")
    expect(answer).to_contain_text("18 days left")
    expect(answer).to_contain_text(_day(deadline))
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / "desktop-photo.png"), animations="disabled")
    # The page is offered for the case; "No, thanks" drops it.
    expect(log).to_contain_text("Attach this page to your case for the tax pro?")
    log.get_by_role("button", name="No, thanks").last.click()
    expect(log.locator(".tc-msg--bot").last).to_contain_text("I didn't keep the page")
    # Nothing of the photo is kept in the browser: the history holds only the words.
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "Photo of my notice" in stored and "JANE" not in stored
