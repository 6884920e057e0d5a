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

SMS_MAX_CHARS = 1600

_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_URL = re.compile(r"https?://\S+")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)", re.DOTALL),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.DOTALL),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"),
    re.compile(r"`([^`\n]+)`"),
)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+", re.MULTILINE)
# After a sentence's final punctuation (and any closing quote or bracket), or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n\s*")
_CHOICE = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


def sms_length(text: str) -> int:
    """The length of ``text`` as Twilio counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def strip_markdown(text: str) -> str:
    """Remove markdown formatting SMS can't show: ``**bold**`` becomes ``bold``, links ``text (url)``.

    URLs are left untouched (underscores in them are not emphasis).
    """

    def link(match: "re.Match[str]") -> str:
        label, url = match.group(1), match.group(2)
        return url if label.strip() == url else f"{label} ({url})"

    text = _BULLET.sub(r"\1- ", _HEADING.sub("", _LINK.sub(link, text)))
    parts: List[str] = []
    position = 0
    for url in _URL.finditer(text):
        parts.append(_strip_emphasis(text[position:url.start()]))
        parts.append(url.group(0))
        position = url.end()
    parts.append(_strip_emphasis(text[position:]))
    return "".join(parts)


def _strip_emphasis(text: str) -> str:
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return text


def split_message(text: str, limit: int = SMS_MAX_CHARS) -> List[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at sentence boundaries.

    Blank lines stay inside a part (they don't start a new message). A sentence longer than
    ``limit`` is split between words; only a single word longer than ``limit`` is cut.

    Returns:
        The stripped, non-empty parts in order (no parts for blank text).
    """
    text = text.strip()
    if not text:
        return []
    if sms_length(text) <= limit:
        return [text]
    parts: List[str] = []
    current = ""
    for piece in _pieces(text, _BOUNDARY):
        if sms_length((current + piece).rstrip()) <= limit:
            current += piece
            continue
        if current.strip():
            parts.append(current.strip())
        current = piece
        if sms_length(piece.rstrip()) > limit:
            *full, current = _split_words(piece, limit)
            parts.extend(full)
    if current.strip():
        parts.append(current.strip())
    return parts


def _pieces(text: str, boundary: "re.Pattern[str]") -> List[str]:
    """``text`` cut after every boundary match; the pieces keep their separators."""
    pieces, start = [], 0
    for match in boundary.finditer(text):
        if match.end() > start:
            pieces.append(text[start:match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _split_words(sentence: str, limit: int) -> List[str]:
    """Split one over-long sentence between words (the last part keeps its trailing space)."""
    parts: List[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", sentence):
        if sms_length((current + word).rstrip()) <= limit:
            current += word
            continue
        if current.strip():
            parts.append(current.strip())
        current = word
        while sms_length(current.rstrip()) > limit:
            head = _cut(current, limit)
            parts.append(head)
            current = current[len(head):]
    parts.append(current)
    return parts


def _cut(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` (never half of a surrogate pair)."""
    length = 0
    for index, char in enumerate(text):
        length += sms_length(char)
        if length > limit:
            return text[:index]
    return text


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
