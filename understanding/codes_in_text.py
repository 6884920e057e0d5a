"""Find every notice or letter code in free text, however it is typed.

People write "CP504", "cp 504", "CP-504", "cp 5O3" (the letter O for a zero), "letter 3172", "ltr 1058",
"LT-11", "lt 11", "Letter 226-J", "668-W", "668(Y)(c)" or just "the 504". Each mention is resolved
against the knowledge base; a well-formed code the base does not have is reported as unknown, so the
answer can say so honestly instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional, Tuple

# A digit run where people sometimes type the letter O (or o) for a zero: "5O3", "5o4".
_DIGITS = r"[0-9][0-9oO]{0,4}|[oO][0-9][0-9oO]{0,3}"
# After "CP", the letter l for a one too: "cp-l4", "cp 9l" (no code ends in L; CP14I and the like end in I, kept).
_CP_DIGITS = r"(?=[0-9oOlL]*[0-9])[0-9lL][0-9oOlL]{0,4}|[oO][0-9][0-9oOlL]{0,3}"
_SUFFIX = r"(?:\s?-?\s?[a-zA-Z]{1,2}(?![a-zA-Z]))?"
_PATTERNS: List[Tuple[str, re.Pattern[str]]] = [
    # "CP508 C", "cp 22 a": a lone letter after a space is the suffix only when that code exists (see find_codes)
    (
        "CP",
        re.compile(
            rf"\bc\.?\s?p\.?\s?[-#:]?\s?(?P<num>{_CP_DIGITS})"
            rf"(?P<suf>\s[a-zA-Z](?=[\s.,;:?!)]|$)|-?[a-zA-Z]{{0,2}})(?![a-zA-Z0-9])",
            re.I,
        ),
    ),
    ("LT", re.compile(rf"\bl\.?\s?t\.?\s?[-#:]?\s?(?P<num>{_DIGITS})(?P<suf>[a-zA-Z]{{0,1}})(?![a-zA-Z0-9])", re.I)),
    (
        "LETTER",
        re.compile(
            rf"\b(?:letter|ltr|carta|notice|aviso)\s?(?:no\.?|number|num|n[uú]mero|#)?\s?[-#:]?\s?(?P<num>{_DIGITS})"
            rf"(?P<suf>{_SUFFIX})(?![a-zA-Z0-9])",
            re.I,
        ),
    ),
    ("FORM668", re.compile(r"\b(?:form\s?)?668\s?-?\s?\(?(?P<suf>[ywa])\)?(?:\s?\(?c\)?)?(?![a-zA-Z0-9])", re.I)),
    ("LGLUED", re.compile(r"\bl(?P<num>[0-9]{3,4})(?P<suf>[a-zA-Z]?)(?![a-zA-Z0-9])", re.I)),
    # "a 725-B letter", "the 5071C notice": a number with a letter suffix before "letter" is a letter code
    ("SUFFIXED", re.compile(r"\b(?P<num>[0-9]{3,4})-?(?P<suf>[a-zA-Z])\s+(?:letter|notice|carta|aviso)\b", re.I)),
]
# A bare number counts only beside a notice word ("the 504", "a 1058 letter", "notice 504").
_BARE = re.compile(
    r"(?:\b(?:the|a|an|this|that|my|got|received|irs|el|la|un|una|mi|este|esta|ese|esa|del|recib[ií]|lleg[oó])\s+(?P<a>[0-9]{2,5}[a-zA-Z]?)\b"
    r"(?!\s*(?:dollars|bucks|grand|\$|%|k\b|percent|days?\b|weeks?\b|months?\b|years?\b|yrs?\b|hours?\b|times\b|payments?\b|"
    r"d[oó]lares|mil\b|d[ií]as?\b|semanas?\b|mes(?:es)?\b|a[nñ]os?\b|horas?\b|veces\b|pagos?\b|por ciento)))"
    r"|(?:\b(?P<b>[0-9]{2,5}[a-zA-Z]?)\s+(?:notice|letter|form)s?\b)",
    re.I,
)
# "says 5071-C in the corner", "a 5071 C": a number and a split-off letter, taken only when the base has that code
_SPLIT_SUFFIX = re.compile(r"\b(?P<num>[0-9]{3,4})(?:\s?-\s?|\s)(?P<suf>[a-zA-Z])(?![a-zA-Z0-9'])")
_YEARS = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class CodeMention:
    """One code found in the text: the knowledge base's code when known, else the tidy raw code."""

    code: str
    known: bool
    start: int
    end: int  # where the code as written ends ("cp 5O4" is longer than "CP504")


