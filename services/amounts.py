"""Read a dollar amount from what a taxpayer typed ("$12k", "about twelve thousand", "1.5m").

Number words are turned into digits by text2num; a small pattern then reads the digits with their
``k``/``thousand``/``m``/``million`` multiplier. In a Spanish conversation the Spanish ways of
writing amounts are read too ("$1.850,00", "4 mil dólares", "unos doce mil", "nada"), and "mil" is a
thousand (in English "2 mil" is two million). Pure logic: no Rasa imports.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import List, Optional, Tuple

from text_to_num import alpha2digit

MAX_AMOUNT = Decimal(100_000_000)
_CENTS = Decimal("0.01")
# Longer than any sensible reply; bounds the work done on pasted text.
_MAX_CHARS = 500
# Multiplier words after digits are shortened to these letters before text2num runs.
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "b": 1_000_000_000}
_AMOUNT = re.compile(
    r"(?P<minus>(?<![\w.,])-\s*|\bminus\s+|\bnegative\s+)?(?P<dollar>\$\s*)?(?P<minus2>-\s*)?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    # A range ("5-6k", "$5,000 to $6,000") counts as its upper end.
    r"(?:\s*(?:-|–|to)\s*\$?(?P<upper>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))?"
    r"(?:\s*(?P<mult>" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + r")\b)?"
    r"(?P<unit>\s*(?:dollars?|bucks|usd)\b)?",
    re.IGNORECASE,
)
_SHORT = {"thousand": "k", "grand": "k", "million": "m", "mil": "m", "billion": "b"}
_WORD_AFTER_DIGITS = re.compile(r"(\d)\s*(thousand|grand|million|mil|billion)\b", re.IGNORECASE)
_SPLIT_PRODUCT = re.compile(r"\b(\d+(?:\.\d+)?) (1000|1000000|1000000000)\b")
_BETWEEN = re.compile(r"\bbetween\s+(.+?)\s+and\b", re.IGNORECASE)
_ZERO_WORDS = re.compile(r"\b(?:nothing|zero|nada)\b", re.IGNORECASE)
# A bare four-digit number in this range is more likely a tax year than an amount.
_YEAR_LIKE = re.compile(r"^(?:19[89]\d|20\d\d)$")

SPANISH = "es"
# Spanish writing: dots group thousands and a comma marks the cents ("1.850,00", "2.500.000").
_ES_GROUPED = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?(?![\d.]|,\d)")
# "1850,5", "3,5 mil": a comma followed by one or two digits is the decimal comma.
_ES_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d+),(\d{1,2})(?![\d,])")
# Multiplier words after digits ("12 mil", "1,5 millones", "mil millones"); "mil" alone is a thousand.
_ES_WORD_AFTER_DIGITS = re.compile(r"(\d)\s*(mil\s+millones|millones|mill[oó]n|mil)\b", re.IGNORECASE)
_ES_SHORT = {"millones": "m", "millón": "m", "millon": "m", "mil": "k"}
# Words that only soften the amount ("unos 12 mil", "como 4 mil"); text2num would read "unos" as 1.
_ES_APPROXIMATE = re.compile(
    r"\b(?:unos|unas|como|aproximadamente|alrededor\s+de|más\s+o\s+menos|mas\s+o\s+menos"
    r"|casi|cerca\s+de)\b",
    re.IGNORECASE,
)
_ES_BETWEEN = re.compile(r"\bentre\s+(.+?)\s+y\b", re.IGNORECASE)
_ES_RANGE = re.compile(r"(\d)\s+(?:a|hasta)\s+(?=\$?\s*\d)", re.IGNORECASE)
_ES_UNITS = re.compile(r"\b(?:d[oó]lares|d[oó]lar)\b", re.IGNORECASE)
_ES_ZERO_WORDS = re.compile(r"\b(?:nada|cero|ninguno|ninguna)\b", re.IGNORECASE)


def _spanish_digits(text: str) -> str:
    """``text`` with Spanish amounts written the English way ("$1.850,00" -> "$1850.00", "4 mil" -> "4k")."""
    text = _ES_GROUPED.sub(lambda m: m.group(1).replace(".", "") + (f".{m.group(2)}" if m.group(2) else ""), text)
    text = _ES_DECIMAL_COMMA.sub(r"\1.\2", text)
    text = _ES_APPROXIMATE.sub(" ", text)
    text = _ES_BETWEEN.sub(r"\1 to", text)
    text = _ES_UNITS.sub("dollars", text)

    def short(match: re.Match[str]) -> str:
        word = " ".join(match.group(2).lower().split())
        return match.group(1) + ("b" if word == "mil millones" else _ES_SHORT[word])

    text = _ES_WORD_AFTER_DIGITS.sub(short, text)
    try:
        text = alpha2digit(text, SPANISH)  # "doce mil" -> "12000"
    except Exception:  # noqa: BLE001 - text2num is not documented as total; keep the text as typed
        pass
    text = _ES_WORD_AFTER_DIGITS.sub(short, text)  # "1.5 millones" once the words are digits
    return _ES_RANGE.sub(r"\1 to ", text)


def _to_digits(text: str) -> str:
    """``text`` with number words as digits; "1.2 million" becomes "1.2m" so text2num leaves it alone."""
    text = _BETWEEN.sub(r"\1 to", text)
    text = _WORD_AFTER_DIGITS.sub(lambda m: m.group(1) + _SHORT[m.group(2).lower()], text)
    try:
        text = alpha2digit(text, "en")
    except Exception:  # noqa: BLE001 - text2num is not documented as total; failure means "no words"
        return text
    # text2num leaves "five point five million" as "5.5 1000000".
    return _SPLIT_PRODUCT.sub(lambda m: str(Decimal(m.group(1)) * int(m.group(2))), text)


def _candidates(text: str) -> List[Tuple[int, bool, Decimal]]:
    """(rank, negative, value) for every number in ``text``, in order.

    Rank 2: written as money ($, k/m, "dollars"); 1: a plain number; 0: a plain number that looks
    like a tax year.
    """
    found: List[Tuple[int, bool, Decimal]] = []
    for match in _AMOUNT.finditer(text):
        number = (match.group("upper") or match.group("number")).replace(",", "")
        try:
            value = Decimal(number)
        except InvalidOperation:
            continue
        mult = (match.group("mult") or "").lower()
        value *= _MULTIPLIERS.get(mult, 1)
        rank = 2 if match.group("dollar") or mult or match.group("unit") else int(not _YEAR_LIKE.match(number))
        negative = bool(match.group("minus") or match.group("minus2"))
        found.append((rank, negative, value))
    return found


def parse_amount(text: str, language: str = "en") -> Optional[Decimal]:
    """The dollar amount in ``text`` rounded to cents, or None.

    A number written as money ($, k/million, "dollars") wins over a bare number that looks like a
    tax year. "nothing"/"zero" is 0. Negative amounts and amounts above ``MAX_AMOUNT`` give None.
    With ``language`` "es" the Spanish forms are read too ("$1.850,00", "4 mil", "nada", "cero").
    """
    # A leading "/" is a Rasa intent payload ("/affirm{...}"), not something the user typed.
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return None
    spanish = language == SPANISH
    converted = _to_digits(_spanish_digits(text[:_MAX_CHARS]) if spanish else text[:_MAX_CHARS])
    candidates = _candidates(converted)
    if not candidates:
        zero = _ZERO_WORDS.search(converted) or (spanish and _ES_ZERO_WORDS.search(converted))
        return Decimal("0.00") if zero else None
    best = max(rank for rank, _, _ in candidates)
    _, negative, value = next(candidate for candidate in candidates if candidate[0] == best)
    if negative or value > MAX_AMOUNT:
        return None
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)
