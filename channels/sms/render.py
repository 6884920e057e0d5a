"""Turning bot messages into plain SMS text: no markdown, numbered menus, 1,600-character parts.

Pure functions without Rasa imports. Lengths are counted in UTF-16 code units (an emoji counts as
two), which is how Twilio measures the 1,600-character limit of one message.

A message with one character outside the GSM-7 alphabet is sent as UCS-2, 70 characters a segment
instead of 160. Spanish needs á, í, ó and ú, which are not GSM-7 (é, ñ, ü, ¿ and ¡ are):
:func:`gsm_text` replaces them and typographic punctuation with ``services.gsm.to_gsm``, as the composer does
(understanding/composer.py), when that makes the whole message GSM-7.

Usage::

    body, payloads = render_buttons("What next?", [{"title": "My options", "payload": "/ask"}])
    for part in split_message(strip_markdown(body)):
        ...  # one Twilio message each
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from channels.languages import ENGLISH, SPANISH, fold
from channels.text_parts import split_text, strip_markdown
from services.gsm import to_gsm

__all__ = ["SMS_MAX_CHARS", "split_message", "strip_markdown", "sms_length", "gsm_text", "is_gsm7"]

SMS_MAX_CHARS = 1600
# The payload of the "More details" option; "MORE", "MAS" or "MÁS" picks it from a menu.
MORE_PAYLOAD = "/ask_more"
MORE_WORDS = frozenset({"MORE", "MAS"})

_CHOICE = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")
# GSM 03.38: the basic alphabet and the extension table (each extension character costs two).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
_MENU = {
    ENGLISH: ("Reply {options}.", "{number} for {title}"),
    SPANISH: ("Responda {options}.", "{number} para {title}"),
}


def sms_length(text: str) -> int:
    """The length of ``text`` as Twilio counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = SMS_MAX_CHARS) -> List[str]:
    """Split ``text`` into SMS parts of at most ``limit`` UTF-16 units, at sentence boundaries."""
    return split_text(text, limit, sms_length)


def is_gsm7(text: str) -> bool:
    """Whether ``text`` fits the GSM-7 alphabet (then an SMS segment holds 160 characters, not 70)."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def gsm_text(text: str) -> str:
    """``text`` with á í ó ú and typographic punctuation replaced (``más`` -> ``mas``, ``’`` -> ``'``)
    when that makes it GSM-7; unchanged when it is GSM-7 already or would stay UCS-2 anyway (an
    emoji, a Chinese name): then nothing is gained by changing its letters."""
    if is_gsm7(text):
        return text
    folded = to_gsm(text)
    return folded if is_gsm7(folded) else text


def numbered_menu(titles: Sequence[str], language: str = ENGLISH) -> str:
    """The reply options as one line: ``Reply 1 for Yes, 2 for No.`` or, in Spanish,
    ``Responda 1 para Sí, 2 para No.`` (empty without titles)."""
    if not titles:
        return ""
    line, option = _MENU.get(language, _MENU[ENGLISH])
    options = ", ".join(option.format(number=number, title=title) for number, title in enumerate(titles, start=1))
    return line.format(options=options)


def is_more(text: str) -> bool:
    """Whether a reply is just "more" ("MORE", "más", "Mas.", "¡MÁS!"): the menu's details option."""
    word = fold((text or "").strip().rstrip(".!?").strip().lstrip("¡¿").strip())
    return word in MORE_WORDS


def render_buttons(
    text: Optional[str], buttons: Iterable[Dict[str, Any]], language: str = ENGLISH
) -> Tuple[str, List[str]]:
    """The SMS body for a message with buttons, and the payloads of its numbered options.

    Buttons with a payload become the numbered menu (payloads are never shown), its line in
    ``language``; buttons with a ``url`` become ``Title: url`` lines.

    Returns:
        The body, and the payloads in menu order (option 1 first).
    """
    titles: List[str] = []
    payloads: List[str] = []
    links: List[str] = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        if button.get("url"):
            links.append(f"{title}: {button['url']}" if title else str(button["url"]))
        elif button.get("payload") is not None and title:
            titles.append(title)
            payloads.append(str(button["payload"]))
    lines = [line for line in [(text or "").strip(), *links, numbered_menu(titles, language)] if line]
    return "\n".join(lines), payloads


def render_elements(elements: Iterable[Dict[str, Any]]) -> Tuple[str, List[Dict[str, Any]]]:
    """A carousel as text: ``Title: subtitle`` per element, with every element's buttons together."""
    lines: List[str] = []
    buttons: List[Dict[str, Any]] = []
    for element in elements:
        title, subtitle = str(element.get("title") or ""), str(element.get("subtitle") or "")
        lines.append(": ".join(part for part in (title, subtitle) if part))
        buttons.extend(element.get("buttons") or [])
    return "\n".join(line for line in lines if line), buttons


def custom_text(payload: Dict[str, Any]) -> str:
    """The readable part of a custom payload (its ``text`` and any ``url``/``link``), or ''."""
    parts = [str(payload[key]) for key in ("text", "url", "link") if payload.get(key)]
    return "\n".join(parts)


def parse_choice(text: str) -> Optional[int]:
    """The option number in a reply that is just a number ("2", " 2 ", "#2", "2."), else None."""
    match = _CHOICE.match(text or "")
    return int(match.group(1)) if match else None


def mask_phone(phone: str) -> str:
    """A phone number for logs: only the country code's ``+`` and the last four digits remain."""
    digits = "".join(char for char in phone if char.isdigit())
    if len(digits) <= 4:
        return "*" * len(digits)
    return ("+" if phone.startswith("+") else "") + "*" * (len(digits) - 4) + digits[-4:]
