"""Pick the notice fields out of OCR text: code, notice date, amount due, tax years, response date.

Each field is searched after its printed label ("Notice date", "Amount due", "Tax year", "Pay by"),
on the label's row or the next rows, as IRS notices print them in the top-right block, the amount
box and the body. Text that never mentions the IRS gets no code at all ("not_a_notice").
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from notice_reader.codes import CodeCandidate, find_codes, to_knowledge_code
from notice_reader.dates import find_amounts, find_dates
from notice_reader.ocr import OcrLine

_IRS_MARKERS = re.compile(
    r"internal\s+revenue|department\s+of\s+the\s+treasury|\bIRS\b|irs\.gov|"
    r"servicio\s+de\s+impuestos|departamento\s+del\s+tesoro",
    re.IGNORECASE,
)
_NOTICE_DATE = re.compile(
    r"(?:notice|letter|date\s+of\s+this\s+(?:notice|letter)|fecha\s+del?\s+(?:aviso|carta))"
    r"\s*(?:date|fecha)?\s*[:.]?|^\s*date\s*[:.]|\bdate\s*:|\bfecha\s*:",
    re.IGNORECASE,
)
_NOTICE_DATE_STRICT = re.compile(
    r"(?:notice|letter)\s+date|date\s+of\s+this|fecha\s+del?\s+(?:aviso|carta)|"
    r"\bdate\s*:|\bfecha\s*:",
    re.IGNORECASE,
)
_RESPONSE = re.compile(
    r"\b(?:pay|respond|reply|response\s+due|payment\s+due|call\s+us|contact\s+us|"
    r"pague|responda)\s*(?:by|before|no\s+later\s+than|antes\s+del?|a\s+m[aá]s\s+tardar)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?:total\s+)?amount\s+(?:now\s+)?due|amount\s+you\s+owe|you\s+owe|balance\s+due|"
    r"total\s+due|cantidad\s+adeudada|saldo\s+adeudado|usted\s+debe",
    re.IGNORECASE,
)
_TAX_YEAR = re.compile(
    r"tax\s+(?:years?|periods?|period\s+ending)|a[ñn]os?\s+(?:tributarios?|fiscal(?:es)?)|"
    r"per[ií]odos?\s+tributarios?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
LOOKAHEAD_ROWS = 2
"""How many rows below a label its value may be printed (a label over a boxed value)."""


@dataclass
class Fields:
    """Fields found in one page's OCR, with a 0-1 confidence per field."""

    code: Optional[str] = None
    notice_date: Optional[datetime.date] = None
    amount_due: Optional[decimal.Decimal] = None
    tax_years: List[int] = field(default_factory=list)
    response_date: Optional[datetime.date] = None
    confidence: Dict[str, float] = field(default_factory=dict)
    is_notice: bool = False


def extract(rows: Sequence[OcrLine]) -> Fields:
    """Read every field from the page's rows (top to bottom, columns merged)."""
    text = "\n".join(row.text for row in rows)
    result = Fields()
    candidates = find_codes(rows)
    result.is_notice = bool(_IRS_MARKERS.search(text)) or any(c.labelled for c in candidates)
    if not result.is_notice:
        return result
    _pick_code(result, candidates)
    response = _labelled_date(rows, _RESPONSE)
    notice_date = _labelled_date(rows, _NOTICE_DATE_STRICT) or _labelled_date(rows, _NOTICE_DATE, exclude=_RESPONSE)
    if notice_date:
        result.notice_date, result.confidence["notice_date"] = notice_date
    if response and (not notice_date or response[0] >= notice_date[0]):
        result.response_date, result.confidence["response_date"] = response
    amount = _amount(rows)
    if amount:
        result.amount_due, result.confidence["amount_due"] = amount
    years = _tax_years(rows)
    if years:
        result.tax_years, result.confidence["tax_years"] = years
    return result