def _digits(raw: str) -> str:
    return raw.replace("o", "0").replace("O", "0").replace("l", "1").replace("L", "1")


def _candidates(kind: str, num: str, suf: str) -> List[str]:
    if kind == "LETTER" and suf[:1].isspace():
        # "ltr 3172 q significa": a letter after a space may be the next word; the code alone comes last
        return [*_candidates(kind, num, suf.strip()), f"{num}", f"LT{num}", f"CP{num}"]
    suf = re.sub(r"[^A-Za-z]", "", suf or "").upper()
    if kind == "CP":
        # "CP504s" (plural) and "cp-090" (a leading zero) name a known code when the exact one is unknown
        return list(
            dict.fromkeys([f"CP{num}{suf}", *([f"CP{num}"] if suf == "S" else []), f"CP{num.lstrip('0') or '0'}{suf}"])
        )
    if kind == "LT":
        return [f"LT{num}{suf}", f"{num}{suf}"]
    if kind == "FORM668":
        return [f"668{suf}", f"668{suf}C"]
    return [f"{num}{suf}", f"LT{num}{suf}", f"CP{num}{suf}"]


def find_codes(text: str, lookup: Callable[[str], Optional[str]]) -> List[CodeMention]:
    """Every code mentioned in ``text``, in order of appearance, each once.

    Args:
        text: the message as the user wrote it.
        lookup: returns the knowledge base's code for a raw code, or None when the base lacks it.
    """
    found: List[CodeMention] = []
    taken: List[Tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            groups = match.groupdict()
            num = _digits(groups.get("num") or "")
            if kind == "LETTER" and _YEARS.match(num):
                continue
            suffix = groups.get("suf") or ""
            if kind == "CP" and suffix[:1].isspace() and not lookup(f"CP{num}{suffix.strip().upper()}"):
                suffix = ""  # "cp504 a notice": the "a" is the next word
            mention = _resolve(_candidates(kind, num, suffix), lookup, match.span(), strict=False)
            if mention:
                found.append(mention)
                taken.append(match.span())
    # numbers taken only when the base has the code: a split-off letter ("5071-C"), then a bare number ("the 504")
    for raw, start, span in [*_split_suffixed(text), *_bare_numbers(text)]:
        if _YEARS.match(raw[:4]) or any(s <= start < e for s, e in taken):
            continue
        mention = _resolve(_candidates("BARE", raw.upper(), ""), lookup, (start, span[1]), strict=True)
        if mention:
            found.append(mention)
            taken.append(span)
    found.sort(key=lambda m: m.start)
    unique: List[CodeMention] = []
    for mention in found:
        if all(m.code != mention.code for m in unique):
            unique.append(mention)
    return unique


def _split_suffixed(text: str) -> Iterator[Tuple[str, int, Tuple[int, int]]]:
    """(raw code, start, span) of each number with a split-off letter ("5071-C", "5071 C")."""
    for match in _SPLIT_SUFFIX.finditer(text):
        yield match.group("num") + match.group("suf"), match.start(), match.span()


def _bare_numbers(text: str) -> Iterator[Tuple[str, int, Tuple[int, int]]]:
    """(raw code, start, span) of each bare number beside a notice word ("the 504", "a 1058 letter")."""
    for match in _BARE.finditer(text):
        group = "a" if match.group("a") else "b"
        yield match.group(group), match.start(group), match.span()


def _resolve(
    candidates: List[str], lookup: Callable[[str], Optional[str]], span: Tuple[int, int], strict: bool
) -> Optional[CodeMention]:
    for raw in candidates:
        code = lookup(raw)
        if code:
            return CodeMention(code, True, *span)
    if strict:  # a bare number that is no known code is just a number
        return None
    first = candidates[0]
    return CodeMention(_display_unknown(first), False, *span)


def _display_unknown(key: str) -> str:
    if key.startswith(("CP", "LT")):
        return key
    if key.startswith("668"):
        return f"Form {key}"
    return f"Letter {key}"
