"""Find dates and dollar amounts in OCR text, forgiving the usual OCR slips (O for 0, l for 1)."""

from __future__ import annotations

import datetime
import decimal
import difflib
import re
from typing import Iterator, Optional, Tuple

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items() if name not in ("mayo", "marzo")}
_ABBREVIATIONS.update({"sept": 9})

_DIGIT = r"[0-9OoIl|]"
_MONTH_FIRST = re.compile(
    r"(?P<month>[A-Za-z]{3,10})\.?\s*(?P<day>" + _DIGIT + r"{1,2})\s*[,.]?\s*(?P<year>" + _DIGIT + r"{4})"
)
_DAY_FIRST = re.compile(
    r"(?P<day>" + _DIGIT + r"{1,2})\s+(?:de\s+)?(?P<month>[A-Za-z]{3,10})\.?,?\s+(?:de\s+|del\s+)?"
    r"(?P<year>" + _DIGIT + r"{4})"
)
_NUMERIC = re.compile(
    r"(?<![0-9])(?P<month>[0-9]{1,2})\s?[/\-.]\s?(?P<day>[0-9]{1,2})\s?[/\-.]\s?(?P<year>[0-9]{4}|[0-9]{2})"
    r"(?![0-9])"
)
_MONEY = re.compile(
    r"(?P<dollar>[$S§]\s?)?(?P<whole>[0-9]{1,3}(?:[,.\s][0-9]{3})*|[0-9]+)[.,](?P<cents>[0-9]{2})(?![0-9])"
)
_CONFUSED = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def month_number(word: str) -> Optional[int]:
    """1-12 for an English or Spanish month name or abbreviation, allowing one or two OCR slips."""
    lowered = word.lower().strip(".")
    if lowered in MONTHS:
        return MONTHS[lowered]
    if lowered[:4] in _ABBREVIATIONS and len(lowered) == 4:
        return _ABBREVIATIONS[lowered[:4]]
    if lowered in _ABBREVIATIONS:
        return _ABBREVIATIONS[lowered]
    if len(lowered) >= 5:
        close = difflib.get_close_matches(lowered, MONTHS.keys(), n=1, cutoff=0.75)
        if close:
            return MONTHS[close[0]]
    return None


def find_dates(text: str) -> Iterator[Tuple[int, datetime.date]]:
    """Yield (position, date) for every date written in ``text``, in order of position."""
    found = []
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for match in pattern.finditer(text):
            month = month_number(match.group("month"))
            date = _date(match.group("year"), month, match.group("day")) if month else None
            if date:
                found.append((match.start(), date))
    for match in _NUMERIC.finditer(text):
        date = _date(match.group("year"), int(match.group("month")), match.group("day"))
        if date:
            found.append((match.start(), date))
    seen = set()
    for position, date in sorted(found):
        if position not in seen:
            seen.add(position)
            yield position, date


def first_date(text: str) -> Optional[datetime.date]:
    """The first date in ``text``, or None."""
    return next((date for _, date in find_dates(text)), None)


def find_amounts(text: str) -> Iterator[Tuple[int, decimal.Decimal, bool]]:
    """Yield (position, amount, has_dollar_sign) for every money figure with cents in ``text``."""
    for match in _MONEY.finditer(text):
        whole = re.sub(r"[,.\s]", "", match.group("whole"))
        try:
            value = decimal.Decimal(f"{int(whole)}.{match.group('cents')}")
        except (ValueError, decimal.InvalidOperation):
            continue
        yield match.start(), value, bool(match.group("dollar"))


def _date(year: str, month: Optional[int], day: str) -> Optional[datetime.date]:
    try:
        year_number = int(year.translate(_CONFUSED))
        day_number = int(day.translate(_CONFUSED))
    except ValueError:
        return None
    if year_number < 100:
        year_number += 2000
    if not month or not 1990 <= year_number <= 2100:
        return None
    try:
        return datetime.date(year_number, month, day_number)
    except ValueError:
        return None
