"""Turning bot messages into plain SMS text: no markdown, numbered menus, 1,600-character parts.

Pure functions without Rasa imports. Lengths are counted in UTF-16 code units (an emoji counts as
two), which is how Twilio measures the 1,600-character limit of one message.

Usage::

    body, payloads = render_buttons("What next?", [{"title": "My options", "payload": "/ask"}])
    for part in split_message(strip_markdown(body)):
        ...  # one Twilio message each
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from channels.text_parts import split_text, strip_markdown

__all__ = ["SMS_MAX_CHARS", "split_message", "strip_markdown", "sms_length"]

SMS_MAX_CHARS = 1600

_CHOICE = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


def sms_length(text: str) -> int:
    """The length of ``text`` as Twilio counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = SMS_MAX_CHARS) -> List[str]:
    """Split ``text`` into SMS parts of at most ``limit`` UTF-16 units, at sentence boundaries."""
    return split_text(text, limit, sms_length)


def numbered_menu(titles: Sequence[str]) -> str:
    """The reply options as one line: ``Reply 1 for Yes, 2 for No.`` (empty without titles)."""
    if not titles:
        return ""
    options = ", ".join(f"{number} for {title}" for number, title in enumerate(titles, start=1))
    return f"Reply {options}."


def render_buttons(text: Optional[str], buttons: Iterable[Dict[str, Any]]) -> Tuple[str, List[str]]:
    """The SMS body for a message with buttons, and the payloads of its numbered options.

    Buttons with a payload become the numbered menu (payloads are never shown); buttons with a
    ``url`` become ``Title: url`` lines.

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
    lines = [line for line in [(text or "").strip(), *links, numbered_menu(titles)] if line]
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
