"""Find the date printed on a notice in what the user wrote, with dateparser.

Handles "dated Nov 3", "10/15/2026", "last Monday", "3 weeks ago", "fecha 3 de noviembre".
Dates are read US style (month first) and resolved into the past, because a notice is dated
before it is read. Pure logic: no Rasa imports.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, List, Optional, Tuple

import dateparser
from dateparser.search import search_dates

LANGUAGES = ["en", "es"]
# Words that introduce the notice date; a date right after one of them wins over other dates.
_DATE_CUES = re.compile(r"\b(?:dated|date|fecha|fechada|fechado|from|on)\s*(?:is|was|of|:)?\s*$", re.IGNORECASE)
# dateparser reads some plain words as dates ("a and an" becomes January 1). A phrase counts only if
# it holds a digit, a month or weekday name, or a relative-time word.
_MONTHS = ("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
           "august september october november december enero febrero marzo abril mayo junio julio agosto "
           "septiembre setiembre octubre noviembre diciembre")
_DAYS = ("mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday "
         "sunday lunes martes miercoles miércoles jueves viernes sabado sábado domingo")
_RELATIVE = "ago yesterday today last past week weeks month months year years day days ayer hoy hace semana semanas mes meses"
_DATE_WORDS = re.compile(r"\d|\b(?:" + "|".join(sorted(set(f"{_MONTHS} {_DAYS} {_RELATIVE}".split()), key=len,
                                                         reverse=True)) + r")\b", re.IGNORECASE)
# "I got a notice today" tells when it arrived, not the date printed on it.
_ARRIVAL_ONLY = re.compile(r"^\s*(?:today|now|hoy|ahora)\s*$", re.IGNORECASE)
# "a on monday" is read as January 26; "a week ago" is fine. Re-read without a stray leading article.
_STRAY_ARTICLE = re.compile(r"^(?:a|an)\s+(?!(?:week|month|year|day|couple|few)s?\b)", re.IGNORECASE)


def _settings(today: dt.date) -> dict:
    return {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12, 0)),
        "DATE_ORDER": "MDY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _segments(text: str, ignore_spans: Iterable[Tuple[int, int]]) -> List[str]:
    """The parts of ``text`` between the ignored spans (searched one by one, never glued together)."""
    pieces, start = [], 0
    for span_start, span_end in sorted(ignore_spans):
        pieces.append(text[start:max(start, span_start)])
        start = max(start, span_end)
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def _dates_in(segment: str, settings: dict) -> List[Tuple[bool, dt.date]]:
    """(cued, date) for each credible date phrase in one segment, in order."""
    try:
        found = search_dates(segment, languages=LANGUAGES, settings=settings) or []
    except (ValueError, OverflowError, TypeError):
        return []
    results: List[Tuple[bool, dt.date]] = []
    position = 0
    for phrase, value in found:
        if not _DATE_WORDS.search(phrase) or _ARRIVAL_ONLY.match(phrase):
            continue
        if _STRAY_ARTICLE.match(phrase):
            phrase = _STRAY_ARTICLE.sub("", phrase)
            reparsed = dateparser.parse(phrase, languages=LANGUAGES, settings=settings)
            if reparsed is None:
                continue
            value = reparsed
        index = segment.find(phrase, position)
        position = max(position, index)
        cued = index > 0 and bool(_DATE_CUES.search(segment[:index]))
        results.append((cued, value.date()))
    return results


def find_notice_date(
    text: str,
    today: dt.date,
    ignore_spans: Iterable[Tuple[int, int]] = (),
) -> Optional[dt.date]:
    """Return the notice date mentioned in ``text``, or None.

    Args:
        text: the user's message.
        today: the reference day for relative phrases ("3 weeks ago").
        ignore_spans: character spans to skip (notice codes, amounts) so "CP 2000" is not a year.
    """
    settings = _settings(today)
    candidates = [found for segment in _segments(text, ignore_spans) for found in _dates_in(segment, settings)]
    if not candidates:
        return None
    cued = [day for is_cued, day in candidates if is_cued]
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
