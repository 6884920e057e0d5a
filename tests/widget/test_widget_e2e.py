"""The chat widget in a real browser against the real bot.

Starts the action server and the Rasa server (the project's credentials.yml, so the socket.io
channel is ``channels.socketio.SocketIOInput``), serves the demo website, and drives Chromium with
Playwright: a notice question, a chip, the intake, a reload, injected markup, a tax pro's messages
pushed through Rasa's HTTP API as the agent desk does, the hand-back, and the phone layout.
Screenshots go to test-output/widget/.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from channels.widget_sessions import WidgetSessions
from tests.integration.servers import Bot
from tests.integration.shared_bot import SharedBot
from tests.widget.browser import LAUNCH_ARGS
from tests.widget.conftest import ROOT

pytestmark = pytest.mark.model

OUT = ROOT / "test-output" / "widget"
STORAGE_KEY = "milestone-tax-chat"
# A server-issued session token: 128 random bits and a 128-bit tag, base64url (channels/widget_sessions.py).
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$")
INJECTED = '<img src=x onerror="window.__xss=1;alert(1)">'

expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def bot(shared_bot: SharedBot) -> Bot:
    return shared_bot.bot  # open to the demo site's origin (demo_port)


@pytest.mark.parametrize("origin, allowed", [("http://127.0.0.1:{port}", True), ("http://evil.example", False)])
def test_only_the_firm_site_may_open_a_socket(bot: Bot, demo_port: int, origin: str, allowed: bool) -> None:
    request = urllib.request.Request(
        f"{bot.url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin.format(port=demo_port)}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert (status == 200) is allowed


def rasa_api(bot: Bot, path: str, body: Any) -> None:
    """POST to Rasa's HTTP API (open in tests: no JWT secret), as the agent desk does."""
    request = urllib.request.Request(
        f"{bot.url}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def pro_says(bot: Bot, session_id: str, text: str) -> None:
    """A tax pro's reply from the desk: a bot event with from_pro metadata, to the latest channel."""
    rasa_api(
        bot,
        f"/conversations/{quote(session_id, safe=':')}/tracker/events?execute_side_effects=true"
        "&output_channel=socketio",
        {"event": "bot", "text": text, "metadata": {"from_pro": "jane"}},
    )


def hand_back(bot: Bot, session_id: str) -> None:
    """The desk's hand-back: resume, say utter_handed_back, listen."""
    conversation = f"/conversations/{quote(session_id, safe=':')}"
    rasa_api(bot, f"{conversation}/tracker/events", [{"event": "resume"}])
    rasa_api(bot, f"{conversation}/execute?output_channel=socketio", {"name": "utter_handed_back"})
    rasa_api(bot, f"{conversation}/tracker/events", [{"event": "action", "name": "action_listen"}])


def stored_session(page: Page) -> str:
    return page.evaluate(f"JSON.parse(localStorage.getItem('{STORAGE_KEY}')).sessionId")


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def shoot(page: Page, name: str, full_page: bool = False) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / name), full_page=full_page, animations="disabled")


