"""Spanish on every channel: SMS keywords, menus and GSM-7 text, the language hint in message
metadata, the guard's own replies, the widget's socket.io payloads and Messenger's locale."""

from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator, List, Optional

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import SlotSet, UserUttered
from sanic import Sanic

from channels.facebook import ATTACHMENT_REPLY, ATTACHMENT_REPLY_ES, MessengerInput
from channels.guard import FALLBACK_TEXTS, FALLBACK_TEXTS_ES, PII_REMOVED, TECHNICAL_PROBLEM, MessageGuard, Verdict
from channels.guard_settings import GuardSettings
from channels.languages import locale_language, response_language, text_language, tracker_language, valid_language
from channels.messenger import render as messenger_render
from channels.messenger.events import read_event
from channels.metadata import sanitize_metadata, with_language
from channels.sms.keywords import ANSWER_WORDS, Keyword, help_reply, match_keyword, start_reply, stop_reply
from channels.sms.menus import MenuMemory
from channels.sms.render import gsm_text, is_gsm7, is_more, numbered_menu, render_buttons
from channels.socketio import SocketIOInput, SocketIOOutput, widget_fields
from channels.twilio import menu_language
from nlp import language as nlp_language
from settings.assistant import Settings
from store.db import get_database
from store.optouts import OptOutRepository
from tests.channels.fake_twilio import FakeTwilio
from tests.channels.test_facebook import Bot, FakeGraph, delivery, running
from tests.channels.test_facebook import text as fb_text
from tests.channels.test_guard import (
    SENDER,
    StubRasa,
    TwilioLikeOutput,
    agent_view,
    bot_offers,
    domain,
    run,
    save_tracker,
)
from tests.channels.test_guard import settings as guard_settings
from tests.channels.test_socketio import FakeServer, bind
from tests.channels.test_twilio import FIRM, PHONE, Harness, make_channel, serve

SPANISH_STOP = ["ALTO", "PARAR", "PARE", "CANCELAR", "BAJA", "DETENER", "FIN"]
MORE_MENU = {
    "text": "¿Quiere los detalles, o que un profesional de impuestos revise su caso?",
    "buttons": [
        {"title": "Más detalles", "payload": "/ask_more"},
        {"title": "Pedir un profesional", "payload": "/request_human"},
    ],
    "condition": [{"type": "slot", "name": "language", "value": "es"}],
    "utter_action": "utter_answer_next",
}
ENGLISH_MORE_MENU = {
    "text": "Want the details, or a tax pro to look at your case?",
    "buttons": [
        {"title": "More details", "payload": "/ask_more"},
        {"title": "Talk to a tax pro", "payload": "/request_human"},
    ],
    "utter_action": "utter_answer_next",
}


# --- keywords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", SPANISH_STOP + ["alto", " Alto. ", "¡ALTO!", "pare!", "Detener.", "fin", "baja", "Cancelar", "pArAr"]
)
def test_spanish_stop_words_are_stop(text: str) -> None:
    match = match_keyword(text)
    assert match is not None and match.kind is Keyword.STOP and match.is_spanish
    assert match.reply_language() == "es" and not match.is_answer_word


@pytest.mark.parametrize(
    "text, kind, word",
    [
        ("AYUDA", Keyword.HELP, "AYUDA"),
        ("ayuda.", Keyword.HELP, "AYUDA"),
        ("¡Ayuda!", Keyword.HELP, "AYUDA"),
        ("INICIAR", Keyword.START, "INICIAR"),
        ("comenzar", Keyword.START, "COMENZAR"),
        ("SÍ", Keyword.START, "SI"),
        ("si", Keyword.START, "SI"),
        ("Sí.", Keyword.START, "SI"),
        ("alto ahí", None, None),
        ("no pare", None, None),
        ("ayuda por favor", None, None),
        ("fines", None, None),
        ("sí, gracias", None, None),
        ("bajas", None, None),
    ],
)
def test_spanish_keywords_are_whole_messages(text: str, kind: Optional[Keyword], word: Optional[str]) -> None:
    match = match_keyword(text)
    assert (match.kind if match else None, match.word if match else None) == (kind, word)


