"""Find notice and letter codes in OCR text and spell them as the knowledge base does.

A code is trusted most when it follows its label ("Notice CP504", "Letter 1058", "Form 668-W") and
when the knowledge base (knowledge/irs_knowledge.yml) knows it. The knowledge is loaded lazily
through knowledge (plain Python, no Rasa), and only once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from notice_reader.ocr import OcrLine

_DIGITISH = "0-9OoIlSB|"
# "Notice CP504", "Notice: CP 2000", "Aviso CP14", "Notice LT11", "Letter 1058", "Ltr 3172", "Letter LT11".
_LABELLED = re.compile(
    r"\b(?:notice|aviso|letter|ltr|carta)\s*(?:number|no\.?|n[úu]m\.?)?\s*[:#]?\s*"
    r"(?P<code>(?:C\s?P|L\s?T)\s?-?\s?[0-9][" + _DIGITISH + r"]{0,4}[A-Z]{0,2}|[0-9][" + _DIGITISH + r"]{2,4}[A-Z]?)\b",
    re.IGNORECASE,
)
_FORM = re.compile(r"\bform\s*(?P<code>668\s?-?\s?\(?[AWYF]\)?(?:\s?\(?[cC]\)?)?)", re.IGNORECASE)
# Letters (upper case) Tesseract puts where a code's digits are printed.
_AS_DIGIT = str.maketrans(
    {"O": "0", "D": "0", "Q": "0", "S": "5", "B": "8", "I": "1", "L": "1", "|": "1", "Z": "2", "G": "6", "T": "7"}
)
_BARE = re.compile(r"\b(?P<code>(?:CP|LT)\s?-?[0-9][" + _DIGITISH + r"]{1,4}[A-Z]{0,2}|[0-9]{4}C)\b")
# What Tesseract misreads each character of a code as, and back ("LT38" read as "1138", "CP71" as "CPT]").
_LOOKALIKES = {
    "0": "OD",
    "O": "0",
    "D": "0",
    "Q": "0",
    "5": "S",
    "S": "5",
    "8": "B",
    "B": "8",
    "1": "LIT7",
    "I": "1L",
    "L": "1",
    "|": "1L",
    "]": "1",
    "[": "1L",
    "T": "7",
    "7": "T1",
    "(": "LC",
    "C": "(",
    "2": "Z",
    "Z": "2",
    "6": "G",
    "G": "6",
    "4": "A",
    "A": "4",
    "E": "F",
    "F": "E",
    "V": "Y",
    "Y": "V",
}
# A word printed right after "Notice"/"Letter" that may be a misread code.
_LOOSE = re.compile(
    r"\b(?:notice|aviso|letter|ltr|carta)\s*[:#]?\s*(?P<code>[A-Za-z0-9(|\[\]]{3,7})(?![A-Za-z0-9])", re.IGNORECASE
)


@dataclass(frozen=True)
class CodeCandidate:
    """A code-like word found on the page."""

    key: str  # normalised lookup key, e.g. "CP504", "1058", "668W"
    labelled: bool  # printed after "Notice", "Letter" or "Form"
    ocr_confidence: float  # Tesseract's confidence (0-100) for its row
    fuzzy: bool = False  # found by fixing look-alike characters ("CPT]" for "CP71")


@dataclass(frozen=True)
class KnowledgeCode:
    """A code as the knowledge base writes it, and whether the knowledge base has that notice."""

    code: str
    known: bool


def find_codes(rows: Sequence[OcrLine]) -> List[CodeCandidate]:
    """Every code-like word on the page, labelled ones and bare "CP"/"LT" words."""
    found: List[CodeCandidate] = []
    for row in rows:
        spans: List[Tuple[int, int]] = []
        for pattern, labelled in ((_LABELLED, True), (_FORM, True), (_BARE, False)):
            for match in pattern.finditer(row.text):
                if any(start <= match.start("code") < end for start, end in spans):
                    continue
                key = _key(match.group("code"))
                if key:
                    spans.append((match.start("code"), match.end("code")))
                    found.append(CodeCandidate(key, labelled, row.confidence))
        for match in _LOOSE.finditer(row.text):
            if any(start <= match.start("code") < end for start, end in spans):
                continue
            key = near_known(match.group("code")) or misread_prefix_code(match.group("code"))
            if key:
                found.append(CodeCandidate(key, True, row.confidence * 0.8, fuzzy=True))
    for candidate in list(found):
        if not to_knowledge_code(candidate.key).known:
            key = near_known(candidate.key)
            if key:
                found.append(CodeCandidate(key, candidate.labelled, candidate.ocr_confidence * 0.8, fuzzy=True))
    return found


def near_known(token: str, edits: int = 2) -> Optional[str]:
    """The one code the knowledge base knows that ``token`` becomes with up to ``edits`` look-alike fixes.

    Returns None when no known code, or more than one, is that close (a guess would be an invention).
    """
    spellings = _knowledge_spellings()
    text = re.sub(r"\s+", "", token).upper()
    if not spellings or not 3 <= len(text) <= 8:
        return None
    variants = {text}
    for _ in range(edits):
        variants |= {
            v[:i] + alt + v[i + 1 :] for v in variants for i, ch in enumerate(v) for alt in _LOOKALIKES.get(ch, "")
        }
    known = {key for key in map(normalise_key, variants) if key in spellings}
    return known.pop() if len(known) == 1 else None


def misread_prefix_code(token: str) -> Optional[str]:
    """The one known code a labelled word spells once its prefix and its digits are read back.

    Tesseract reads "CP" on a photo as "cr" or "cP", and the digits after it as letters ("cpsosc" for
    CP508C): every character after the prefix is read as the digit it resembles, with or without a
    final suffix letter kept, and only a single known result counts (no invented code).
    """
    text = re.sub(r"\s+", "", token).upper()
    prefix = re.match(r"^(?:CP|CR|CF|GP|OP|CB)", text)
    if not prefix:
        return None
    body = text[prefix.end() :]
    if len(body) < 2:
        return None
    digits = body.translate(_AS_DIGIT)
    variants = {"CP" + digits, "CP" + digits[:-1] + body[-1]}
    spellings = _knowledge_spellings()
    known = {key for key in map(normalise_key, variants) if key in spellings}
    return known.pop() if len(known) == 1 else None


def normalise_key(text: str) -> Optional[str]:
    """The knowledge base's lookup key for a code-like word, or None."""
    from knowledge.codes import normalise_code  # plain module, no Rasa

    if not re.match(r"^(?:CP|LT)?[0-9]", text):
        return None
    return normalise_code(text)


