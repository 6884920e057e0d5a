"""Find and mask the numbers a taxpayer must never type into a chat. Pure logic: no Rasa imports.

Masked: Social Security numbers and ITINs, EINs, bank routing numbers, bank account numbers and
payment card numbers. Left alone on purpose, because taxpayers type them all the time: phone
numbers, dollar amounts, tax years and ranges, dates, ZIP codes, notice codes (CP2000, LT11), case
references (MTS-7K3Q9) and form numbers (Form 12153).

Each number's layout, the words around it ("SSN", "routing", "account", "card") and python-stdnum's
checks decide what it is; a number is masked when its context says what it is even if the check
fails (a mistyped SSN is still an SSN), and without context only when a check accepts it.

Usage::

    result = mask_pii("my ssn is 123-45-6789")
    result.text   # "my ssn is [SSN removed]"
    result.kinds  # (PiiKind.SSN,)
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from stdnum import luhn
from stdnum.us import ein, itin, rtn, ssn


class PiiKind(str, enum.Enum):
    """What was removed; the value is stored in message metadata (``pii_removed``)."""

    SSN = "ssn"
    ITIN = "itin"
    EIN = "ein"
    ROUTING_NUMBER = "routing_number"
    BANK_ACCOUNT = "bank_account"
    CARD_NUMBER = "card_number"


LABELS = {
    PiiKind.SSN: "[SSN removed]",
    PiiKind.ITIN: "[ITIN removed]",
    PiiKind.EIN: "[EIN removed]",
    PiiKind.ROUTING_NUMBER: "[routing number removed]",
    PiiKind.BANK_ACCOUNT: "[account number removed]",
    PiiKind.CARD_NUMBER: "[card number removed]",
}
# How the polite notice (domain response utter_pii_removed) names each kind, per conversation
# language: "I removed the Social Security number ...", "quité el número de Seguro Social ...".
# The Spanish names are all masculine, to follow "quité el", and say what domain.yml's Spanish
# responses and the Spanish knowledge say ("número de Seguro Social", "números de cuenta bancaria o
# de tarjeta", "número de identificación del empleador (EIN)").
DESCRIPTIONS: Dict[str, Dict[PiiKind, str]] = {
    "en": {
        PiiKind.SSN: "Social Security number",
        PiiKind.ITIN: "ITIN",
        PiiKind.EIN: "employer ID number (EIN)",
        PiiKind.ROUTING_NUMBER: "bank routing number",
        PiiKind.BANK_ACCOUNT: "bank account number",
        PiiKind.CARD_NUMBER: "card number",
    },
    "es": {
        PiiKind.SSN: "número de Seguro Social",
        PiiKind.ITIN: "ITIN",
        PiiKind.EIN: "número de identificación del empleador (EIN)",
        PiiKind.ROUTING_NUMBER: "número de ruta bancaria",
        PiiKind.BANK_ACCOUNT: "número de cuenta bancaria",
        PiiKind.CARD_NUMBER: "número de tarjeta",
    },
}
# The word for a kind not in the table, and the "and" before the last name, per language.
_UNKNOWN = {"en": "number", "es": "número"}
_AND = {"en": " and ", "es": " y "}


@dataclass(frozen=True)
class MaskResult:
    """The masked text and the kinds removed (each once, in order of appearance)."""

    text: str
    kinds: Tuple[PiiKind, ...] = ()

    @property
    def masked(self) -> bool:
        """Whether anything was removed."""
        return bool(self.kinds)


@dataclass(frozen=True)
class Finding:
    """One sensitive number: its kind and its span in the text."""

    kind: PiiKind
    start: int
    end: int


# Context words, by what they announce. The nearest one to a number wins.
_CONTEXT = [
    ("itin", r"itin"),
    ("ssn", r"ssn|ss\s?#|ss\s?no|social(?:\s+security)?|soc\.?\s?sec"),
    ("ein", r"f?ein|employer\s+id(?:entification)?(?:\s+(?:number|no))?"),
    ("taxid", r"tin|tax\s?id|taxpayer\s+id(?:entification)?"),
    ("routing", r"routing|aba|rtn|transit"),
    ("account", r"accounts?|acct|a/c|checking|savings|bank"),
    ("card", r"cards?|visa|master\s?card|amex|american\s+express|discover|credit|debit|cc"),
]
# Not \b: "ss#" ends in a non-word character.
_CONTEXT_RE = re.compile("|".join(rf"(?P<{name}>(?<!\w)(?:{words})(?!\w))" for name, words in _CONTEXT), re.IGNORECASE)
_BEFORE_WINDOW = 40  # characters between a context word and the number after it
_AFTER_WINDOW = 20  # "123-45-6789 is my SSN"

# No digit, "$", or "digit + separator" right before; no digit or "separator + digit" right after:
# the number is not part of a longer one, an amount ($123456789, 123456789.00) or a date.
_LEFT = r"(?<![0-9$])(?<![0-9][-.,/])"
_RIGHT = r"(?![0-9])(?![-.,/][0-9])"
# One separator between digit groups: a dash, dot or slash (with or without a space on each side,
# "123 - 45 - 6789") or a space. Unicode dashes, minus signs and no-break or thin spaces are read
# as "-" and " " first (_normalise), so "123–45–6789" and "123\u00a045\u00a06789" count too.
_SEP = r"(?: ?[-./] ?| )"
# 3-2-4 with one separator, the same each time (or none: nine digits in a row), the SSN/ITIN layout.
_NINE = re.compile(_LEFT + r"[0-9]{3}(?P<sep>" + _SEP + r"?)[0-9]{2}(?P=sep)[0-9]{4}" + _RIGHT)
# 3-3-3: how some people group a nine-digit number; counted only when a word announces it.
_NINE_333 = re.compile(_LEFT + r"[0-9]{3}(?P<sep>" + _SEP + r")[0-9]{3}(?P=sep)[0-9]{3}" + _RIGHT)
_EIN = re.compile(_LEFT + r"[0-9]{2}" + _SEP + r"[0-9]{7}" + _RIGHT)
_CARD = re.compile(
    _LEFT + r"(?:[0-9]{13,19}"
    r"|[0-9]{4}(?P<s1>" + _SEP + r")[0-9]{4}(?P=s1)[0-9]{4}(?P=s1)[0-9]{1,4}(?:(?P=s1)[0-9]{1,3})?"
    r"|[0-9]{4}(?P<s3>" + _SEP + r")[0-9]{4}(?P=s3)[0-9]{8}"  # 4-4-8
    r"|[0-9]{4}(?P<s2>" + _SEP + r")[0-9]{6}(?P=s2)[0-9]{4,5})" + _RIGHT
)  # American Express, Diners Club
_ACCOUNT = re.compile(
    _LEFT + r"(?:[0-9]{8,17}|[0-9]{3,6}(?P<sep>" + _SEP + r")[0-9]{3,6}(?:(?P=sep)[0-9]{3,6}){0,3})" + _RIGHT
)
# A phone number in any usual layout (with separators), never an account number.
_PHONE = re.compile(r"^(?:\+?1[-. ]?)?\(?[0-9]{3}\)?[-. ][0-9]{3}[-. ][0-9]{4}$")
_YEAR = re.compile(r"^(?:19|20)[0-9]{2}$")
MIN_TAX_YEAR, MAX_TAX_YEAR = 1980, 2039
_SEPARATORS = re.compile(_SEP)
# Read as "-": hyphen, non-breaking hyphen, figure dash, en and em dash, horizontal bar, minus
# signs, small and full-width hyphen-minus. Read as " ": no-break, figure, thin, narrow and other
# fixed-width spaces, the ideographic space.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2796\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_OTHER_SEPARATORS = {
    **{ord(ch): "-" for ch in _DASHES},
    **{ord(ch): " " for ch in _SPACES},
    ord("\uff0e"): ".",
    ord("\uff0f"): "/",
    ord("\t"): " ",
}
_LABEL_RE = re.compile("|".join(re.escape(label) for label in LABELS.values()))


def mask_pii(text: str) -> MaskResult:
    """Replace every sensitive number in ``text`` by a label such as ``[SSN removed]``.

    Args:
        text: what the user typed.

    Returns:
        The masked text and the kinds removed; the text unchanged when nothing was found.
    """
    findings = find_pii(text)
    if not findings:
        return MaskResult(text)
    parts: List[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(LABELS[finding.kind])
        position = finding.end
    parts.append(text[position:])
    return MaskResult("".join(parts), _unique(f.kind for f in findings))


def find_pii(text: str) -> List[Finding]:
    """Every sensitive number in ``text``, in order, without overlaps."""
    if not text or not any(ch.isdecimal() for ch in text):
        return []
    digits = _normalise(text)  # same length: spans found here are spans of ``text``
    # A label left by an earlier pass ("[ITIN removed]") names a kind but announces no number:
    # masking twice must change nothing.
    labels = [(m.start(), m.end()) for m in _LABEL_RE.finditer(digits)]
    contexts = [
        (m.start(), m.end(), m.lastgroup or "")
        for m in _CONTEXT_RE.finditer(digits)
        if not any(start <= m.start() < end for start, end in labels)
    ]
    found: List[Finding] = []
    # Cards first (the longest), then nine-digit identifiers, then account numbers.
    for match in _CARD.finditer(digits):
        kind = _card(match.group(), _context(contexts, match.start(), match.end()))
        _add(found, kind, match)
    for pattern, layout in ((_NINE, "nine"), (_EIN, "ein")):
        for match in pattern.finditer(digits):
            contiguous = match.group().isdigit()
            kind = _nine(_plain(match.group()), layout, contiguous, _context(contexts, match.start(), match.end()))
            _add(found, kind, match)
    for match in _NINE_333.finditer(digits):
        context = _context(contexts, match.start(), match.end())
        if context is not None and context != "card":
            _add(found, _nine(_plain(match.group()), "nine", False, context), match)
    for match in _ACCOUNT.finditer(digits):
        if _context(contexts, match.start(), match.end()) in ("account", "routing") and _account_like(match.group()):
            _add(found, PiiKind.BANK_ACCOUNT, match)
    return sorted(found, key=lambda f: f.start)


def describe(kinds: Iterable[str], language: str = "en") -> str:
    """The kinds in words of the conversation's language, for the ``{removed}`` of utter_pii_removed.

    Args:
        kinds: the kinds removed (``PiiKind`` values, as in ``metadata["pii_removed"]``); each is
            named once, unknown ones as "number" / "número".
        language: ``en`` or ``es``; anything else reads as English.

    Returns:
        "Social Security number and bank account number", or in Spanish "número de Seguro Social y
        número de cuenta bancaria".
    """
    language = language if language in DESCRIPTIONS else "en"
    table, unknown = DESCRIPTIONS[language], _UNKNOWN[language]
    names = list(dict.fromkeys(_name(table, kind, unknown) for kind in kinds))
    if not names:
        return unknown
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + _AND[language] + names[-1]


def _name(table: Dict[PiiKind, str], value: str, unknown: str) -> str:
    try:
        return table.get(PiiKind(value), unknown)
    except ValueError:
        return unknown


def _card(number: str, context: Optional[str]) -> Optional[PiiKind]:
    plain = _plain(number)
    if _years_only(number) or not 13 <= len(plain) <= 19:
        return None
    if context == "card":
        return PiiKind.CARD_NUMBER  # even mistyped (failed Luhn check), it is a card number
    if luhn.is_valid(plain) and _card_prefix(plain):
        return PiiKind.CARD_NUMBER
    return None


def _card_prefix(plain: str) -> bool:
    """Whether the number starts like an issued card (Amex, Diners, JCB, Visa, Mastercard, Discover)."""
    return plain[0] in "3456" or 2221 <= int(plain[:4]) <= 2720


def _nine(plain: str, layout: str, contiguous: bool, context: Optional[str]) -> Optional[PiiKind]:
    """What a nine-digit number is, from its layout, the words around it and the checksums."""
    if context == "itin":
        return PiiKind.ITIN
    if context == "ssn":
        return PiiKind.ITIN if itin.is_valid(plain) else PiiKind.SSN
    if context == "taxid":  # "tax ID" may be any of the three: the layout tells
        if layout == "ein":
            return PiiKind.EIN
        return PiiKind.ITIN if plain.startswith("9") else PiiKind.SSN
    if context == "ein":
        return PiiKind.EIN
    if context == "routing":
        return PiiKind.ROUTING_NUMBER if rtn.is_valid(plain) else PiiKind.BANK_ACCOUNT
    if context == "account":
        return PiiKind.BANK_ACCOUNT
    # No context: the layout and the checks decide.
    if layout == "ein":
        return PiiKind.EIN if ein.is_valid(plain) else None
    if not contiguous:  # 123-45-6789 / 123 45 6789: the SSN layout says enough
        return PiiKind.ITIN if plain.startswith("9") else PiiKind.SSN
    if len(set(plain)) == 1:  # "000000000" passes the ABA checksum but is no one's number
        return None
    if ssn.is_valid(plain):
        return PiiKind.SSN
    if itin.is_valid(plain):
        return PiiKind.ITIN
    if rtn.is_valid(plain):
        return PiiKind.ROUTING_NUMBER
    return None


def _account_like(number: str) -> bool:
    plain = _plain(number)
    return 8 <= len(plain) <= 17 and not _PHONE.match(number) and not _years_only(number)


def _years_only(number: str) -> bool:
    """ "2018-2021", "2018 2019 2020 2021": tax years, not an account or a card.

    Tax years are listed in order and lie in a plausible span; "1900-1900-1900-1900" after "my card
    is" is a card number, not four years.
    """
    groups = _SEPARATORS.split(number)
    if len(groups) < 2 or not all(_YEAR.match(group) for group in groups):
        return False
    years = [int(group) for group in groups]
    return all(MIN_TAX_YEAR <= year <= MAX_TAX_YEAR for year in years) and years == sorted(set(years))


def _context(contexts: Iterable[Tuple[int, int, str]], start: int, end: int) -> Optional[str]:
    """The kind of the nearest context word before the number at start:end, else of the nearest after.

    A word after counts only without one before: in "SSN 123-45-6789, acct 0001234567" the SSN
    is announced by "SSN", not by the "acct" of the next number.
    """
    before: Optional[Tuple[int, str]] = None
    after: Optional[Tuple[int, str]] = None
    for word_start, word_end, name in contexts:
        if word_end <= start and start - word_end <= _BEFORE_WINDOW:
            if before is None or start - word_end < before[0]:
                before = (start - word_end, name)
        elif word_start >= end and word_start - end <= _AFTER_WINDOW:
            if after is None or word_start - end < after[0]:
                after = (word_start - end, name)
    chosen = before or after
    return chosen[1] if chosen else None


def _add(found: List[Finding], kind: Optional[PiiKind], match: re.Match[str]) -> None:
    if kind is None:
        return
    start, end = match.span()
    if any(f.start < end and start < f.end for f in found):
        return  # already covered by a longer or earlier finding
    found.append(Finding(kind, start, end))


def _plain(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _normalise(text: str) -> str:
    """``text`` with other scripts' digits (Arabic-Indic, full-width) as ASCII and Unicode dashes
    and spaces as "-" and " ", length unchanged (so spans found in it are spans of ``text``)."""
    if text.isascii():
        return text.replace("\t", " ")
    text = text.translate(_OTHER_SEPARATORS)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def _unique(kinds: Iterable[PiiKind]) -> Tuple[PiiKind, ...]:
    return tuple(dict.fromkeys(kinds))