def test_si_is_an_answer_word_like_yes() -> None:
    assert {"YES", "SI"} == ANSWER_WORDS
    assert match_keyword("Sí").is_answer_word and match_keyword("yes").is_answer_word
    assert not match_keyword("INICIAR").is_answer_word


def test_an_english_keyword_answers_in_the_conversations_language() -> None:
    assert match_keyword("STOP").reply_language() == "en"
    assert match_keyword("STOP").reply_language("es") == "es"
    assert match_keyword("AYUDA").reply_language("en") == "es"


def test_spanish_replies_name_the_firm_the_keywords_and_stay_gsm7() -> None:
    replies = [
        stop_reply(FIRM, "es"),
        start_reply(FIRM, "es"),
        help_reply(FIRM, "(512) 555-0100", "help@example.com", "https://example.com", "es"),
        help_reply(FIRM, language="es"),
    ]
    for reply in replies:
        assert FIRM in reply and is_gsm7(reply), reply
    assert "INICIAR" in replies[0] and "ALTO" in replies[1] and "AYUDA" in replies[1]
    assert replies[2].endswith("Responda ALTO para darse de baja.")
    for contact in ("llame al (512) 555-0100", "escriba a help@example.com", "https://example.com"):
        assert contact in replies[2]
    assert stop_reply(FIRM) == stop_reply(FIRM, "en")  # English unchanged


# --- SMS rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sent",
    [
        ("¿Quiere más información? Sí.", "¿Quiere mas informacion? Si."),
        ("Su aviso “CP504” — último plazo…", 'Su aviso "CP504" - ultimo plazo...'),
        ("Año, pequeño, pingüino, ¡él!", "Año, pequeño, pingüino, ¡él!"),  # all GSM-7 already
        ("Plain English, nothing to change.", "Plain English, nothing to change."),
        ("más 😀", "más 😀"),  # UCS-2 anyway: the words stay as written
    ],
)
def test_gsm_text(text: str, sent: str) -> None:
    assert gsm_text(text) == sent


def test_spanish_menus() -> None:
    assert numbered_menu(["Sí", "No"], "es") == "Responda 1 para Sí, 2 para No."
    assert numbered_menu(["Yes", "No"]) == "Reply 1 for Yes, 2 for No."
    body, payloads = render_buttons(MORE_MENU["text"], MORE_MENU["buttons"], "es")
    assert body.endswith("Responda 1 para Más detalles, 2 para Pedir un profesional.")
    assert payloads == ["/ask_more", "/request_human"]
    assert menu_language(MORE_MENU["text"], MORE_MENU) == "es"
    assert menu_language("¿Qué quiere hacer ahora con su carta del IRS?", {}) == "es"  # composed Spanish text
    assert menu_language("What would you like to do?", {}) == "en"
    assert menu_language("", {}) == "en"


@pytest.mark.parametrize("reply", ["MORE", "more", "MAS", "mas", "MÁS", "Más.", "¡más!", " más "])
def test_more_words_pick_the_details_option(reply: str) -> None:
    assert is_more(reply)
    menus = MenuMemory()
    menus.remember(PHONE, ["/request_human", "/ask_more"])
    assert menus.resolve(PHONE, reply) == "/ask_more"


def test_more_without_a_details_option_is_plain_text() -> None:
    menus = MenuMemory()
    assert menus.resolve(PHONE, "MÁS") == "MÁS"
    menus.remember(PHONE, ["/affirm", "/deny"])
    assert menus.resolve(PHONE, "más") == "más"
    assert not is_more("más detalles") and not is_more("mass")