def to_knowledge_code(key: str) -> KnowledgeCode:
    """The knowledge base's spelling of ``key`` ("1058" for "Letter 1058", "668-W" for "Form 668-W")."""
    spellings = _knowledge_spellings()
    if key in spellings:
        return KnowledgeCode(spellings[key], True)
    return KnowledgeCode(key, False)


def _key(raw: str) -> Optional[str]:
    from knowledge.codes import normalise_code  # plain module, no Rasa

    text = re.sub(r"\s+", "", raw).upper()
    prefix = re.match(r"^(CP|LT)-?", text)
    head = prefix.group(0) if prefix else ""
    body = text[len(head) :]
    digits = re.match(r"^[0-9OIL|SB]+", body)
    if digits:
        run = digits.group(0)
        # Keep a trailing B/S letter when it is a suffix (CP504B), fix look-alikes inside the number.
        core, tail = (run[:-1], run[-1]) if run[-1] in "BS" and len(run) > 1 else (run, "")
        core = core.translate(_AS_DIGIT)
        body = core + tail + body[len(run) :]
    number = re.match(r"^[0-9]+", body)
    if number is None:
        return None
    if not head and len(number.group(0)) < 3:
        return None
    return normalise_code(head + body)


@functools.lru_cache(maxsize=1)
def _knowledge_spellings() -> Dict[str, str]:
    """Lookup key -> the knowledge base's code without its "Letter "/"Form " word; {} when unavailable."""
    try:
        from knowledge.loader import load_knowledge

        knowledge = load_knowledge()
    except Exception:  # noqa: BLE001 - the reader still works, with codes as printed
        return {}
    spellings: Dict[str, str] = {}
    for notice in knowledge.notices:
        spelling = re.sub(r"^(?:Letter|Form)\s+", "", notice.code)
        for key in notice.keys:
            spellings.setdefault(key, spelling)
    return spellings
