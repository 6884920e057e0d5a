"""The intake in a Spanish conversation: Spanish answers are read, an ambiguous date is asked about,
"en español" is no answer, and every value or button the actions build is Spanish."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDidYouMean, did_you_mean_buttons
from actions.firm import ActionFirmInfo, contact_line
from actions.intake import ValidateIntakeForm
from actions.intake_controls import ActionCancelIntake, ActionCorrectIntake, ActionSkipQuestion
from actions.intake_prompts import (
    ActionAskContactConsent,
    ActionAskIntakeConfirmed,
    ActionAskNoticeDate,
    ActionAskPreferredChannel,
)
from actions.notice_photo import ActionReadNoticePhoto
from services.intake_plan import FORM_SLOTS
from store.records import STATUS_CLOSED, STATUS_IN_CONVERSATION, STATUS_NEW, STATUS_WAITING
from tests.actions.conftest import DOMAIN, FIRM, OFF_DUTY, Store, make_tracker, names, only, run_action
from tests.actions.test_handoff import STATUS, SUBMIT, stored_case, submit_tracker
from tests.actions.test_intake import PHONE, answered_before, form_tracker
from tests.actions.test_notice_photo import fields, photo_tracker
from tests.services.test_spanish_values import english_in

FORM = ValidateIntakeForm()
ES = {"language": "es"}
SPANISH_VARIATION = [{"type": "slot", "name": "language", "value": "es"}]


async def answer(slot: str, text: str, intent: str = "inform", **kwargs: Any):
    """Run the form on ``text`` as the Spanish answer to ``slot``."""
    slots = answered_before(slot, **{**ES, **kwargs.pop("slots", {})})
    return await run_action(FORM, form_tracker(text, slot, intent=intent, slots=slots, **kwargs))


async def run_raw(
    action: Action, tracker: Tracker, domain: Dict[str, Any] = DOMAIN
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run ``action`` without the domain check of run_action (for text messages and test domains)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return dispatcher.messages, events


def no_english(*texts: str) -> None:
    found = [(text, english_in(text.replace(FIRM, ""))) for text in texts]
    assert not [pair for pair in found if pair[1]], found


# -- Spanish answers are read -------------------------------------------------------------------


@pytest.mark.parametrize(
    "slot, text, value",
    [
        ("full_name", "me llamo María José Peña", "María José Peña"),
        ("full_name", "maría de la cruz", "María de la Cruz"),
        ("preferred_channel", "mensaje de texto", "sms"),
        ("preferred_channel", "llámenme", "phone"),
        ("preferred_channel", "por correo electrónico", "email"),
        ("preferred_channel", "por el chat", "chat"),
        ("levy_active", "no, ninguno", "no"),
        ("levy_active", "no estoy segura", "unsure"),
        ("notice_date", "15 de octubre de 2026", "2026-10-15"),
        ("notice_date", "15/10/2026", "2026-10-15"),
        ("notice_date", "hace un mes", "2026-10-26"),
        ("us_state", "Carolina del Norte", "NC"),
        ("us_state", "vivo en Nueva York", "NY"),
        ("tax_years", "del 2019 al 2021", [2019, 2020, 2021]),
        ("tax_years", "los últimos 3 años", [2023, 2024, 2025]),
        ("amount_owed", "$1.850,00", "1850.00"),
        ("amount_owed", "unos 12 mil", "12000.00"),
        ("amount_owed", "nada", "0.00"),
        ("unfiled_returns", "sí", "yes"),
        ("joint_filing", "tal vez", "unsure"),
        ("contact_time", "por la mañana", "morning"),
        ("contact_time", "después de las 5", "después de las 5"),
        ("intake_confirmed", "sí, envíelo", True),
    ],
)
async def test_a_spanish_answer_is_stored_normalised(slot: str, text: str, value: Any) -> None:
    messages, events = await answer(slot, text)
    assert messages == []
    assert events == [SlotSet(slot, value)]


async def test_mil_is_a_thousand_in_spanish_and_a_million_in_english() -> None:
    assert (await answer("amount_owed", "2 mil"))[1] == [SlotSet("amount_owed", "2000.00")]
    english = answered_before("amount_owed")
    _, events = await run_action(FORM, form_tracker("2 mil", "amount_owed", slots=english))
    assert events == [SlotSet("amount_owed", "2000000.00")]


async def test_consent_si_records_the_spanish_wording() -> None:
    messages, events = await answer("contact_consent", "sí, de acuerdo", intent="affirm")
    assert messages == [] and events[0] == SlotSet("contact_consent", True)
    wording = events[1]["value"]["wording"]
    assert wording.startswith(f"¿Puede {FIRM} comunicarse con usted por mensaje de texto al {PHONE}")
    no_english(wording)


@pytest.mark.parametrize("text", ["sí, pero el teléfono está mal", "no, cambie el correo", "está mal", "corregir"])
async def test_a_spanish_change_request_at_the_summary_asks_which_field_in_spanish(text: str) -> None:
    messages, events = await answer("intake_confirmed", text)
    assert names(messages) == ["utter_which_field"]
    buttons = only(messages, "utter_which_field")["buttons"]
    assert buttons[1] == {"title": "Teléfono", "payload": '/correct_intake{"intake_field": "phone"}'}
    no_english(*[b["title"] for b in buttons])
    assert events == [SlotSet("intake_confirmed", None)]


# -- a date that reads two ways is asked about ----------------------------------------------------


async def test_an_ambiguous_date_is_not_guessed_and_not_called_invalid() -> None:
    messages, events = await answer("notice_date", "05/06/2026")
    assert messages == []  # no "I couldn't read a date"
    assert events == [SlotSet("notice_date", None)]  # and no failure counted


async def test_the_date_question_then_asks_which_date_in_spanish() -> None:
    tracker = form_tracker("05/06/2026", "notice_date", slots=answered_before("notice_date", **ES))
    messages, events = await run_raw(ActionAskNoticeDate(), tracker)
    assert events == [] and len(messages) == 1
    assert messages[0]["text"] == "¿La fecha 05/06/2026 es el 5 de junio de 2026 o el 6 de mayo de 2026?"
    assert messages[0]["buttons"] == [
        {"title": "5 de junio de 2026", "payload": "5 de junio de 2026"},
        {"title": "6 de mayo de 2026", "payload": "6 de mayo de 2026"},
    ]


async def test_a_correction_with_an_ambiguous_date_is_asked_about_too() -> None:
    slots = {**answered_before("intake_confirmed", intake_confirmed=True, **ES)}
    tracker = form_tracker("la fecha es 3/4/2026", "intake_confirmed", intent="correct_intake", slots=slots)
    messages, events = await run_action(ActionCorrectIntake(), tracker)
    assert messages == [] and SlotSet("notice_date", None) in events  # asked again, not guessed
    asked, _ = await run_raw(ActionAskNoticeDate(), tracker)
    assert asked[0]["text"] == "¿La fecha 3/4/2026 es el 3 de abril de 2026 o el 4 de marzo de 2026?"


@pytest.mark.parametrize("choice, value", [("5 de junio de 2026", "2026-06-05"), ("6 de mayo de 2026", "2026-05-06")])
async def test_the_button_answer_is_the_date(choice: str, value: str) -> None:
    assert await answer("notice_date", choice) == ([], [SlotSet("notice_date", value)])


async def test_the_date_question_is_the_usual_one_otherwise() -> None:
    tracker = form_tracker("hola", "notice_date", slots={**ES, "notice_codes": None})
    messages, _ = await run_action(ActionAskNoticeDate(), tracker)
    assert names(messages) == ["utter_ask_notice_date", "utter_skip_hint"]
    assert only(messages, "utter_ask_notice_date")["code"] == "aviso"


async def test_english_dates_are_still_read_month_first() -> None:
    slots = answered_before("notice_date")
    assert await run_action(FORM, form_tracker("05/06/2026", "notice_date", slots=slots)) == (
        [],
        [SlotSet("notice_date", "2026-05-06")],
    )


# -- "en español" / "English please" is no answer -------------------------------------------------


@pytest.mark.parametrize("slot", FORM_SLOTS)
@pytest.mark.parametrize("text", ["en español por favor", "English please", "sí, en español"])
async def test_a_language_request_fills_no_slot(slot: str, text: str) -> None:
    assert await answer(slot, text, intent="change_language") == ([], [])


@pytest.mark.parametrize(
    "slot, text", [("full_name", "Español"), ("levy_active", "sí, en español"), ("contact_time", "en español")]
)
async def test_a_requested_language_entity_is_no_answer_whatever_the_intent(slot: str, text: str) -> None:
    language = {
        "entity": "language",
        "value": "es",
        "role": "requested",
        "start": 0,
        "end": len(text),
        "extractor": "LanguageDetector",
    }
    assert await answer(slot, text, intent="inform", entities=[language]) == ([], [])


async def test_a_detected_language_entity_does_not_hide_the_answer() -> None:
    # The detector's entity spans the whole message: it must not blank the date out.
    text = "15 de octubre de 2026"
    detected = {
        "entity": "language",
        "value": "es",
        "role": "detected",
        "start": 0,
        "end": len(text),
        "extractor": "LanguageDetector",
    }
    assert await answer("notice_date", text, entities=[detected]) == ([], [SlotSet("notice_date", "2026-10-15")])
    assert await answer("full_name", "María Peña", entities=[detected]) == ([], [SlotSet("full_name", "María Peña")])


# -- what the actions send in Spanish -------------------------------------------------------------


async def test_contact_method_buttons_in_spanish_keep_their_payloads() -> None:
    slots = {**ES, "phone": PHONE, "email": "maria@ejemplo.com"}
    messages, _ = await run_action(ActionAskPreferredChannel(), form_tracker("", "preferred_channel", slots=slots))
    buttons = only(messages, "utter_ask_preferred_channel")["buttons"]
    assert [b["payload"] for b in buttons] == ["sms", "phone", "email", "chat"]
    assert [b["title"] for b in buttons] == [
        "Envíenme un texto",
        "Llámenme",
        "Envíenme un correo",
        "Respondan en este chat",
    ]
    no_english(*[b["title"] for b in buttons])


async def test_summary_and_consent_in_spanish() -> None:
    slots = answered_before("intake_confirmed", **ES)
    messages, _ = await run_action(ActionAskIntakeConfirmed(), form_tracker("", "intake_confirmed", slots=slots))
    summary = only(messages, "utter_intake_summary")["summary"]
    assert summary.startswith("• Nombre: Jane Doe\n• Teléfono: +15125550142\n• Correo electrónico: ")
    assert "• Fecha del aviso: 2 de noviembre de 2026" in summary and "• Cantidad que debe: $12,000" in summary
    no_english(summary.replace("jane@example.com", "").replace("Jane Doe", ""))
    messages, _ = await run_action(
        ActionAskContactConsent(), form_tracker("", "contact_consent", slots=answered_before("contact_consent", **ES))
    )
    no_english(only(messages, "utter_ask_contact_consent")["consent_wording"])


async def test_a_correction_is_confirmed_in_spanish() -> None:
    slots = answered_before("intake_confirmed", intake_confirmed=True, **ES)
    tracker = form_tracker(
        "mi correo está mal, es maria@ejemplo.com", "intake_confirmed", intent="correct_intake", slots=slots
    )
    messages, _ = await run_action(ActionCorrectIntake(), tracker)
    assert (only(messages, "utter_updated")["field"], only(messages, "utter_updated")["value"]) == (
        "Correo electrónico",
        "maria@ejemplo.com",
    )
    tracker = form_tracker("mejor llámenme", "intake_confirmed", intent="correct_intake", slots=slots)
    messages, _ = await run_action(ActionCorrectIntake(), tracker)
    assert (only(messages, "utter_updated")["field"], only(messages, "utter_updated")["value"]) == (
        "Contacto por",
        "llamada telefónica",
    )
    tracker = form_tracker("quiero cambiar algo", "intake_confirmed", intent="correct_intake", slots=slots)
    messages, _ = await run_action(ActionCorrectIntake(), tracker)
    no_english(*[b["title"] for b in only(messages, "utter_change_which")["buttons"]])


async def test_cannot_skip_gives_the_spanish_reason() -> None:
    spanish = next(
        v["text"] for v in DOMAIN["responses"]["utter_why_full_name"] if v.get("condition") == SPANISH_VARIATION
    )
    tracker = form_tracker("saltar", "full_name", intent="skip_question", slots=ES)
    messages, _ = await run_raw(ActionSkipQuestion(), tracker, DOMAIN)
    assert only(messages, "utter_cannot_skip")["reason"] == spanish
    english = form_tracker("skip", "full_name", intent="skip_question")
    messages, _ = await run_raw(ActionSkipQuestion(), english, DOMAIN)
    assert only(messages, "utter_cannot_skip")["reason"] == DOMAIN["responses"]["utter_why_full_name"][0]["text"]


async def test_firm_contact_details_are_labelled_in_spanish(use_settings) -> None:
    settings = use_settings(
        firm_phone="(512) 555-0100", firm_email="ayuda@acme.test", firm_website="acme.test", firm_hours="9-18"
    )
    assert contact_line(settings, "es") == (
        "Teléfono: (512) 555-0100 · Correo electrónico: ayuda@acme.test · Sitio web: acme.test · Horario: 9-18"
    )
    assert contact_line(settings) == ("Phone: (512) 555-0100 · Email: ayuda@acme.test · Web: acme.test · Hours: 9-18")
    tracker = form_tracker("cancelar", "us_state", intent="cancel", slots=answered_before("us_state", **ES))
    messages, _ = await run_action(ActionCancelIntake(), tracker)
    assert only(messages, "utter_intake_cancelled")["contact"] == " " + contact_line(settings, "es")
    messages, _ = await run_action(
        ActionFirmInfo(), make_tracker("¿cuánto cobran?", intent="ask_firm_services", slots=ES)
    )
    assert only(messages, "utter_firm_contact")["contact"] == contact_line(settings, "es")


async def test_notice_photo_reading_in_spanish() -> None:
    messages, _ = await run_action(ActionReadNoticePhoto(), photo_tracker(fields(tax_years=[2022, 2023]), slots=ES))
    reading = only(messages, "utter_notice_photo_confirm")["reading"]
    assert reading == "LT11, con fecha del 10 de noviembre de 2026, cantidad $6,312.45, años fiscales 2022, 2023"
    messages, _ = await run_action(ActionReadNoticePhoto(), photo_tracker(fields(code=None), slots=ES))
    read = only(messages, "utter_notice_photo_no_code")["read"]
    assert read == "la cantidad ($6,312.45) y la fecha (10 de noviembre de 2026)"
    no_english(reading, read)


async def test_did_you_mean_in_spanish_has_no_english_button() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "ask_levy", "confidence": 0.3}]
    tracker = make_tracker("blorp", intent="nlu_fallback", intent_ranking=ranking, slots=ES)
    buttons = did_you_mean_buttons(tracker, {"ask_levy": "Embargos"})
    assert buttons == [
        {"title": "Embargos", "payload": "/ask_levy"},
        {"title": "Otra cosa", "payload": "/out_of_scope"},
    ]
    messages, _ = await run_action(ActionDidYouMean(), tracker)
    for message in messages:  # Spanish labels only: never the English ones
        no_english(*[b["title"] for b in message.get("buttons") or []])
    english = make_tracker("blorp", intent="nlu_fallback", intent_ranking=ranking)
    assert did_you_mean_buttons(english, {"ask_levy": "Levy"})[-1]["title"] == "Something else"


# -- the handoff in Spanish -----------------------------------------------------------------------


async def test_off_duty_handoff_in_spanish(store: Store) -> None:
    store.now(OFF_DUTY)
    messages, _ = await run_action(SUBMIT, submit_tracker({**ES, "preferred_channel": "email"}))
    later = only(messages, "utter_handoff_later")
    assert (later["method"], later["opening"]) == ("correo electrónico", "mañana a las 9:00 a. m. EST")
    store.configure(business_holidays="2026-11-27")
    messages, _ = await run_action(SUBMIT, submit_tracker({**ES, "intake_id": "intake-2"}))
    later = only(messages, "utter_handoff_later")
    assert (later["method"], later["opening"]) == ("mensaje de texto", "el lunes, 30 de noviembre a las 9:00 a. m. EST")
    [first, _] = store.cases()
    assert first.intake.language == "es"


async def test_declined_consent_contact_in_spanish(store: Store) -> None:
    store.configure(firm_phone="(512) 555-0100")
    messages, _ = await run_action(SUBMIT, submit_tracker({**ES, "contact_consent": False}))
    assert only(messages, "utter_consent_declined")["contact"] == " Teléfono: (512) 555-0100"


@pytest.mark.parametrize(
    "status, words",
    [
        (STATUS_NEW, "registrado, y un profesional de impuestos se comunicará con usted por mensaje de texto"),
        (STATUS_WAITING, "en espera del próximo profesional de impuestos disponible"),
        (STATUS_IN_CONVERSATION, "en manos de un profesional de impuestos"),
        (STATUS_CLOSED, 'cerrado. Si necesita más ayuda, diga "hablar con un profesional de impuestos"'),
    ],
)
async def test_case_status_in_spanish(store: Store, status: str, words: str) -> None:
    case = stored_case(store)
    if status != STATUS_NEW:
        store.repo.set_status(case.reference, status, "pro1")
    tracker = form_tracker("¿hay novedades de mi caso?", None, intent="ask_case_status", active_loop=None, slots=ES)
    messages, _ = await run_action(STATUS, tracker)
    message = only(messages, "utter_case_status")
    assert message["status"] == words
    assert re.fullmatch(r"\d{1,2} de [a-z]+", message["opened"])
    no_english(message["status"], message["opened"])


def test_every_spanish_text_table_has_the_english_keys() -> None:
    from actions.intake_prompts import METHOD_TITLES, METHOD_TITLES_ES, NOTICE_DATE_TEXT

    assert set(NOTICE_DATE_TEXT["es"]) == set(NOTICE_DATE_TEXT["en"])
    assert set(METHOD_TITLES_ES) == set(METHOD_TITLES)