def _pick_code(result: Fields, candidates: List[CodeCandidate]) -> None:
    if not candidates:
        return
    scores: Dict[str, float] = defaultdict(float)  # code -> summed weight of its sightings
    quality: Dict[str, float] = {}
    for candidate in candidates:
        code = to_knowledge_code(candidate.key)
        weight = (2.0 if candidate.labelled else 1.0) * (1.5 if code.known else 0.5) * (0.6 if candidate.fuzzy else 1.0)
        scores[code.code] += weight
        quality[code.code] = max(quality.get(code.code, 0.0), candidate.ocr_confidence)
    best, score = max(scores.items(), key=lambda item: item[1])  # the first seen wins a tie
    known = to_knowledge_code(best).known
    if not known and score < 2.0:
        return  # one unlabelled, unknown code-like word is not enough
    base = 0.55 + 0.15 * min(score / 3.0, 2.0) + (0.1 if known else -0.2)
    result.code = best
    result.confidence["code"] = _scaled(base, quality[best])


def _labelled_date(
    rows: Sequence[OcrLine], label: re.Pattern[str], exclude: Optional[re.Pattern[str]] = None
) -> Optional[Tuple[datetime.date, float]]:
    """The first date printed after ``label`` (same row, else the next rows), with a confidence."""
    for index, row in enumerate(rows):
        for match in label.finditer(row.text):
            if exclude and exclude.search(row.text[max(0, match.start() - 20) : match.end()]):
                continue
            after = row.text[match.end() :]
            date = next((d for _, d in find_dates(after)), None)
            if date:
                return date, _scaled(0.9, row.confidence)
            for below in rows[index + 1 : index + 1 + LOOKAHEAD_ROWS]:
                date = next((d for position, d in find_dates(below.text) if position < 40), None)
                if date:
                    return date, _scaled(0.7, below.confidence)
    return None


def _amount(rows: Sequence[OcrLine]) -> Optional[Tuple[decimal.Decimal, float]]:
    """The amount printed after an amount-due label; the most repeated one when labels disagree."""
    votes: Dict[decimal.Decimal, float] = defaultdict(float)
    quality: Dict[decimal.Decimal, float] = {}
    for index, row in enumerate(rows):
        for match in _AMOUNT.finditer(row.text):
            value = _amount_after(row.text[match.end() :])
            weight, line_conf = 1.0, row.confidence
            if value is None:
                for below in rows[index + 1 : index + 1 + LOOKAHEAD_ROWS]:
                    value = _amount_after(below.text)
                    if value is not None:
                        weight, line_conf = 0.6, below.confidence
                        break
            if value is not None:
                votes[value] += weight
                quality[value] = max(quality.get(value, 0.0), line_conf)
    if not votes:
        return None
    best, score = max(votes.items(), key=lambda item: item[1])  # the first seen wins a tie
    return best, _scaled(0.6 + 0.15 * min(score, 2.0), quality[best])


def _amount_after(text: str) -> Optional[decimal.Decimal]:
    for position, value, has_dollar in find_amounts(text):
        if position > 60:
            return None
        if has_dollar or position < 25:
            return value
    return None


def _tax_years(rows: Sequence[OcrLine]) -> Optional[Tuple[List[int], float]]:
    for row in rows:
        match = _TAX_YEAR.search(row.text)
        if not match:
            continue
        after = row.text[match.end() : match.end() + 80]
        years: List[int] = []
        dates = list(find_dates(after))
        for _, date in dates:
            if date.year not in years:
                years.append(date.year)
        if not dates:
            for year in _YEAR.findall(after):
                if int(year) not in years:
                    years.append(int(year))
        if years:
            return years, _scaled(0.9, row.confidence)
    return None


def _scaled(base: float, ocr_confidence: float) -> float:
    """Blend a rule's certainty with Tesseract's confidence (0-100) for the words it read."""
    factor = 0.6 + 0.4 * max(0.0, min(ocr_confidence, 100.0)) / 100.0
    return round(max(0.0, min(1.0, base * factor)), 2)
