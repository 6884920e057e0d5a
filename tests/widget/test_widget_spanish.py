"""The chat widget in Spanish, in Chromium against the real bot (the shared bot, as test_widget_e2e.py).

A browser whose language is Spanish (``navigator.language`` "es-MX") shows the widget's own strings
in Spanish and greets in Spanish; the taxpayer goes from a CP504 question to a case reference, every
bot message in Spanish, and the case is stored with the language ``es``. In an English browser the
EN | ES switch in the header turns the widget and the conversation to Spanish and back.
Screenshots of failures go to test-output/widget/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from channels.widget_sessions import WidgetSessions
from store.cases import CaseRepository
from tests.integration.shared_bot import SharedBot
from tests.integration.test_spanish_conversations import FIRST_MESSAGE, REFERENCE, english_in
from tests.widget.browser import LAUNCH_ARGS
from tests.widget.test_widget_e2e import shoot, stored_session

pytestmark = pytest.mark.model

expect.set_options(timeout=30_000)

FIRM = "Milestone Tax Solutions"


@pytest.fixture
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Browser, shared_bot: SharedBot, locale: str) -> Page:
    """A page of a browser whose preferred language is ``locale``, pointed at the shared bot."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    context.add_init_script(f"window.TaxChatConfig = {{serverUrl: {json.dumps(shared_bot.bot.url)}}};")
    return context.new_page()


def bot_messages(page: Page) -> Locator:
    return page.get_by_role("log").locator(".tc-msg--bot")


def turn(page: Page, act: Callable[[], None], needle: str, timeout_s: float = 30.0) -> str:
    """Do ``act`` (type or tap) and wait for a new bot message containing ``needle``; all new bot text."""
    before = bot_messages(page).count()
    act()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        new = bot_messages(page).all_inner_texts()[before:]
        if any(needle in text for text in new):
            time.sleep(0.5)  # the rest of the turn
            return "\n".join(bot_messages(page).all_inner_texts()[before:])
        time.sleep(0.1)
    raise AssertionError(f"no bot message with {needle!r}; new: {bot_messages(page).all_inner_texts()[before:]}")


def send(page: Page, text: str) -> None:
    """Type ``text`` and press Enter, in either language (the box is "Su mensaje" in Spanish)."""
    box = page.locator("textarea.tc-input")
    box.fill(text)
    box.press("Enter")


def typed(page: Page, text: str) -> Callable[[], None]:
    return lambda: send(page, text)


def tapped(page: Page, title: str) -> Callable[[], None]:
    """Tap the latest chip named ``title`` (an enabled one: chips of answered turns are disabled)."""
    return lambda: (
        page.get_by_role("log")
        .locator(".tc-chip:not([disabled])")
        .filter(has_text=re.compile(f"^{re.escape(title)}$"))
        .last.click()
    )


def test_a_spanish_browser_gets_the_widget_and_a_case_in_spanish(
    browser: Browser, shared_bot: SharedBot, demo_site: str
) -> None:
    page = open_page(browser, shared_bot, "es-MX")
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _spanish_conversation(page, shared_bot, demo_site)
    except Exception:
        shoot(page, "spanish-failure.png")
        raise
    assert errors == []


