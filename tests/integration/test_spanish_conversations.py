"""A Spanish-speaking taxpayer on REST, SMS and Messenger: from a CP504 question to a case reference.

Each conversation is written the way a Spanish speaker in the US writes (accents, "$4.200,50",
"15 de octubre de 2026", "por texto"), answers every intake question in Spanish, and checks that
every reply of the bot is Spanish: no English knowledge sentence, no English domain response, and
nothing the language detector reads as English. The case in the store keeps the language ``es``.
Over SMS the replies are GSM-7 (one segment holds 160 characters) and ALTO opts the number out.

All three run on the shared bot (tests/integration/shared_bot.py): REST, Twilio played by the local
receiver, Messenger's Graph API played by the same receiver, a SQLite case store, and a firm open
around the clock.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
import time
import unicodedata
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set

import pytest
import yaml

from channels.sms.render import SMS_MAX_CHARS, is_gsm7
from nlp.language import detect_language
from store.cases import CaseRepository
from store.db import Database
from store.optouts import OptOutRepository
from store.records import Case
from tests.integration.channel_clients import Messenger, Sms
from tests.integration.servers import Bot, conversation, wait_until
from tests.integration.shared_bot import TWILIO_NUMBER, SharedBot
from tests.understanding.test_spanish_answers import ENGLISH_SENTENCES

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]
QUIET_S = 6.0  # how long "no message" is waited for after ALTO at most (until the bot logs the drop)
# The Twilio webhook answers once the whole turn is queued, and each queued text reaches the local
# fake Twilio within milliseconds: half a second without a new one means the turn is all there.
SETTLE_S = 0.5
REFERENCE = re.compile(r"\b(MTS-[A-Z0-9]{4,})\b")
FIRST_MESSAGE = "Hola, recibí una carta CP504 del IRS por $4.200, ¿qué hago?"
_numbers = itertools.count(random.randrange(9_000))


def _english_responses() -> Set[str]:
    """Sentences of the English variations of domain.yml (placeholders cut out), to catch one in Spanish."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    sentences: Set[str] = set()
    for variations in domain["responses"].values():
        for variation in variations:
            if variation.get("condition"):
                continue
            for piece in re.split(r"{[a-z_]+}", variation.get("text", "")):
                sentences |= {s.strip() for s in re.split(r"(?<=[.?!])\s+", piece) if len(s.split()) >= 4}
    return sentences


ENGLISH_RESPONSES = _english_responses()