# --- the Twilio channel in Spanish --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'cases.db'}",
        firm_name=FIRM,
        firm_phone="(512) 555-0100",
        firm_email="help@milestonetax.example",
        firm_website="https://milestonetax.example",
        handoff_webhook_url=None,
        smtp_host=None,
    )


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    fake = await FakeTwilio().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def harness(settings: Settings, twilio: FakeTwilio) -> AsyncIterator[Harness]:
    async with serve(make_channel(settings, twilio), twilio) as running_harness:
        yield running_harness


def opted_out(settings: Settings) -> bool:
    return OptOutRepository(get_database(settings.database_url)).is_opted_out(PHONE)


async def spanish_conversation(harness: Harness, *events: Any) -> None:
    """Store the number's conversation with the language slot at ``es`` (and ``events``)."""
    await save_tracker(
        harness.channel.guard.view,
        f"sms:{PHONE}",  # type: ignore[arg-type]
        [UserUttered("hola"), SlotSet("language", "es"), *events],
    )


@pytest.mark.parametrize("word", SPANISH_STOP + ["¡Alto!", "pare."])
async def test_each_spanish_stop_word_opts_out_exactly_like_stop(
    harness: Harness, settings: Settings, word: str
) -> None:
    await harness.say(word)
    assert opted_out(settings)
    with get_database(settings.database_url).engine.connect() as connection:
        [(keyword,)] = connection.exec_driver_sql("select last_keyword from sms_opt_outs").fetchall()
    assert keyword == match_keyword(word).word  # recorded like STOP, with the word that was sent
    assert harness.twilio.bodies() == [stop_reply(FIRM, "es")]
    for text in ("hola", "ALTO", "ayuda", "STOP"):
        await harness.say(text)
    await harness.channel.get_output_channel().send_text_message(f"sms:{PHONE}", "Respuesta de un profesional")
    await harness.settle()
    assert harness.bot.messages == []  # the bot never sees a keyword nor anything after it
    assert harness.twilio.bodies() == [stop_reply(FIRM, "es")]  # confirmed once, nothing sent since


@pytest.mark.parametrize("word", ["INICIAR", "comenzar", "Sí"])
async def test_spanish_start_words_opt_back_in_with_a_spanish_confirmation(
    harness: Harness, settings: Settings, word: str
) -> None:
    await harness.say("ALTO")
    await harness.say(word)
    assert not opted_out(settings)
    await harness.say("hello")
    assert harness.bot.texts == ["hello"]
    assert harness.twilio.bodies() == [stop_reply(FIRM, "es"), start_reply(FIRM, "es"), "Hi there!"]


async def test_si_is_an_answer_unless_opted_out(harness: Harness) -> None:
    await harness.say("sí")
    assert harness.bot.texts == ["sí"] and harness.twilio.bodies() == []


async def test_ayuda_answers_in_spanish(harness: Harness) -> None:
    await harness.say("AYUDA")
    [reply] = harness.twilio.bodies()
    assert reply == help_reply(
        FIRM, "(512) 555-0100", "help@milestonetax.example", "https://milestonetax.example", "es"
    )
    assert reply.startswith(f"{FIRM}: datos generales") and is_gsm7(reply)
    assert harness.bot.messages == []


async def test_english_keywords_answer_in_spanish_in_a_spanish_conversation(
    harness: Harness, settings: Settings
) -> None:
    await spanish_conversation(harness)
    await harness.say("HELP")
    await harness.say("STOP")
    await harness.say("START")
    assert harness.twilio.bodies()[0].startswith(f"{FIRM}: datos generales")
    assert harness.twilio.bodies()[1:] == [stop_reply(FIRM, "es"), start_reply(FIRM, "es")]


async def test_english_keywords_stay_english_in_an_english_conversation(harness: Harness) -> None:
    await save_tracker(
        harness.channel.guard.view,
        f"sms:{PHONE}",  # type: ignore[arg-type]
        [UserUttered("hi"), SlotSet("language", "en")],
    )
    await harness.say("STOP")
    assert harness.twilio.bodies() == [stop_reply(FIRM)]