def _spanish_conversation(page: Page, shared_bot: SharedBot, demo_site: str) -> None:
    page.goto(demo_site)
    assert page.evaluate("navigator.language") == "es-MX"
    page.get_by_role("button", name=f"Chatear con {FIRM}").click()
    panel = page.get_by_role("dialog", name=FIRM)
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(
        "Información general, no es asesoría fiscal ni legal. Nunca escriba su número de Seguro Social."
    )
    expect(page.locator(".tc-status")).to_have_text("Asistente virtual")
    box = page.get_by_label("Su mensaje")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("placeholder", "Escriba su pregunta…")
    expect(page.locator(".tc-human")).to_contain_text("Hablar con un profesional")
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("log")).to_contain_text("¡Hola! Puedo explicarle un aviso del IRS")

    reply = turn(page, typed(page, FIRST_MESSAGE), "Aviso de intención de embargar")
    assert "CP504" in reply
    turn(page, tapped(page, "Pedir un profesional"), "¿Cuál es su nombre completo?")
    turn(page, typed(page, "José Núñez"), "número de teléfono")
    turn(page, typed(page, "512-555-0147"), "correo electrónico")
    turn(page, typed(page, "jose.nunez@example.com"), "¿Cómo prefiere")
    turn(page, tapped(page, "Llámenme"), "embargo")
    turn(page, tapped(page, "No"), "¿Qué fecha está impresa en su CP504?")
    turn(page, typed(page, "15 de octubre de 2026"), "¿En qué estado vive?")
    turn(page, typed(page, "Texas"), "años fiscales")
    turn(page, typed(page, "2022 y 2023"), "cuánto")
    turn(page, typed(page, "$4.200,50"), "declaración")
    turn(page, tapped(page, "No"), "conjuntas")
    turn(page, tapped(page, "No"), "mejor momento")
    consent = turn(page, tapped(page, "Por la tarde"), "llamada telefónica al +15125550147")
    assert "¿Puede Milestone Tax Solutions comunicarse con usted" in consent
    summary = turn(page, tapped(page, "Sí, acepto"), "¿Está correcto?")
    for expected in (
        "José Núñez",
        "Contacto por: llamada telefónica",
        "Avisos: CP504",
        "15 de octubre de 2026",
        "Estado: TX",
        "2022, 2023",
        "$4,200.50",
        "por la tarde",
    ):
        assert expected in summary, (expected, summary)
    final = turn(page, tapped(page, "Sí, enviarlo"), "referencia de su caso")
    shoot(page, "spanish-case.png")

    found = REFERENCE.search(final)
    assert found is not None, final
    session_id = WidgetSessions.conversation_id(stored_session(page))
    case = CaseRepository(shared_bot.database()).latest_for_sender(session_id)
    assert case is not None and case.reference == found.group(1)
    assert case.intake.language == "es" and case.intake.preferred_channel == "phone"
    assert (case.intake.full_name, case.intake.us_state, case.intake.amount_owed) == (
        "José Núñez",
        "TX",
        Decimal("4200.50"),
    )
    assert case.intake.notice_date == dt.date(2026, 10, 15)
    assert english_in(bot_messages(page).all_inner_texts()) == []
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Su mensaje")).to_be_visible()


def test_the_header_switch_changes_the_language(browser: Browser, shared_bot: SharedBot, demo_site: str) -> None:
    page = open_page(browser, shared_bot, "en-US")
    try:
        page.goto(demo_site)
        page.get_by_role("button", name=f"Chat with {FIRM}").click()
        log = page.get_by_role("log")
        expect(log).to_contain_text("I can explain an IRS notice")
        expect(page.locator(".tc-status")).to_have_text("Virtual assistant")
        expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")

        # ES: the widget's strings at once, and the bot is told in plain words.
        reply = turn(page, lambda: page.get_by_role("button", name="Español").click(), "Claro, seguimos en español.")
        expect(log.locator(".tc-msg--user").last).to_have_text(re.compile(r"en español$"))
        expect(page.locator(".tc-status")).to_have_text("Asistente virtual")
        expect(page.get_by_label("Su mensaje")).to_have_attribute("placeholder", "Escriba su pregunta…")
        expect(page.get_by_role("dialog", name=FIRM)).to_contain_text("Nunca escriba su número de Seguro Social.")
        expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
        assert english_in([reply]) == []
        answer = turn(page, typed(page, "¿Qué es un aviso CP14?"), "Aviso de saldo adeudado")
        assert english_in([answer]) == []

        # EN: back to English, widget and bot.
        turn(page, lambda: page.get_by_role("button", name="English").click(), "Sure, let's continue in English.")
        expect(log.locator(".tc-msg--user").last).to_have_text(re.compile(r"English please$"))
        expect(page.locator(".tc-status")).to_have_text("Virtual assistant")
        expect(page.get_by_label("Your message")).to_have_attribute("placeholder", "Type your question…")
        expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
        turn(page, typed(page, "what is a CP14?"), "CP14: Balance due notice")
    except Exception:
        shoot(page, "switch-failure.png")
        raise
