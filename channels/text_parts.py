"""Plain text for channels without formatting: markdown removed, long text split at sentence ends.

Pure functions without Rasa imports, shared by the SMS and Messenger renderers.
"""

from __future__ import annotations

import re
from typing import Callable, List

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


def strip_markdown(text: str) -> str:
    """Remove markdown formatting SMS can't show: ``**bold**`` becomes ``bold``, links ``text (url)``.

    URLs are left untouched (underscores in them are not emphasis).
    """

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        return url if label.strip() == url else f"{label} ({url})"

    text = _BULLET.sub(r"\1- ", _HEADING.sub("", _LINK.sub(link, text)))
    parts: List[str] = []
    position = 0
    for url in _URL.finditer(text):
        parts.append(_strip_emphasis(text[position : url.start()]))
        parts.append(url.group(0))
        position = url.end()
    parts.append(_strip_emphasis(text[position:]))
    return "".join(parts)


def _strip_emphasis(text: str) -> str:
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return text


def split_text(text: str, limit: int, length: Callable[[str], int] = len) -> List[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at sentence boundaries.

    Blank lines stay inside a part (they don't start a new message). A sentence longer than
    ``limit`` is split between words; only a single word longer than ``limit`` is cut. ``length``
    measures text the way the channel counts it.

    Returns:
        The stripped, non-empty parts in order (no parts for blank text).
    """
    text = text.strip()
    if not text:
        return []
    if length(text) <= limit:
        return [text]
    parts: List[str] = []
    current = ""
    for piece in _pieces(text, _BOUNDARY):
        if length((current + piece).rstrip()) <= limit:
            current += piece
            continue
        if length(piece.rstrip()) > limit:
            # An over-long sentence is split between words anyway; it first fills a part that is
            # less than half full, so no message is only a few words long.
            if length(current.rstrip()) >= limit // 2:
                parts.append(current.strip())
                current = ""
            *full, current = _split_words(current + piece, limit, length)
            parts.extend(part for part in full if part)
            continue
        if current.strip():
            parts.append(current.strip())
        current = piece
    if current.strip():
        parts.append(current.strip())
    return parts


def _pieces(text: str, boundary: re.Pattern[str]) -> List[str]:
    """``text`` cut after every boundary match; the pieces keep their separators."""
    pieces, start = [], 0
    for match in boundary.finditer(text):
        if match.end() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _split_words(sentence: str, limit: int, length: Callable[[str], int]) -> List[str]:
    """Split one over-long sentence between words (the last part keeps its trailing space)."""
    parts: List[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", sentence):
        if length((current + word).rstrip()) <= limit:
            current += word
            continue
        if current.strip():
            parts.append(current.strip())
        current = word
        while length(current.rstrip()) > limit:
            head = _cut(current, limit, length)
            parts.append(head)
            current = current[len(head) :]
    parts.append(current)
    return parts


def _cut(text: str, limit: int, length: Callable[[str], int]) -> str:
    """The longest prefix of ``text`` within ``limit`` (never half of a surrogate pair)."""
    used = 0
    for index, char in enumerate(text):
        used += length(char)
        if used > limit:
            return text[:index]
    return text
