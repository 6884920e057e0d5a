"""The conversation's language ("en" or "es") as the channels see it, without the NLU.

The NLU decides the ``language`` slot from each message (nlp/language.py). The channels need a
language before or outside that: for message metadata (``{"language": "es"}``, which
``action_session_start`` reads so a new Spanish conversation gets its disclaimer in Spanish), for
texts they build themselves (SMS keyword confirmations, numbered menus, the guard's replies, the
widget's own strings) and to tell which variation of a domain response the bot chose.

Pure functions; the statistical detector is loaded only when a text needs it. ``valid_language`` and
``locale_language`` ("es_LA", "es-419", "en-US" -> en / es) live in nlp/language.py, which the action
server's ``action_session_start`` uses too (actions never import channels).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Mapping, Optional

from nlp.language import ENGLISH, LANGUAGES, SPANISH, locale_language, read_language, requested_language, valid_language

__all__ = [
    "ENGLISH",
    "SPANISH",
    "LANGUAGES",
    "LANGUAGE_SLOT",
    "fold",
    "valid_language",
    "locale_language",
    "text_language",
    "asked_language",
    "response_language",
    "tracker_language",
]

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"
MAX_DETECT_CHARS = 2000  # the guard refuses longer messages anyway


def fold(text: str) -> str:
    """Upper case without accents or the tilde ("¡Sí!" -> "¡SI!", "más" -> "MAS", "año" -> "ANO")."""
    decomposed = unicodedata.normalize("NFD", text.upper())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _typed(text: Any) -> Optional[str]:
    """The text when a person typed it (not a ``/payload`` or a blank), cut to a sane length."""
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return None
    return text[:MAX_DETECT_CHARS]


def text_language(text: Any) -> Optional[str]:
    """The language a typed message shows (asked for, or clearly written in), else None.

    Button payloads (``/ask_more``) and blank text show none. A detector failure is logged and
    counts as "cannot tell": a message is never lost over its language.
    """
    typed = _typed(text)
    if typed is None:
        return None
    try:
        reading = read_language(typed)
    except Exception:
        logger.warning("could not read the language of a message", exc_info=True)
        return None
    return reading.language if reading else None


def asked_language(text: Any) -> Optional[str]:
    """The language a message asks for outright ("en español", "English please"), else None."""
    typed = _typed(text)
    return requested_language(typed) if typed else None


def _condition_language(conditions: Any) -> Optional[str]:
    if not isinstance(conditions, list):
        return None
    for condition in conditions:
        if isinstance(condition, Mapping) and condition.get("name") == LANGUAGE_SLOT:
            return valid_language(condition.get("value"))
    return None


def response_language(message: Mapping[str, Any], responses: Optional[Mapping[str, Any]] = None) -> Optional[str]:
    """The language of a bot message built from a domain response.

    Rasa passes the chosen variation's keys with the message: a Spanish twin carries
    ``condition: [{type: slot, name: language, value: es}]``. A variation without a language
    condition is English when ``responses`` (the domain's) show that the response (``utter_action``)
    has a twin in another language; otherwise (texts the actions composed, responses without a
    twin, no domain at hand) the language is not known: None.
    """
    language = _condition_language(message.get("condition"))
    if language or not responses:
        return language
    variations = responses.get(message.get("utter_action") or "")
    if isinstance(variations, list) and any(
        isinstance(v, Mapping) and _condition_language(v.get("condition")) for v in variations
    ):
        return ENGLISH
    return None


def tracker_language(tracker: Any) -> Optional[str]:
    """The conversation's ``language`` slot (a Rasa tracker, or one as Rasa's API returns it)."""
    if tracker is None:
        return None
    if isinstance(tracker, Mapping):
        slots = tracker.get("slots")
        return valid_language(slots.get(LANGUAGE_SLOT)) if isinstance(slots, Mapping) else None
    try:
        return valid_language(tracker.get_slot(LANGUAGE_SLOT))
    except Exception:  # noqa: BLE001 - a tracker without the slot (an old domain)
        return None