@pytest.mark.parametrize("reply", ["MÁS", "mas", "MORE"])
async def test_mas_works_like_more(harness: Harness, reply: str) -> None:
    harness.bot.replies["hola"] = [dict(MORE_MENU)]
    await harness.say("hola")
    [menu] = harness.twilio.bodies()
    assert menu == (
        "¿Quiere los detalles, o que un profesional de impuestos revise su caso?\n"
        "Responda 1 para Mas detalles, 2 para Pedir un profesional."
    )
    # As in the Rasa server, the offered buttons are in the stored conversation.
    await spanish_conversation(harness, bot_offers("/ask_more", "/request_human"))
    await harness.say(reply)
    assert harness.bot.texts[-1] == "/ask_more"


async def test_an_english_menu_stays_english(harness: Harness) -> None:
    harness.bot.replies["hi"] = [dict(ENGLISH_MORE_MENU)]
    await harness.say("hi")
    assert harness.twilio.bodies() == [
        "Want the details, or a tax pro to look at your case?\nReply 1 for More details, 2 for Talk to a tax pro."
    ]


async def test_spanish_replies_are_sent_in_gsm7(harness: Harness) -> None:
    spanish = (
        "Su aviso CP504 es una notificación de intención de embargo. Tiene 30 días para responder; "
        "¿quiere más información o hablar con un profesional?"
    )
    harness.bot.replies["hola"] = [{"text": f"**{spanish}**"}]
    await harness.say("hola")
    [sent] = harness.twilio.bodies()
    assert sent == gsm_text(spanish) and is_gsm7(sent)
    assert "notificacion de intencion" in sent and "30 dias" in sent and "¿quiere mas informacion" in sent
    assert len(sent) <= 160  # one segment, not three UCS-2 ones


async def test_a_pros_reply_is_sent_exactly_as_written(harness: Harness) -> None:
    written = "Hola María, soy Jane. ¿Podría llamarme mañana? Revisé su caso — está bien."
    output = harness.channel.get_output_channel()
    await output.send_response(f"sms:{PHONE}", {"text": written, "from_pro": "jane"})
    await harness.settle()
    assert harness.twilio.bodies() == [written]


async def test_the_guards_pii_reply_is_spanish_by_sms(harness: Harness) -> None:
    await harness.say("mi número de seguro social es 123 45 6789")
    [notice] = harness.twilio.bodies()
    assert notice.startswith("Por su seguridad, quité el numero de Seguro Social de su mensaje")  # é is GSM-7
    assert is_gsm7(notice)
    assert harness.bot.messages[0].metadata["language"] == "es"


# --- the language hint in message metadata -------------------------------------------------------


@pytest.mark.parametrize(
    "value, kept",
    [
        ("es", "es"),
        ("en", "en"),
        (" ES ", "es"),
        ("fr", None),
        ("es-MX", None),
        ("", None),
        (1, None),
        (["es"], None),
        ({"x": "es"}, None),
        ("<script>", None),
    ],
)
def test_client_metadata_language_is_en_or_es_only(value: Any, kept: Optional[str]) -> None:
    cleaned = sanitize_metadata({"language": value, "page": "home"})
    assert cleaned == ({"page": "home", "language": kept} if kept else {"page": "home"})
    assert valid_language(value) == kept


