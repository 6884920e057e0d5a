"""Find the date printed on a notice in what the user wrote, with dateparser.

Handles "dated Nov 3", "10/15/2026", "last Monday", "3 weeks ago", "fecha 3 de noviembre".
Dates are read US style (month first) and resolved into the past, because a notice is dated
before it is read. In a Spanish conversation a date in figures is read day first ("15/10/2026"),
unless only the other order makes a date; when both orders make a past date ("05/06/2026") the
date is ambiguous and is not guessed (``ambiguous_notice_date`` gives both readings to ask about).
Pure logic: no Rasa imports.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, List, NamedTuple, Optional, Tuple

import dateparser
from dateparser.search import search_dates

LANGUAGES = ["en", "es"]
SPANISH = "es"
_MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
_WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
# Words that introduce the notice date; a date right after one of them wins over other dates.
_DATE_CUES = re.compile(r"\b(?:dated|date|fecha|fechada|fechado|from|on)\s*(?:is|was|of|:)?\s*$", re.IGNORECASE)
# dateparser reads some plain words as dates ("a and an" becomes January 1). A phrase counts only if
# it holds a digit, a month or weekday name, or a relative-time word.
_MONTHS = (
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
    "august september october november december enero febrero marzo abril mayo junio julio agosto "
    "septiembre setiembre octubre noviembre diciembre"
)
_DAYS = (
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday "
    "sunday lunes martes miercoles miércoles jueves viernes sabado sábado domingo"
)
_RELATIVE = (
    "ago yesterday today last past week weeks month months year years day days ayer hoy hace semana semanas mes meses"
)
_DATE_WORDS = re.compile(
    r"\d|\b(?:" + "|".join(sorted(set(f"{_MONTHS} {_DAYS} {_RELATIVE}".split()), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# "I got a notice today" tells when it arrived, not the date printed on it.
# "closing is dec 20", "my flight is jan 5", "pay by dec 15", "vence el 20": the date of something else
_OTHER_EVENT = re.compile(
    r"\b(?:closing|closes|close|flight|fly|flying|trip|travel|court|appointment|surgery|wedding|due|deadline|by|until|"
    r"cierre|cierra|vuelo|viaje|cita|corte|vence|hasta)(?:\s+(?:is|was|on|date|the|el|es|de|del|set for|for))*\s*$",
    re.IGNORECASE,
)
_ARRIVAL_ONLY = re.compile(r"^\s*(?:today|now|hoy|ahora)\s*$", re.IGNORECASE)
# "...last year and now got a CP3219A": dateparser reads "year and now" as today; "now" never names a date.
_NOW_WORD = re.compile(r"\b(?:now|ahora)\b", re.IGNORECASE)
# "a on monday" is read as January 26; "a week ago" is fine. Re-read without a stray leading article.
_STRAY_ARTICLE = re.compile(r"^(?:a|an)\s+(?!(?:week|month|year|day|couple|few)s?\b)", re.IGNORECASE)


# A bare duration ("3 weeks") is read as that long ago; followed by one of these it lies ahead instead
# ("the response date is 3 weeks out", "2 months left"), as does "in 3 weeks": no date printed on a notice.
_AMOUNT_OF_TIME = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|couple of|dos|tres|cuatro|cinco|seis|unos)"
    r"\s+(?:days?|weeks?|months?|d[ií]as|semanas?|mes(?:es)?)"
)
_BARE_DURATION = re.compile(rf"^\s*{_AMOUNT_OF_TIME}\s*$", re.IGNORECASE)
_IN_A_WHILE = rf"\b(?:in|within|en|dentro de)\s+{_AMOUNT_OF_TIME}\b"
_TIME_AHEAD = re.compile(
    rf"\b{_AMOUNT_OF_TIME}\s+(?:out|away|from now|later|left|to go|remaining|m[aá]s|que quedan|de plazo)\b"
    rf"|{_IN_A_WHILE}",
    re.IGNORECASE,
)


def speaks_of_time_ahead(text: str) -> bool:
    """True when ``text`` gives time still left ("3 weeks out", "2 months left", "in 10 days", "en 2 semanas")."""
    return bool(_TIME_AHEAD.search(text))


# A date in figures: "15/10/2026", "5/6/26", "15/10", "15-10"; with dots only when it has a year
# ("1.850" is an amount).
_NUMERIC_DATE = re.compile(r"(?<![\w/.\-])(\d{1,2})([/.\-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/\-]|[.,]\d)")


class AmbiguousDate(NamedTuple):
    """A date in figures that reads as two past dates: as typed, read day first, read month first."""

    typed: str
    day_first: dt.date
    month_first: dt.date


def _on(year_text: Optional[str], month: int, day: int, today: dt.date) -> Optional[dt.date]:
    """The date with that month and day: in the year written, else the latest one not after ``today``."""
    if year_text:
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if 2000 + year <= today.year else 1900
        years = [year]
    else:
        years = [today.year, today.year - 1, today.year - 2, today.year - 3, today.year - 4]
    for candidate in years:
        try:
            found = dt.date(candidate, month, day)
        except ValueError:
            continue
        if year_text or found <= today:
            return found
    return None


def _readings(match: re.Match[str], today: dt.date) -> List[dt.date]:
    """The distinct dates a figure date can be: day first, then month first."""
    first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
    readings = [_on(year, second, first, today), _on(year, first, second, today)]
    return list(dict.fromkeys(day for day in readings if day is not None))


def _day_first(segment: str, today: dt.date) -> Tuple[str, Optional[AmbiguousDate]]:
    """``segment`` with its figure dates written out in words, read day first; and the first ambiguous one."""
    ambiguous: List[AmbiguousDate] = []

    def written(match: re.Match[str]) -> str:
        if match.group(2) == "." and not match.group(4):
            return match.group(0)
        readings = _readings(match, today)
        past = [day for day in readings if day <= today]
        if len(past) == 2:
            ambiguous.append(AmbiguousDate(match.group(0), past[0], past[1]))
            return match.group(0)
        chosen = past or readings
        return short_date(chosen[0], SPANISH) if chosen else match.group(0)

    return _NUMERIC_DATE.sub(written, segment), (ambiguous[0] if ambiguous else None)


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
        pieces.append(text[start : max(start, span_start)])
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
        if _NOW_WORD.search(phrase) and not re.search(r"\d", phrase):
            continue
        if _STRAY_ARTICLE.match(phrase):
            phrase = _STRAY_ARTICLE.sub("", phrase)
            reparsed = dateparser.parse(phrase, languages=LANGUAGES, settings=settings)
            if reparsed is None:
                continue
            value = reparsed
        index = segment.find(phrase, position)
        position = max(position, index)
        if _TIME_AHEAD.match(phrase.strip()) or (
            index >= 0 and _BARE_DURATION.match(phrase) and _TIME_AHEAD.match(segment[index:])
        ):
            continue  # time still ahead, not a date
        before = segment[:index] if index > 0 else ""
        first_word = phrase.split()[0] if phrase.split() else ""
        if _OTHER_EVENT.search(before) or _OTHER_EVENT.search(before + first_word):  # "closing is dec 20", "by dec 15"
            continue
        cued = index > 0 and bool(_DATE_CUES.search(segment[:index]))
        results.append((cued, value.date()))
    return results


def ambiguous_notice_date(
    text: str,
    today: dt.date,
    ignore_spans: Iterable[Tuple[int, int]] = (),
    language: str = SPANISH,
) -> Optional[AmbiguousDate]:
    """The first date in figures in ``text`` that reads as two past dates ("05/06/2026"), in Spanish.

    In English figures are read month first, so nothing is ambiguous and this gives None.
    """
    if language != SPANISH or not isinstance(text, str):
        return None
    for segment in _segments(text, ignore_spans):
        ambiguous = _day_first(segment, today)[1]
        if ambiguous is not None:
            return ambiguous
    return None


def find_notice_date(
    text: str,
    today: dt.date,
    ignore_spans: Iterable[Tuple[int, int]] = (),
    language: str = "en",
) -> Optional[dt.date]:
    """Return the notice date mentioned in ``text``, or None.

    Args:
        text: the user's message.
        today: the reference day for relative phrases ("3 weeks ago").
        ignore_spans: character spans to skip (notice codes, amounts) so "CP 2000" is not a year.
        language: the conversation's language; in Spanish, dates in figures are read day first and
            an ambiguous one ("05/06/2026") gives None (see ``ambiguous_notice_date``).
    """
    settings = _settings(today)
    segments = _segments(text, ignore_spans)
    if language == SPANISH:
        rewritten = [_day_first(segment, today) for segment in segments]
        if any(ambiguous is not None for _, ambiguous in rewritten):
            return None
        segments = [segment for segment, _ in rewritten]
    candidates = [found for segment in segments for found in _dates_in(segment, settings)]
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


def short_date(day: dt.date, language: str = "en") -> str:
    """'November 3, 2026' or '3 de noviembre de 2026': short enough for an SMS."""
    if language == SPANISH:
        return f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def long_date(day: dt.date, language: str = "en") -> str:
    """The way a US reader expects a date: 'Tuesday, November 3, 2026' or 'martes, 3 de noviembre de 2026'."""
    if language == SPANISH:
        return f"{_WEEKDAYS_ES[day.weekday()]}, {short_date(day, SPANISH)}"
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"
