"""Read a dollar amount from what a taxpayer typed ("$12k", "about twelve thousand", "1.5m").

Number words are turned into digits by text2num; a small pattern then reads the digits with their
``k``/``thousand``/``m``/``million`` multiplier. Pure logic: no Rasa imports.
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


def parse_amount(text: str) -> Optional[Decimal]:
    """The dollar amount in ``text`` rounded to cents, or None.

    A number written as money ($, k/million, "dollars") wins over a bare number that looks like a
    tax year. "nothing"/"zero" is 0. Negative amounts and amounts above ``MAX_AMOUNT`` give None.
    """
    # A leading "/" is a Rasa intent payload ("/affirm{...}"), not something the user typed.
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return None
    converted = _to_digits(text[:_MAX_CHARS])
    candidates = _candidates(converted)
    if not candidates:
        return Decimal("0.00") if _ZERO_WORDS.search(converted) else None
    best = max(rank for rank, _, _ in candidates)
    _, negative, value = next(candidate for candidate in candidates if candidate[0] == best)
    if negative or value > MAX_AMOUNT:
        return None
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)