@pytest.mark.parametrize(
    "metadata, text, hint, expected",
    [
        (None, "hola, me llegó una carta del IRS", None, {"language": "es"}),
        (None, "what is a CP504?", None, {"language": "en"}),
        (None, "ok", None, None),
        (None, "/greet", None, None),  # a payload shows no language
        ({"page": "x"}, "12345", None, {"page": "x"}),
        ({"language": "es"}, "what is a CP504?", None, {"language": "es"}),  # the channel's hint first
        ({"language": "fr"}, "hola, buenos días", None, {"language": "es"}),  # never anything but en / es
        ({"language": "fr", "page": "x"}, "ok", None, {"page": "x"}),
        ({"language": "fr"}, "ok", None, None),
        ({"a": 1}, "what is a CP504?", "es", {"a": 1, "language": "es"}),
        (None, "hola", "klingon", {"language": "es"}),
    ],
)
def test_with_language(metadata: Any, text: str, hint: Optional[str], expected: Any) -> None:
    assert with_language(metadata, text, hint) == expected


def test_locales_are_read_by_the_one_shared_reader() -> None:
    # The channels (Messenger's locale) and action_session_start (the metadata hint) read a locale
    # with nlp/language.py's function, whose table of cases is in tests/nlp/test_language.py.
    assert locale_language is nlp_language.locale_language and valid_language is nlp_language.valid_language
    assert locale_language("es_LA") == "es"


def test_text_language_reads_requests_and_clear_text_only() -> None:
    assert text_language("en español por favor") == "es"
    assert text_language("English please") == "en"
    assert text_language("CP504") is None and text_language("") is None and text_language(None) is None


async def test_every_guarded_message_carries_the_language_of_its_words() -> None:
    result, _, rasa = await run(
        MessageGuard("rest", guard_settings(), view=agent_view()), "hola, me llegó una carta del IRS, ¿qué hago?"
    )
    assert result.verdict is Verdict.PASSED and rasa.received[0].metadata == {"language": "es"}
    _, _, rasa = await run(MessageGuard("rest", guard_settings(), view=agent_view()), "CP504", sender="other")
    assert rasa.received[0].metadata is None  # nothing to tell


async def test_the_guard_never_passes_a_forged_language() -> None:
    _, _, rasa = await run(
        MessageGuard("rest", guard_settings(), view=agent_view()), "12345", metadata={"language": "xx'); DROP"}
    )
    assert rasa.received[0].metadata is None


async def test_a_photo_reading_keeps_the_channels_hint_and_reads_no_language_from_its_text() -> None:
    from channels import notice_photos

    rasa = StubRasa()
    guard = MessageGuard("rest", guard_settings(), view=agent_view())
    message = notice_photos.photo_message({"code": "CP504"}, CollectingOutputChannel(), SENDER, "rest")
    await guard.process(message, rasa)
    assert rasa.received[0].metadata is None
    message = notice_photos.photo_message(
        {"code": "CP504"}, CollectingOutputChannel(), SENDER, "rest", {"language": "es"}
    )
    await guard.process(message, rasa)
    assert rasa.received[-1].metadata == {"language": "es"}


# --- the guard's own replies --------------------------------------------------------------------


def test_every_guard_reply_has_a_spanish_fallback() -> None:
    assert set(FALLBACK_TEXTS_ES) == set(FALLBACK_TEXTS)


async def test_pii_in_a_spanish_message_is_announced_in_spanish() -> None:
    _, replies, rasa = await run(
        MessageGuard("rest", guard_settings(), view=agent_view()),
        "hola, mi seguro social es 123-45-6789, ¿me pueden ayudar?",
    )
    assert replies[0].startswith("Por su seguridad, quité el número de Seguro Social de su mensaje")
    assert rasa.received[0].metadata == {"pii_removed": ["ssn"], "language": "es"}


async def test_pii_in_a_spanish_conversation_by_sms_uses_the_spanish_sms_variation() -> None:
    view = agent_view()
    await save_tracker(view, SENDER, [UserUttered("hola"), SlotSet("language", "es")])
    _, replies, _ = await run(
        MessageGuard("twilio", guard_settings(), view=view), "123-45-6789", output=TwilioLikeOutput()
    )
    assert replies[0].startswith("Por su seguridad") and "No envíe por texto" in replies[0]