def test_a_conversation_in_the_widget(bot: Bot, demo_site: str, chromium: Path) -> None:
    """One taxpayer's conversation, from the first question to the pro's hand-back."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        # The demo page keeps settings given before it (its default is port 5005 of its own host).
        context.add_init_script(f"window.TaxChatConfig = {{serverUrl: {json.dumps(bot.url)}}};")
        page = context.new_page()
        page_errors: list = []
        dialogs: list = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        try:
            _conversation(page, bot, demo_site)
        except Exception:
            shoot(page, "failure.png")
            raise
        finally:
            browser.close()
        assert dialogs == [], f"injected markup ran: {dialogs}"
        assert page_errors == []


def _conversation(page: Page, bot: Bot, demo_site: str) -> None:
    page.goto(demo_site)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Got a letter from the IRS?")
    shoot(page, "desktop-site.png", full_page=True)

    # Open the chat: the bot greets (the widget sends /greet for a new conversation).
    launcher = page.get_by_role("button", name="Chat with Milestone Tax Solutions")
    launcher.click()
    panel = page.get_by_role("dialog", name="Milestone Tax Solutions")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("General information, not tax or legal advice. Never type your SSN.")
    expect(page.get_by_label("Your message")).to_be_focused()
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_contain_text("I can explain an IRS notice")
    expect(page.locator(".tc-status")).to_have_text("Virtual assistant")
    # the widget keeps the token the server issued (its conversation is web:<digest of it>)
    token = stored_session(page)
    assert WidgetSessions(b"any").valid(token) is False and TOKEN.match(token), token
    session_id = WidgetSessions.conversation_id(token)

    # A notice question: the short answer, the code in bold, with a link that opens a new tab.
    send(page, "what is a CP504?")
    expect(log.locator(".tc-msg--user").last).to_have_text(re.compile(r"what is a CP504\?$"))
    expect(log.locator(".tc-msg--bot strong").filter(has_text=re.compile(r"^CP504$"))).to_be_visible()
    expect(log).to_contain_text("CP504: Notice of intent to seize (levy)")
    expect(log).not_to_contain_text("The IRS can take your state tax refund")  # the details wait for a tap
    irs_link = log.locator("a[href='https://www.irs.gov/individuals/understanding-your-cp504-notice']")
    expect(irs_link).to_have_attribute("target", "_blank")
    expect(irs_link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))

    # A chip: sent as the user's message (its title), answered, then disabled with its siblings.
    options = log.get_by_role("button", name="More details").last
    expect(options).to_be_enabled()
    shoot(page, "desktop-answer.png")
    chips = log.locator(f".tc-chip[data-entry='{options.get_attribute('data-entry')}']")
    options.click()
    expect(log.locator(".tc-msg--user").last).to_have_text(re.compile(r"More details$"))
    expect(log).to_contain_text("The IRS can take your state tax refund")
    expect(chips).to_have_count(2)
    for chip in chips.all():
        expect(chip).to_be_disabled()
    expect(chips.filter(has_text="More details")).to_have_class(re.compile(r"\btc-chip--chosen\b"))
    expect(chips.filter(has_text="Talk to a tax pro")).not_to_have_class(re.compile(r"\btc-chip--chosen\b"))

    # The "Talk to a tax pro" shortcut starts the intake.
    page.locator(".tc-human").click()
    expect(log.locator(".tc-msg--user").last).to_have_text(re.compile(r"Talk to a tax pro$"))
    expect(log.locator(".tc-msg--bot").last).to_contain_text("full name")
    shoot(page, "desktop-chat.png")
    shown_before = log.locator(".tc-msg").count()

    # Reload: the same session and the same history, chips still disabled; the form goes on.
    page.reload()
    page.get_by_role("button", name="Chat with Milestone Tax Solutions").click()
    expect(log.locator(".tc-msg")).to_have_count(shown_before)
    expect(log.locator(".tc-msg--bot").last).to_contain_text("full name")
    expect(chips.filter(has_text="More details")).to_have_class(re.compile(r"\btc-chip--chosen\b"))
    for chip in log.locator(".tc-chip").all():
        expect(chip).to_be_disabled()
    assert stored_session(page) == token  # a reload resumed with the server's token
    expect(page.locator(".tc-status")).to_have_text("Virtual assistant")  # session confirmed again
    send(page, "Maria Lopez")
    expect(log.locator(".tc-msg--bot").last).to_contain_text("phone number")

    # Markup typed by the user is shown as text and never runs.
    bot_count = log.locator(".tc-msg--bot").count()
    send(page, INJECTED)
    expect(log.locator(".tc-msg--user").last.locator(".tc-bubble")).to_have_text(INJECTED)
    expect(log.locator(".tc-msg--bot")).not_to_have_count(bot_count)  # the bot answered it
    expect(log.locator("img")).to_have_count(0)
    assert page.evaluate("window.__xss") is None

    # Something that looks like an SSN is held back with a warning.
    shown = log.locator(".tc-msg--user").count()
    send(page, "my ssn is 123-45-6789")
    expect(page.get_by_role("alert")).to_contain_text("looks like a Social Security number")
    expect(log.locator(".tc-msg--user")).to_have_count(shown)
    page.get_by_label("Your message").fill("")
    expect(page.get_by_role("alert")).to_be_hidden()

    # A tax pro replies from the desk: divider, "Tax pro" label, Markdown, markup neutralised.
    rasa_api(bot, f"/conversations/{quote(session_id, safe=':')}/tracker/events", {"event": "pause"})
    pro_says(bot, session_id, f"Hi Maria, I'm **Jane**, a tax pro at Milestone. {INJECTED} I'm reading your CP504 now.")
    expect(log.locator(".tc-divider")).to_have_text(["A tax pro has joined the chat"])
    pro = log.locator(".tc-msg--pro").last
    expect(pro.locator(".tc-who")).to_have_text("Tax pro")
    expect(pro.locator("strong")).to_have_text("Jane")
    expect(pro.locator(".tc-bubble")).to_contain_text(INJECTED)
    expect(log.locator("img")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
    expect(page.locator(".tc-status")).to_have_text("A tax pro is in this chat")
    expect(page.locator(".tc-human")).to_be_hidden()
    send(page, "Thank you, Jane!")
    expect(page.locator(".tc-typing")).to_be_hidden()  # the bot is paused: nothing to wait for

    # Escape closes the panel and gives focus back to the launcher; a pro message is counted unread.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page.locator(".tc-launcher")).to_be_focused()
    pro_says(bot, session_id, "I've noted your case. A payment plan looks realistic; I'll call you today.")
    expect(page.locator(".tc-badge")).to_have_text("1")
    expect(page.get_by_role("button", name=re.compile(r"\(1 new message\)"))).to_be_visible()
    page.keyboard.press("Enter")  # the launcher has focus
    expect(panel).to_be_visible()
    expect(page.locator(".tc-badge")).to_be_hidden()
    expect(log.locator(".tc-msg--pro")).to_have_count(2)

    # The pro hands back to the bot.
    hand_back(bot, session_id)
    expect(log.locator(".tc-divider").last).to_have_text("The tax pro has left; you're back with the assistant")
    expect(log.locator(".tc-msg--bot").last).to_contain_text("handed you back to me")
    expect(page.locator(".tc-status")).to_have_text("Virtual assistant")
    expect(page.locator(".tc-human")).to_be_visible()
    shoot(page, "desktop-handoff.png")

    # A 390 px phone: the panel fills the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    box = panel.bounding_box()
    assert box is not None and (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    expect(log.locator(".tc-msg--bot").last).to_be_in_viewport()
    shoot(page, "phone-chat.png")
    page.locator(".tc-close").click()
    expect(panel).to_be_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "phone-site.png")

    # 200 % zoom of a 1280 x 800 window (640 x 400 CSS pixels): full screen too, nothing cut off.
    page.set_viewport_size({"width": 640, "height": 400})
    page.get_by_role("button", name="Chat with Milestone Tax Solutions").click()
    box = panel.bounding_box()
    assert box is not None and (box["width"], box["height"]) == (640, 400)
    expect(page.get_by_label("Your message")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_in_viewport()
    shoot(page, "zoom200-chat.png")


def test_the_site_asks_the_chat_about_a_notice(bot: Bot, demo_site: str, chromium: Path) -> None:
    """A notice tile on the site opens the chat with its question (no greeting first)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(f"window.TaxChatConfig = {{serverUrl: {json.dumps(bot.url)}}};")
            page.goto(demo_site)
            page.get_by_role("button", name=re.compile(r"^CP14 ")).click()
            log = page.get_by_role("log")
            expect(log.locator(".tc-msg--user")).to_have_text([re.compile(r"What is a CP14\?$")])
            expect(log.locator(".tc-msg--bot strong").filter(has_text=re.compile(r"^CP14$"))).to_be_visible()
            expect(log).to_contain_text("CP14: Balance due notice")
            expect(log).not_to_contain_text("I can explain an IRS notice")
            # Careless host-page CSS does not reach inside the widget.
            page.add_style_tag(
                content="div, p, button, textarea, section { display: none !important; "
                "font: 40px serif !important; color: red !important; }"
            )
            expect(page.locator(".notices__list button").first).to_be_hidden()  # the page's own buttons
            expect(log.locator(".tc-msg--bot").last).to_be_visible()
            expect(page.get_by_label("Your message")).to_be_visible()
            bubble = log.locator(".tc-bubble").last
            assert bubble.evaluate("e => getComputedStyle(e).fontSize") == "15px"
        finally:
            browser.close()
