"""Find the date printed on a notice in what the user wrote, with dateparser.

Handles "dated Nov 3", "10/15/2026", "last Monday", "3 weeks ago", "fecha 3 de noviembre".
Dates are read US style (month first) and resolved into the past, because a notice is dated
before it is read. Pure logic: no Rasa imports.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, List, Optional, Tuple

from dateparser.search import search_dates

LANGUAGES = ["en", "es"]
# Words that introduce the notice date; a date right after one of them wins over other dates.
_DATE_CUES = re.compile(r"\b(?:dated|date|fecha|fechada|fechado|from|on)\s*(?:is|was|of|:)?\s*$", re.IGNORECASE)
_ONLY_DIGITS = re.compile(r"^\s*\d+\s*$")
# Phrases dateparser reads as dates but people do not mean as one ("a 504", "in 2019").
_TOO_VAGUE = re.compile(r"^\s*(?:now|today|the|a|an|in|on|at|may|march|second|sec|mon|sun)\s*$", re.IGNORECASE)


def _settings(today: dt.date) -> dict:
    return {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12, 0)),
        "DATE_ORDER": "MDY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _blank_spans(text: str, spans: Iterable[Tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


def find_notice_date(
    text: str,
    today: dt.date,
    ignore_spans: Iterable[Tuple[int, int]] = (),
) -> Optional[dt.date]:
    """Return the notice date mentioned in ``text``, or None.

    Args:
        text: the user's message.
        today: the reference day for relative phrases ("3 weeks ago").
        ignore_spans: character spans to hide first (notice codes, amounts) so "CP 2000" is not a year.
    """
    cleaned = _blank_spans(text, ignore_spans)
    if not cleaned.strip():
        return None
    try:
        found = search_dates(cleaned, languages=LANGUAGES, settings=_settings(today)) or []
    except (ValueError, OverflowError, TypeError):
        return None
    candidates: List[Tuple[bool, dt.date]] = []
    position = 0
    for phrase, value in found:
        if _ONLY_DIGITS.match(phrase) or _TOO_VAGUE.match(phrase):
            continue
        index = cleaned.find(phrase, position)
        position = max(position, index)
        cued = index > 0 and bool(_DATE_CUES.search(cleaned[:index]))
        candidates.append((cued, value.date()))
    if not candidates:
        return None
    cued = [d for is_cued, d in candidates if is_cued]
    return cued[0] if cued else candidates[0][1]


def parse_iso(value: Optional[str]) -> Optional[dt.date]:
    """Parse a date stored in a slot (ISO format); None when absent or malformed."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def format_date(day: dt.date) -> str:
    """Write a date the way a US reader expects: "Tuesday, November 3, 2026"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"