def plain(text: str) -> str:
    """Lower case without accents: SMS folds á í ó ú, so needles are compared this way."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


def english_in(replies: List[str]) -> List[str]:
    """The replies (or English sentences inside them) that are not Spanish; empty when all are."""
    found = []
    for reply in replies:
        found += [f"English sentence {s!r} in {reply!r}" for s in ENGLISH_SENTENCES | ENGLISH_RESPONSES if s in reply]
        if detect_language(reply) not in ("es", None):
            found.append(f"reads as {detect_language(reply)}: {reply!r}")
    return found


def assert_spanish_case(case: Optional[Case], final_reply: str, channel_method: str) -> Case:
    """The case José Núñez opened: Spanish, with his answers, its reference in the final reply."""
    assert case is not None, f"no case stored; the last reply was {final_reply!r}"
    assert f"referencia de su caso es {case.reference}" in final_reply
    intake = case.intake
    assert intake.language == "es"
    assert (intake.full_name, intake.preferred_channel, intake.us_state) == ("José Núñez", channel_method, "TX")
    assert intake.notice_codes == ["CP504"] and intake.notice_date == dt.date(2026, 10, 15)
    assert intake.tax_years == [2022, 2023] and intake.amount_owed == Decimal("4200.50")
    return case


# --- REST ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases(shared_bot: SharedBot) -> CaseRepository:
    return CaseRepository(shared_bot.database())


@pytest.fixture(scope="module")
def bot(shared_bot: SharedBot) -> Bot:
    return shared_bot.bot


def test_rest_spanish_conversation_reaches_a_case_reference(bot: Bot, cases: CaseRepository) -> None:
    sender = f"es-rest-{uuid.uuid4().hex}"
    said: List[str] = []
    buttons: List[str] = []

    def chat(text: str) -> str:
        replies = bot.send(sender, text)
        said.extend(r["text"] for r in replies if r.get("text"))
        buttons[:] = [b["title"] for r in replies for b in r.get("buttons") or []]
        return "\n".join(r.get("text", "") for r in replies)

    reply = chat(FIRST_MESSAGE)
    assert "Seguro Social" in reply  # the disclaimer, in Spanish from the first message on
    assert "CP504" in reply and "Aviso de intención de embargar" in reply
    assert buttons == ["Más detalles", "Pedir un profesional"]
    assert "nombre completo" in chat("Quiero hablar con un profesional de impuestos, por favor")
    assert "número de teléfono" in chat("José Núñez")
    assert "correo electrónico" in chat("(512) 555-0147")
    assert "Cómo prefiere" in chat("jose.nunez@example.com")
    assert "embargo" in chat("por texto")
    # The notice named in the first message is not asked again: the date question names it.
    assert "¿Qué fecha está impresa en su CP504?" in chat("no")
    assert "¿En qué estado vive?" in chat("15 de octubre de 2026")
    assert "años fiscales" in chat("Texas")
    assert "cuánto" in chat("2022 y 2023")
    assert "declaración" in chat("$4.200,50")
    assert "conjuntas" in chat("no")
    assert "mejor momento" in chat("no")
    consent = chat("por la tarde")
    assert "mensaje de texto al +15125550147" in consent
    summary = chat("sí, acepto")
    for expected in (
        "José Núñez",
        "+15125550147",
        "jose.nunez@example.com",
        "Contacto por: mensaje de texto",
        "Avisos: CP504",
        "15 de octubre de 2026",
        "Estado: TX",
        "2022, 2023",
        "$4,200.50",
        "por la tarde",
        "¿Está correcto?",
    ):
        assert expected in summary, (expected, summary)
    final = chat("sí")
    assert_spanish_case(cases.latest_for_sender(conversation(sender)), final, "sms")
    assert english_in(said) == []


# --- SMS -----------------------------------------------------------------------------------------


def new_phone() -> str:
    """A phone number no other test of this run uses (another exchange than test_twilio_webhook's)."""
    return f"+1737556{next(_numbers):04d}"


@pytest.fixture(scope="module")
def sms(shared_bot: SharedBot) -> Sms:
    return Sms(shared_bot.bot, shared_bot.services, shared_bot.database_url)


class SmsChat:
    """One taxpayer texting the bot: each message waits for the reply that holds a needle."""

    def __init__(self, sms: Sms, phone: str) -> None:
        self.sms, self.phone = sms, phone

    def bodies(self) -> List[str]:
        return [fields["Body"] for fields in self.sms.texts_to(self.phone)]

    def settle(self, quiet_s: float = SETTLE_S) -> None:
        """Wait until the bot has sent the rest of its turn (no new message for ``quiet_s``)."""
        count, since = len(self.bodies()), time.monotonic()
        while time.monotonic() - since < quiet_s:
            time.sleep(0.1)
            if len(self.bodies()) != count:
                count, since = len(self.bodies()), time.monotonic()

    def __call__(self, text: str, needle: str, timeout_s: float = 30.0) -> str:
        before = len(self.bodies())
        assert self.sms.post(self.phone, text) == 200
        found = wait_until(
            lambda: next((b for b in self.bodies()[before:] if plain(needle) in plain(b)), None), timeout_s=timeout_s
        )
        assert found is not None, (text, needle, self.bodies()[before:])
        self.settle()
        return "\n".join(self.bodies()[before:])


def test_sms_spanish_conversation_reaches_a_case_reference_and_alto_stops(
    sms: Sms, cases: CaseRepository, shared_bot: SharedBot
) -> None:
    phone = new_phone()
    local = f"{phone[2:5]}-{phone[5:8]}-{phone[8:]}"
    text = SmsChat(sms, phone)

    reply = text(FIRST_MESSAGE, "Responda 1 para Mas detalles, 2 para Pedir un profesional.")
    assert "CP504: Aviso de intencion de embargar" in reply and "**" not in reply
    text("2", "nombre completo")  # the numbered menu, answered the SMS way
    text("José Núñez", "número de teléfono")
    text(local, "correo electrónico")
    text("omitir", "Cómo prefiere")
    text("por texto", "Responda 1 para Sí, 2 para No, 3 para No sé.")
    text("2", "¿Qué fecha está impresa en su CP504?")
    text("15 de octubre de 2026", "¿En qué estado vive?")
    text("Texas", "años fiscales")
    text("2022 y 2023", "cuánto")
    text("$4.200,50", "declaración")
    text("no", "conjuntas")
    text("no", "2 para Por la tarde")
    text("2", f"mensaje de texto al {phone}")
    summary = text("sí", "¿Está correcto?")
    for expected in (
        "José Nuñez",
        phone,
        "Contacto por: mensaje de texto",
        "Avisos: CP504",
        "15 de octubre de 2026",
        "Estado: TX",
        "2022, 2023",
        "$4,200.50",
    ):
        assert expected in summary, (expected, summary)
    final = text("sí", "referencia de su caso")
    case = assert_spanish_case(cases.latest_for_sender(conversation(phone, "sms")), final, "sms")
    assert case.intake.phone == phone and case.intake.email is None

    sent = sms.texts_to(phone)
    assert all(fields["From"] == TWILIO_NUMBER for fields in sent)
    bodies = [fields["Body"] for fields in sent]
    assert [b for b in bodies if not is_gsm7(b)] == []  # á í ó ú folded: 160 characters a segment
    assert [b for b in bodies if len(b) > SMS_MAX_CHARS] == []
    assert english_in(bodies) == []

    # ALTO opts the number out: confirmed in Spanish, then nothing more is sent to it.
    reply = text("ALTO", "Usted se dio de baja")
    assert "\n" not in reply and "INICIAR" in reply and is_gsm7(reply)  # the confirmation alone
    assert OptOutRepository(Database(sms.database_url)).is_opted_out(phone)
    after_alto = len(sms.texts_to(phone))
    assert sms.post(phone, "¿Ya revisaron mi caso?") == 200
    pushed = f"Hola José, soy Ana, profesional de impuestos. Revisé su caso {case.reference}."
    sms.push_to_opted_out(phone, pushed, shared_bot.tmp / "rasa.log", QUIET_S)
    assert sms.texts_to(phone)[after_alto:] == []


# --- Messenger -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def messenger(shared_bot: SharedBot) -> Messenger:
    return Messenger(shared_bot.bot, shared_bot.services)


class MessengerChat:
    """One taxpayer on Messenger: typed messages, quick replies and button taps, each event carrying
    the user's ``locale`` (the channel's language hint when an event has one)."""

    def __init__(self, messenger: Messenger, sender: str, locale: str) -> None:
        self.messenger, self.sender, self.locale = messenger, sender, locale

    def texts(self, start: int = 0) -> List[str]:
        """The text of every Send API message from ``start`` on (a template's text included)."""
        texts = []
        for body in self.messenger.sent(self.sender)[start:]:
            message = body["message"]
            template = message.get("attachment", {}).get("payload", {})
            texts.append(message.get("text") or template.get("text", ""))
        return texts

    def _event(self, event: Dict[str, Any]) -> None:
        event = {
            "sender": {"id": self.sender},
            "recipient": {"id": "1"},
            "timestamp": int(time.time() * 1000),
            "locale": self.locale,
            **event,
        }
        assert self.messenger.post({"object": "page", "entry": [{"id": "1", "time": 1, "messaging": [event]}]}) == 200

    def _wait(self, before: int, needle: str, check: Callable[[], None]) -> Dict[str, Any]:
        check()
        found = wait_until(
            lambda: next(
                (b for b in self.messenger.sent(self.sender)[before:] if needle in json.dumps(b, ensure_ascii=False)),
                None,
            ),
            timeout_s=30,
        )
        assert found is not None, (needle, self.texts(before))
        time.sleep(0.5)  # the rest of the turn
        return found

    def say(self, text: str, needle: str) -> Dict[str, Any]:
        """Type ``text``; the first message sent back holding ``needle``."""
        event: Dict[str, Any] = {"message": {"mid": f"mid.{uuid.uuid4().hex}", "text": text}}
        return self._wait(len(self.messenger.sent(self.sender)), needle, lambda: self._event(event))

    def tap(self, offer: Dict[str, Any], title: str, needle: str) -> Dict[str, Any]:
        """Tap the button or quick reply ``title`` of the message ``offer``, as Messenger sends it."""
        message = offer["message"]
        quick = {q["title"]: q["payload"] for q in message.get("quick_replies", [])}
        template = message.get("attachment", {}).get("payload", {})
        buttons = {b["title"]: b["payload"] for b in template.get("buttons", [])}
        if title in quick:
            event: Dict[str, Any] = {
                "message": {"mid": f"mid.{uuid.uuid4().hex}", "text": title, "quick_reply": {"payload": quick[title]}}
            }
        else:
            assert title in buttons, (title, message)
            event = {"postback": {"mid": f"mid.{uuid.uuid4().hex}", "title": title, "payload": buttons[title]}}
        return self._wait(len(self.messenger.sent(self.sender)), needle, lambda: self._event(event))


def test_messenger_spanish_conversation_reaches_a_case_reference(messenger: Messenger, cases: CaseRepository) -> None:
    sender = f"psid-es-{uuid.uuid4().hex[:12]}"
    chat = MessengerChat(messenger, sender, "es_LA")

    # Just the code from the letter: no language in the words, so the Spanish comes from the locale.
    answer = chat.say("CP504", "¿Quiere los detalles")
    assert "no escriba aquí su número de Seguro Social" in chat.texts()[0]
    assert any(t.startswith("CP504: Aviso de intención de embargar") for t in chat.texts())
    name = chat.tap(answer, "Pedir un profesional", "nombre completo")
    assert name["message"]["text"] == "¿Cuál es su nombre completo?"
    chat.say("José Núñez", "número de teléfono")
    chat.say("512 555 0147", "correo electrónico")
    method = chat.say("jose.nunez@example.com", "Cómo prefiere")
    levy = chat.tap(method, "Envíenme un correo", "embargo")
    chat.tap(levy, "No", "¿Qué fecha está impresa en su CP504?")
    chat.say("me llegó el 15 de octubre de 2026", "¿En qué estado vive?")
    chat.say("en Texas", "años fiscales")
    chat.say("2022 y 2023", "cuánto")
    unfiled = chat.say("$4.200,50", "declaración")
    joint = chat.tap(unfiled, "No", "conjuntas")
    when = chat.tap(joint, "No", "mejor momento")
    consent = chat.tap(when, "Por la mañana", "por correo electrónico a jose.nunez@example.com")
    summary = chat.tap(consent, "Sí, acepto", "¿Está correcto?")
    text = summary["message"]["attachment"]["payload"]["text"]
    for expected in (
        "José Núñez",
        "Contacto por: correo electrónico",
        "Avisos: CP504",
        "15 de octubre de 2026",
        "Estado: TX",
        "2022, 2023",
        "$4,200.50",
        "Mejor horario: por la mañana",
    ):
        assert expected in text, (expected, text)
    final = chat.tap(summary, "Sí, enviarlo", "referencia de su caso")
    assert_spanish_case(cases.latest_for_sender(conversation(sender, "messenger")), final["message"]["text"], "email")
    texts = chat.texts()
    assert all(len(t) <= 2000 for t in texts)
    assert english_in([t for t in texts if t]) == []