async def test_a_failed_turn_in_a_spanish_conversation_is_apologised_for_in_spanish() -> None:
    view = agent_view()
    await save_tracker(view, SENDER, [UserUttered("hola"), SlotSet("language", "es")])
    result, replies, _ = await run(MessageGuard("rest", guard_settings(), view=view), "12345", rasa=StubRasa(fail=True))
    spanish = [
        v["text"]
        for v in domain().responses[TECHNICAL_PROBLEM]
        if not v.get("channel") and response_language(v) == "es"
    ]
    assert result.verdict is Verdict.FAILED and replies == spanish


async def test_without_a_domain_the_spanish_fallback_is_used() -> None:
    view = agent_view(with_domain=False)
    _, replies, _ = await run(
        MessageGuard("rest", guard_settings(), view=view),
        "necesito ayuda con mi aviso, mi seguro social es 123-45-6789",
    )
    assert replies[0] == FALLBACK_TEXTS_ES[PII_REMOVED].format(removed="número de Seguro Social")


# --- the widget's socket.io payloads ------------------------------------------------------------


def test_tracker_language_reads_both_tracker_shapes() -> None:
    assert tracker_language({"slots": {"language": "es"}}) == "es"
    assert tracker_language({"slots": {"language": "de"}}) is None
    assert tracker_language(None) is None


def test_widget_fields_say_the_language_of_domain_responses() -> None:
    responses = domain().responses
    assert widget_fields(MORE_MENU, responses) == {"language": "es"}
    assert widget_fields(ENGLISH_MORE_MENU, responses) == {"language": "en"}  # the English twin
    assert widget_fields({"text": "composed"}, responses) == {}
    assert widget_fields({"text": "x", "utter_action": "utter_unknown"}, responses) == {}
    assert widget_fields({**MORE_MENU, "from_pro": "jane"}, responses) == {"from_pro": "jane"}
    assert widget_fields(
        {
            "text": "x",
            "utter_action": "utter_handed_back",
            "condition": [{"type": "slot", "name": "language", "value": "es"}],
        }
    ) == {"handed_back": True, "language": "es"}


async def test_the_widget_receives_the_language_with_each_message() -> None:
    server = FakeServer()
    output = SocketIOOutput(server, "bot_uttered", lambda: domain().responses)  # type: ignore[arg-type]
    await output.send_response("web:conv", dict(MORE_MENU))
    await output.send_response("web:conv", {"text": "Hola", "from_pro": "jane"})
    [menu, pro] = [data for _, data, _ in server.emitted]
    assert menu["language"] == "es" and menu["quick_replies"][0]["title"] == "Más detalles"
    assert "language" not in pro


async def test_the_widgets_language_hint_reaches_rasa_and_nothing_else_does() -> None:
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True)
    channel.blueprint(on_new_message)
    channel.sio.emit = FakeServer().emit  # type: ignore[method-assign]
    bind(channel)
    handler = channel.sio.handlers["/"]["user_uttered"]
    await handler("sid-1", {"message": "/greet", "session_id": "s", "metadata": {"language": "es"}})
    await handler("sid-1", {"message": "/greet", "session_id": "s", "metadata": {"language": "de", "evil": 1}})
    await handler("sid-1", {"message": "hola, tengo un aviso del IRS", "session_id": "s"})
    assert [m.metadata or None for m in received] == [{"language": "es"}, None, {"language": "es"}]


# --- Messenger ----------------------------------------------------------------------------------


def test_a_locale_in_the_webhook_is_kept() -> None:
    base = {"sender": {"id": "42"}, "recipient": {"id": "1"}}
    assert read_event({**base, "message": {"mid": "m", "text": "hi"}, "locale": "es_LA"}).locale == "es_LA"
    assert read_event({**base, "postback": {"payload": "/greet", "referral": {"locale": "es_ES"}}}).locale == "es_ES"
    assert read_event({**base, "message": {"mid": "m", "text": "hi"}}).locale is None


