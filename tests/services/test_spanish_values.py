"""Spanish intake answers: the parsers read them when the conversation is in Spanish, and only then
where the two languages disagree ("2 mil" is two million in English, two thousand in Spanish)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import List, Optional

import pytest

from services.amounts import parse_amount
from services.dates import AmbiguousDate, ambiguous_notice_date, find_notice_date, long_date
from services.intake_context import consent_wording, field_buttons, response_text
from services.intake_plan import (
    FIELD_LABELS,
    FIELD_LABELS_ES,
    display_value,
    field_for_correction,
    method_label,
    summary_lines,
)
from services.intake_values import (
    parse_contact_method,
    parse_contact_time,
    parse_name,
    parse_tax_years,
    parse_us_state,
    parse_yes_no,
)
from settings.assistant import Settings

D = dt.date
TODAY = D(2026, 11, 26)
ES = "es"
# Words of the English labels and sentences; none may show in a Spanish conversation.
ENGLISH = re.compile(
    r"\b(?:the|and|dated|amount|tax years?|notices?|phone|e-mail|email|name|yes|not sure|"
    r"text me|call me|reply|something else|hours|today|tomorrow|at|received|waiting|closed|"
    r"state|owed|filed|jointly|best time|contact by|levy|garnishment|date|returns|unfiled|"
    r"message|may|you|your|about|only|details|case|morning|afternoon|evening)\b",
    re.IGNORECASE,
)


def english_in(text: str) -> List[str]:
    return ENGLISH.findall(text)


# -- yes / no / unsure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sí", "yes"),
        ("Si", "yes"),
        ("claro", "yes"),
        ("Correcto", "yes"),
        ("sí, claro que sí", "yes"),
        ("así es", "yes"),
        ("por supuesto", "yes"),
        ("yes", "yes"),
        ("no", "no"),
        ("No.", "no"),
        ("nunca", "no"),
        ("todavía no", "no"),
        ("no tengo", "no"),
        ("creo que no", "no"),
        ("no sé", "unsure"),
        ("No estoy seguro", "unsure"),
        ("no estoy segura", "unsure"),
        ("tal vez", "unsure"),
        ("quizás", "unsure"),
        ("no me acuerdo", "unsure"),
        ("sí, pero no estoy segura del año", "unsure"),
        ("hola", None),
        ("", None),
    ],
)
def test_yes_no_in_spanish(text: str, expected: Optional[str]) -> None:
    assert parse_yes_no(text, ES) == expected


def test_yes_no_spanish_words_need_a_spanish_conversation() -> None:
    # English behaviour is unchanged: "no estoy seguro" opens with "no" there.
    assert parse_yes_no("No estoy seguro") == "no"
    assert parse_yes_no("correcto") is None


# -- contact method and time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mensaje de texto", "sms"),
        ("por texto", "sms"),
        ("Texto", "sms"),
        ("mándenme un mensaje", "sms"),
        ("llamada", "phone"),
        ("Llámenme", "phone"),
        ("llámeme al celular", "phone"),
        ("por teléfono", "phone"),
        ("correo", "email"),
        ("correo electrónico", "email"),
        ("por email", "email"),
        ("chat", "chat"),
        ("por aquí", "chat"),
        ("no me llamen, mejor un texto", "sms"),
        ("nada de llamadas, correo", "email"),
        ("text me", "sms"),
        ("hola", None),
    ],
)
def test_contact_method_in_spanish(text: str, expected: Optional[str]) -> None:
    assert parse_contact_method(text, ES) == expected


def test_contact_method_spanish_words_need_a_spanish_conversation() -> None:
    assert parse_contact_method("llámenme") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("por la mañana", "morning"),
        ("en la mañana", "morning"),
        ("mañanas", "morning"),
        ("en la tarde", "afternoon"),
        ("por la tarde, por favor", "afternoon"),
        ("por la noche", "evening"),
        ("después del trabajo", "evening"),
        ("cualquier hora", "any time"),
        ("a cualquier hora está bien", "any time"),
        ("después de las 5", "después de las 5"),  # specific: kept as typed, like "after 5pm"
        ("mañana por la tarde", "mañana por la tarde"),
        ("in the morning", "morning"),
    ],
)
def test_contact_time_in_spanish(text: str, expected: str) -> None:
    assert parse_contact_time(text, ES) == expected


# -- tax years ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019 a 2021", [2019, 2020, 2021]),
        ("del 2019 al 2021", [2019, 2020, 2021]),
        ("de 2018 hasta 2020", [2018, 2019, 2020]),
        ("entre 2019 y 2021", [2019, 2020, 2021]),
        ("2019 y 2021", [2019, 2021]),  # a list, not a range
        ("los últimos 3 años", [2023, 2024, 2025]),
        ("los últimos tres años", [2023, 2024, 2025]),
        ("los ultimos dos anos", [2024, 2025]),
        ("el año pasado", [2025]),
        ("este año", [2026]),
        ("2019, 2020 y este año", [2019, 2020, 2026]),
        ("del dos mil diecinueve al dos mil veintiuno", [2019, 2020, 2021]),
        ("last 3 years", [2023, 2024, 2025]),
        ("los últimos 40 años", None),
        ("no sé", None),
    ],
)
def test_tax_years_in_spanish(text: str, expected: Optional[List[int]]) -> None:
    assert parse_tax_years(text, TODAY, ES) == expected


def test_tax_years_spanish_ranges_need_a_spanish_conversation() -> None:
    assert parse_tax_years("2019 a 2021", TODAY) == [2019, 2021]
    assert parse_tax_years("el año pasado", TODAY) is None


# -- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$1.850,00", "1850.00"),
        ("1.850", "1850.00"),
        ("1,850", "1850.00"),
        ("1850,50", "1850.50"),
        ("debo 2.500.000", "2500000.00"),
        ("12.50", "12.50"),
        ("$1,850.00", "1850.00"),
        ("4 mil", "4000.00"),
        ("4 mil dólares", "4000.00"),
        ("unos 12 mil", "12000.00"),
        ("unos doce mil dólares", "12000.00"),
        ("cuatro mil quinientos", "4500.00"),
        ("3,5 mil", "3500.00"),
        ("1,5 millones", "1500000.00"),
        ("entre 5 y 6 mil", "6000.00"),
        ("nada", "0.00"),
        ("cero", "0.00"),
        ("no debo nada", "0.00"),
        ("2 mil", "2000.00"),
        ("no sé", None),
    ],
)
def test_amounts_in_spanish(text: str, expected: Optional[str]) -> None:
    assert parse_amount(text, ES) == (Decimal(expected) if expected else None)


def test_mil_is_a_thousand_only_in_spanish() -> None:
    assert parse_amount("2 mil") == Decimal("2000000.00")
    assert parse_amount("2 mil", ES) == Decimal("2000.00")
    assert parse_amount("1.850") == Decimal("1.85")  # English reads the dot as the decimal point


# -- names and states ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("María José Peña", "María José Peña"),
        ("maría josé peña", "María José Peña"),
        ("me llamo María José Peña", "María José Peña"),
        ("Mi nombre es José Núñez", "José Núñez"),
        ("soy Ana Muñoz", "Ana Muñoz"),
        ("maria de la cruz", "Maria de la Cruz"),
        ("en español", None),
        ("sí", None),
        ("prefiero no decirlo", None),
        ("no", None),
    ],
)
def test_names_in_spanish(text: str, expected: Optional[str]) -> None:
    assert parse_name(text, ES) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nueva York", "NY"),
        ("Carolina del Norte", "NC"),
        ("carolina del sur", "SC"),
        ("Nuevo México", "NM"),
        ("nuevo mexico", "NM"),
        ("Pensilvania", "PA"),
        ("Luisiana", "LA"),
        ("vivo en Texas", "TX"),
        ("Virginia Occidental", "WV"),
        ("virginia", "VA"),
        ("Dakota del Sur", "SD"),
        ("Hawái", "HI"),
        ("Distrito de Columbia", "DC"),
        ("NY", "NY"),
        ("New York", "NY"),
        ("Nueva York o Nueva Jersey", None),
        ("no sé", None),
    ],
)
def test_states_in_spanish(text: str, expected: Optional[str]) -> None:
    assert parse_us_state(text, ES) == expected


def test_spanish_state_names_need_a_spanish_conversation() -> None:
    assert parse_us_state("Nueva York") is None
    assert parse_us_state("Virginia Occidental") == "VA"


# -- notice dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15 de octubre de 2026", D(2026, 10, 15)),
        ("la carta tiene fecha del 3 de noviembre", D(2026, 11, 3)),
        ("15/10/2026", D(2026, 10, 15)),  # day first
        ("15/10", D(2026, 10, 15)),
        ("15.10.2026", D(2026, 10, 15)),
        ("10/15/2026", D(2026, 10, 15)),  # only month first makes a date
        ("05/05/2026", D(2026, 5, 5)),  # both orders are the same day
        ("05/12/2026", D(2026, 5, 12)),  # 5 December 2026 is after today: only 12 May can be meant
        ("hace un mes", D(2026, 10, 26)),
        ("hace 3 semanas", D(2026, 11, 5)),
        ("2026-06-05", D(2026, 6, 5)),
        ("5 de junio de 2026", D(2026, 6, 5)),  # the answer a button of the question sends
    ],
)
def test_notice_dates_in_spanish(text: str, expected: dt.date) -> None:
    assert find_notice_date(text, TODAY, language=ES) == expected
    assert ambiguous_notice_date(text, TODAY) is None


@pytest.mark.parametrize(
    "text, typed, day_first, month_first",
    [
        ("05/06/2026", "05/06/2026", D(2026, 6, 5), D(2026, 5, 6)),
        ("5/6/26", "5/6/26", D(2026, 6, 5), D(2026, 5, 6)),
        ("la fecha es 3/4", "3/4", D(2026, 4, 3), D(2026, 3, 4)),
        ("fechada el 1/10/2026, llegó hace dos semanas", "1/10/2026", D(2026, 10, 1), D(2026, 1, 10)),
    ],
)
def test_ambiguous_dates_are_not_guessed_in_spanish(
    text: str, typed: str, day_first: dt.date, month_first: dt.date
) -> None:
    assert find_notice_date(text, TODAY, language=ES) is None
    assert ambiguous_notice_date(text, TODAY, language=ES) == AmbiguousDate(typed, day_first, month_first)


def test_english_dates_stay_month_first_and_unasked() -> None:
    assert find_notice_date("05/06/2026", TODAY) == D(2026, 5, 6)
    assert ambiguous_notice_date("05/06/2026", TODAY, language="en") is None


def test_ignored_spans_hide_a_figure_date() -> None:
    text = "CP 05/06 and 15/10/2026"
    assert find_notice_date(text, TODAY, [(0, 8)], language=ES) == D(2026, 10, 15)
    assert ambiguous_notice_date(text, TODAY, [(0, 8)]) is None


def test_long_date_in_spanish() -> None:
    assert long_date(D(2026, 11, 3), ES) == "martes, 3 de noviembre de 2026"
    assert long_date(D(2026, 11, 3)) == "Tuesday, November 3, 2026"


# -- what reads back: labels, summary, buttons, consent --------------------------------------------

SLOTS = {
    "language": ES,
    "full_name": "María José Peña",
    "phone": "+15125550142",
    "email": "maria@ejemplo.com",
    "preferred_channel": "sms",
    "levy_active": "unsure",
    "notice_codes": ["CP504"],
    "notice_date": "2026-10-15",
    "us_state": "NY",
    "tax_years": [2020, 2021],
    "amount_owed": "4000.00",
    "unfiled_returns": "no",
    "joint_filing": "yes",
    "contact_time": "morning",
}


def test_spanish_labels_cover_every_field() -> None:
    assert set(FIELD_LABELS_ES) == set(FIELD_LABELS)
    assert not [label for label in FIELD_LABELS_ES.values() if english_in(label)]


def test_summary_in_spanish() -> None:
    summary = summary_lines(SLOTS, language=ES)
    assert summary.splitlines() == [
        "• Nombre: María José Peña",
        "• Teléfono: +15125550142",
        "• Correo electrónico: maria@ejemplo.com",
        "• Contacto por: mensaje de texto",
        "• Embargo o retención de sueldo ahora: No sabe con certeza",
        "• Avisos: CP504",
        "• Fecha del aviso: 15 de octubre de 2026",
        "• Estado: NY",
        "• Años fiscales: 2020, 2021",
        "• Cantidad que debe: $4,000",
        "• Declaraciones sin presentar: No",
        "• Declaración conjunta: Sí",
        "• Mejor horario: por la mañana",
    ]
    assert english_in(summary) == []
    assert summary_lines(SLOTS).splitlines()[3] == "• Contact by: text message"  # English unchanged


def test_display_values_in_spanish() -> None:
    assert display_value("preferred_channel", "phone", ES) == "llamada telefónica"
    assert display_value("notice_date", "2026-11-03", ES) == "3 de noviembre de 2026"
    assert display_value("contact_time", "después de las 5", ES) == "después de las 5"
    assert method_label("email", ES) == "correo electrónico" and method_label("email") == "e-mail"


def test_field_buttons_follow_the_language_and_keep_their_payloads() -> None:
    spanish, english = field_buttons(SLOTS), field_buttons({**SLOTS, "language": "en"})
    assert [b["payload"] for b in spanish] == [b["payload"] for b in english]
    assert [b["title"] for b in spanish][:3] == ["Nombre", "Teléfono", "Correo electrónico"]
    assert not [b for b in spanish if english_in(b["title"])]


@pytest.mark.parametrize(
    "text, field",
    [
        ("mi correo está mal", "email"),
        ("cambiar la fecha", "notice_date"),
        ("el número de aviso", "notice_codes"),
        ("corregir mi teléfono", "phone"),
        ("la cantidad que debo", "amount_owed"),
        ("el estado", "us_state"),
        ("mi nombre está mal escrito", "full_name"),
        ("los años", "tax_years"),
        ("el embargo", "levy_active"),
        ("my email is wrong", "email"),
    ],
)
def test_corrections_name_the_field_in_spanish(text: str, field: str) -> None:
    assert field_for_correction(text, language=ES) == field


SETTINGS = Settings(_env_file=None, firm_name="Acme Tax Relief")
CONSENT_DOMAIN = {
    "responses": {
        "utter_consent_wording": [
            {
                "text": (
                    "May {firm_name} contact you by {method}{address} about your IRS matter? "
                    "We only use these details for your case."
                )
            }
        ]
    }
}


@pytest.mark.parametrize(
    "method, shown",
    [
        ("sms", "por mensaje de texto al +15125550142"),
        ("phone", "por llamada telefónica al +15125550142"),
        ("email", "por correo electrónico a maria@ejemplo.com"),
        ("chat", "por este chat sobre"),
    ],
)
def test_consent_wording_in_spanish_without_a_spanish_variation(method: str, shown: str) -> None:
    wording = consent_wording(SETTINGS, {**SLOTS, "preferred_channel": method}, CONSENT_DOMAIN)
    assert wording.startswith("¿Puede Acme Tax Relief comunicarse con usted ")
    assert shown in wording
    assert english_in(wording.replace("Acme Tax Relief", "")) == []


def test_consent_wording_uses_the_domains_spanish_variation() -> None:
    spanish = {
        "text": "¿{firm_name} le puede contactar por {method}{address}?",
        "condition": [{"type": "slot", "name": "language", "value": "es"}],
    }
    domain = {"responses": {"utter_consent_wording": [*CONSENT_DOMAIN["responses"]["utter_consent_wording"], spanish]}}
    assert consent_wording(SETTINGS, SLOTS, domain) == (
        "¿Acme Tax Relief le puede contactar por mensaje de texto al +15125550142?"
    )
    assert consent_wording(SETTINGS, {**SLOTS, "language": "en"}, domain) == (
        "May Acme Tax Relief contact you by text message at +15125550142 about your IRS matter? We only use "
        "these details for your case."
    )


def test_response_text_picks_the_language_variation() -> None:
    domain = {
        "responses": {
            "utter_why_phone": [
                {"text": "SMS only", "channel": "twilio"},
                {"text": "¿Por qué?", "condition": [{"type": "slot", "name": "language", "value": "es"}]},
                {"text": "Why?"},
            ]
        }
    }
    assert response_text(domain, "utter_why_phone", ES) == "¿Por qué?"
    assert response_text(domain, "utter_why_phone", "en") == "Why?"
    assert response_text(domain, "utter_missing", ES) is None
