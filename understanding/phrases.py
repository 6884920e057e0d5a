"""The composer's own sentences in English and Spanish (dates are written by services.dates).

Everything else in an answer comes from the knowledge base; these few sentences join it together
(the days left, a notice we do not have, "Source:"). Both languages have every key; a test checks it.
"""

from __future__ import annotations

from typing import Dict

ENGLISH, SPANISH = "en", "es"

PHRASES: Dict[str, Dict[str, str]] = {
    ENGLISH: {
        "no_window": "Act by the date printed on it.",
        "no_window_dated": "It is dated {dated}. Act by the due date printed in it.",
        "window_no_date": "You have {days} days from the date printed on it (not the day it came). What date is on it?",
        "future_date": "{dated} is after today, so please check the date printed on it. You have {days} days from that date.",
        "open": "It is dated {dated}. You have {left} left, until {end}.",
        "last_day": "It is dated {dated}. Today, {end}, is the last day.",
        "ended": "It is dated {dated}. Its {days} days ended on {end}.",
        "equivalent_hearing": " You can still ask for an equivalent hearing until {last}.",
        "lapsed": "Its {window} days from the date printed on it have passed.",
        "lapsed_likely": "Its {window} days from the date printed on it have most likely passed.",
        "other_notices": "The other notices you mention: {listed}.",
        "also": "Also: {codes}.",
        "unknown_code": "I don't have {code} in my notes, so I won't guess what it means. A tax pro can read it with you.",
        "about": "About your **{code}**: {text}",
        "about_sms": "About your {code}: {text}",
        "source": "Source: {url}",
        "more_on_questions": "There is more on your other questions: ask for more details.",
        "sms_more": "More on your questions: reply MORE.",
        "day": "day",
        "days": "days",
    },
    SPANISH: {
        "no_window": "Actúe antes de la fecha impresa en el aviso.",
        "no_window_dated": "Tiene fecha del {dated}. Actúe antes de la fecha límite impresa en el aviso.",
        "window_no_date": "Tiene {days} días a partir de la fecha impresa en el aviso (no del día en que llegó). ¿Qué fecha tiene?",
        "future_date": "El {dated} es posterior a hoy; revise la fecha impresa en el aviso. Tiene {days} días a partir de esa fecha.",
        "open": "Tiene fecha del {dated}. Le quedan {left}, hasta el {end}.",
        "last_day": "Tiene fecha del {dated}. Hoy, {end}, es el último día.",
        "ended": "Tiene fecha del {dated}. Sus {days} días terminaron el {end}.",
        "equivalent_hearing": " Todavía puede pedir una audiencia equivalente hasta el {last}.",
        "lapsed": "Ya pasaron los {window} días desde la fecha impresa en el aviso.",
        "lapsed_likely": "Lo más probable es que ya pasaron los {window} días desde la fecha impresa en el aviso.",
        "other_notices": "Los otros avisos que menciona: {listed}.",
        "also": "También: {codes}.",
        "unknown_code": "No tengo el {code} en mis notas, así que no voy a adivinar qué significa. Un profesional de impuestos puede leerlo con usted.",
        "about": "Sobre su **{code}**: {text}",
        "about_sms": "Sobre su {code}: {text}",
        "source": "Fuente: {url}",
        "more_on_questions": "Hay más sobre sus otras preguntas: pida más detalles.",
        "sms_more": "Más sobre sus preguntas: responda MAS.",
        "day": "día",
        "days": "días",
    },
}


def language_of(value: object) -> str:
    """``es`` for Spanish, else ``en`` (the default for a missing or unknown value)."""
    return SPANISH if value == SPANISH else ENGLISH


def phrase(language: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``language`` with ``values`` filled in."""
    return PHRASES[language_of(language)][key].format(**values)


def count_days(language: str, days: int) -> str:
    """'1 day' / '12 days'; '1 día' / '12 días'."""
    return f"{days} {phrase(language, 'day' if abs(days) == 1 else 'days')}"