def test_messenger_prompts_in_spanish() -> None:
    buttons = [{"title": f"Opción {n}", "payload": f"/x{n}"} for n in range(4)]
    assert messenger_render.render_buttons("", buttons, "es")[0]["text"] == "Elija una opción:"
    assert messenger_render.render_buttons("", buttons)[0]["text"] == "Please choose one:"


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = await FakeGraph().start()
    yield fake
    await fake._runner.cleanup()


@pytest.fixture
async def messenger(graph: FakeGraph) -> AsyncIterator[Bot]:
    guard = MessageGuard("facebook", GuardSettings(_env_file=None), view=agent_view())
    channel = MessengerInput(
        "verify-me",
        "app-secret-for-tests",
        "PAGE-TOKEN-do-not-log",
        graph_api_base=graph.url,
        retry_backoff_s=0.01,
        guard=guard,
    )
    async for running_bot in running(channel, graph):
        yield running_bot


async def test_a_messenger_locale_becomes_the_language_hint(messenger: Bot) -> None:
    event = fb_text("42", "hi there")
    await messenger.post(delivery([{**event, "locale": "es_LA"}]))
    await messenger.post(delivery([fb_text("43", "what is a CP504?")]))
    await messenger.post(delivery([{**fb_text("44", "12345"), "locale": "de_DE"}]))
    by_sender = {m.sender_id: m.metadata for m in messenger.received}
    assert by_sender == {"messenger:42": {"language": "es"}, "messenger:43": {"language": "en"}, "messenger:44": None}


async def test_the_attachment_reply_follows_the_conversations_language(messenger: Bot, graph: FakeGraph) -> None:
    sticker = {"sender": {"id": "42"}, "recipient": {"id": "1"}, "message": {"mid": "m-1", "sticker_id": 1}}
    await messenger.post(delivery([sticker]))
    await save_tracker(
        messenger.channel.guard.view,
        "messenger:55",  # type: ignore[arg-type]
        [UserUttered("hola"), SlotSet("language", "es")],
    )
    await messenger.post(delivery([{**sticker, "sender": {"id": "55"}, "message": {"mid": "m-2", "sticker_id": 1}}]))
    await messenger.post(
        delivery([{**sticker, "sender": {"id": "56"}, "message": {"mid": "m-3", "sticker_id": 1}, "locale": "es_ES"}])
    )
    assert [m["text"] for m in graph.messages()] == [ATTACHMENT_REPLY, ATTACHMENT_REPLY_ES, ATTACHMENT_REPLY_ES]


async def test_a_spanish_reply_with_many_buttons_gets_a_spanish_prompt(messenger: Bot, graph: FakeGraph) -> None:
    output = messenger.channel.get_output_channel()
    buttons = [{"title": f"Opción {n}", "payload": f"/x{n}"} for n in range(4)]
    await output.send_response("messenger:42", {"text": "", "buttons": buttons, "condition": MORE_MENU["condition"]})
    await output.send_text_with_buttons("messenger:42", "x" * 700, buttons[:2], condition=MORE_MENU["condition"])
    await messenger.channel.drain()
    assert graph.messages()[-1]["attachment"]["payload"]["text"] == "Elija una opción:"


async def test_a_spanish_carousel_by_sms_gets_a_spanish_menu(harness: Harness) -> None:
    output = harness.channel.get_output_channel()
    elements = [
        {
            "title": "Plan de pagos",
            "subtitle": "Pagos mensuales",
            "buttons": [{"title": "Más detalles", "payload": "/ask_more"}],
        }
    ]
    # Rasa's message for a carousel without text still carries "text": None.
    await output.send_response(
        f"sms:{PHONE}", {"text": None, "elements": elements, "condition": MORE_MENU["condition"], "timestamp": 1.0}
    )
    await harness.settle()
    assert harness.twilio.bodies() == ["Plan de pagos: Pagos mensuales\nResponda 1 para Mas detalles."]
