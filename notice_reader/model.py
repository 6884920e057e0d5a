"""What the notice reader returns (``NoticeReading``), how it fails (``NoticeReadError``) and its limits."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

MAX_BYTES = 10 * 1024 * 1024
"""Largest upload accepted, in bytes (10 MB)."""
MAX_PAGES = 10
"""Most pages a PDF may have; longer documents are refused rather than partly read."""
MAX_PIXELS = 40_000_000
"""Largest decoded image, in pixels (a 12 MP phone photo is well under); more is treated as an image bomb."""

FIELDS = ("code", "notice_date", "amount_due", "tax_years", "response_date")
"""The fields a reading has, and the keys of its ``confidence``."""

PROBLEMS = ("no_text", "not_a_notice", "code_missing", "date_missing", "amount_missing")
"""Problems a reading may report, so the conversation can ask for exactly what is missing."""

ERROR_REASONS = ("too_large", "not_supported", "too_many_pages", "encrypted_pdf", "malformed", "image_bomb", "timeout")
"""Reasons a file is refused before or while reading it."""


class NoticeReadError(ValueError):
    """The file cannot be read as a notice; ``reason`` is one of ``ERROR_REASONS``."""

    def __init__(self, reason: str, message: str = "") -> None:
        if reason not in ERROR_REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class NoticeReading:
    """The fields read from the first page(s) of an IRS notice or letter.

    Attributes:
        code: the notice or letter code as the knowledge base writes it ("CP504", "LT11", "1058",
            "668-W"), or None when none was read or the picture is not a notice.
        notice_date: the date printed on the notice (deadlines run from it).
        amount_due: the amount the notice asks for, in dollars.
        tax_years: every tax year or period the notice is about, in the order printed.
        response_date: the pay-by / respond-by date when the notice prints one.
        confidence: 0.0-1.0 per field in ``FIELDS`` (0.0 for a field not read).
        problems: subset of ``PROBLEMS``.
    """

    code: Optional[str] = None
    notice_date: Optional[datetime.date] = None
    amount_due: Optional[decimal.Decimal] = None
    tax_years: List[int] = field(default_factory=list)
    response_date: Optional[datetime.date] = None
    confidence: Dict[str, float] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)

    @property
    def tax_year(self) -> Optional[int]:
        """The first tax year read, or None."""
        return self.tax_years[0] if self.tax_years else None

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form: ISO dates, the amount as a float, and ``tax_year`` (the first year or null)."""
        return {
            "code": self.code,
            "notice_date": self.notice_date.isoformat() if self.notice_date else None,
            "amount_due": float(self.amount_due) if self.amount_due is not None else None,
            "tax_year": self.tax_year,
            "tax_years": list(self.tax_years),
            "response_date": self.response_date.isoformat() if self.response_date else None,
            "confidence": {k: round(float(self.confidence.get(k, 0.0)), 2) for k in FIELDS},
            "problems": list(self.problems),
        }
