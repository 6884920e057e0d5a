"""Read an IRS notice from a photo, scan or PDF: load, clean up, OCR, pick out the fields.

``read_notice`` is CPU-bound (about a second or two per page); ``read_notice_async`` runs it in a
small worker pool so an asyncio server keeps answering other conversations meanwhile. The image and
the OCR text live only in memory; the log gets sizes, timings and the masked field summary, never
the text itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from typing import List, Optional

from PIL import Image

from notice_reader.cleanup import clean_page
from notice_reader.fields import Fields, extract
from notice_reader.loading import PDF_PAGES_READ, load_pages
from notice_reader.model import FIELDS, NoticeReadError, NoticeReading
from notice_reader.ocr import OcrResult, run_ocr

logger = logging.getLogger(__name__)

MIN_WORDS = 12
"""A page with fewer readable words is blank, blurred or too far away ("no_text")."""
WORKERS = 2
"""Readings that may run at once (one Tesseract process each); more wait their turn."""

_pool: Optional[concurrent.futures.ThreadPoolExecutor] = None


def read_notice(
    data: bytes, *, content_type: Optional[str] = None, filename: Optional[str] = None, timeout_s: float = 20.0
) -> NoticeReading:
    """Read the notice code, dates, amount and tax years from an uploaded file.

    Args:
        data: the file's bytes (JPEG, PNG, HEIC, WebP or PDF; the type is sniffed from the bytes).
        content_type: the declared type, used only in the log (senders get it wrong).
        filename: the declared name, used only in the log.
        timeout_s: time budget for the OCR runs.

    Raises:
        NoticeReadError: the file is too large, of an unsupported type, has too many pages, is an
            encrypted or damaged PDF, an image bomb, or took longer than ``timeout_s``.
    """
    started = time.monotonic()
    deadline = started + timeout_s
    pages = load_pages(data, pages=PDF_PAGES_READ)
    best: Optional[Fields] = None
    words = 0
    for index, page in enumerate(pages):
        fields, page_words = _read_page(page, deadline)
        words += page_words
        best = fields if best is None else _merge(best, fields)
        if best.code and best.notice_date and best.amount_due is not None:
            break
        if index == 0 and not best.is_notice:
            break
    reading = _reading(best or Fields(), words)
    logger.info(
        "notice read: %d bytes (%s), %d page(s), %d words, %.2fs, code=%s problems=%s",
        len(data),
        content_type or "unknown type",
        len(pages),
        words,
        time.monotonic() - started,
        reading.code,
        ",".join(reading.problems) or "none",
    )
    return reading


async def read_notice_async(
    data: bytes, *, content_type: Optional[str] = None, filename: Optional[str] = None, timeout_s: float = 20.0
) -> NoticeReading:
    """``read_notice`` in a worker thread, so the event loop keeps serving; raises ``NoticeReadError``."""
    loop = asyncio.get_running_loop()
    call = loop.run_in_executor(
        _executor(), lambda: read_notice(data, content_type=content_type, filename=filename, timeout_s=timeout_s)
    )
    try:
        return await asyncio.wait_for(call, timeout=timeout_s + 2.0)
    except asyncio.TimeoutError as exc:
        raise NoticeReadError("timeout", "reading the notice took too long") from exc


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="notice-reader")
    return _pool


def _read_page(page: Image.Image, deadline: float) -> tuple[Fields, int]:
    cleaned = clean_page(page)
    result = run_ocr(cleaned, psm=3, timeout_s=_remaining(deadline))
    fields = extract(result.rows)
    if fields.is_notice and not fields.code:
        # The code is printed in the top-right block and in the footer: read those strips again,
        # enlarged, each as one block of text.
        width, height = cleaned.size
        rows = list(result.rows)
        for box in ((width // 2, 0, width, height * 22 // 100), (0, height * 90 // 100, width, height)):
            strip = cleaned.crop(box)
            strip = strip.resize((strip.width * 3 // 2, strip.height * 3 // 2), Image.Resampling.LANCZOS)
            rows += run_ocr(strip, psm=6, timeout_s=_remaining(deadline)).rows
        fields = _merge(fields, extract(rows))
    return fields, _words(result)


def _words(result: OcrResult) -> int:
    return sum(1 for line in result.lines if line.confidence > 40 for _ in line.text.split())


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise NoticeReadError("timeout", "reading the notice took too long")
    return left


def _merge(first: Fields, second: Fields) -> Fields:
    """Fill the fields ``first`` lacks from ``second`` (a later page or a closer look)."""
    merged = Fields(is_notice=first.is_notice or second.is_notice, confidence=dict(first.confidence))
    for name in ("code", "notice_date", "amount_due", "response_date"):
        mine, theirs = getattr(first, name), getattr(second, name)
        chosen = mine if mine is not None else theirs
        setattr(merged, name, chosen)
        if mine is None and theirs is not None:
            merged.confidence[name] = second.confidence.get(name, 0.0)
    merged.tax_years = first.tax_years or second.tax_years
    if not first.tax_years and second.tax_years:
        merged.confidence["tax_years"] = second.confidence.get("tax_years", 0.0)
    return merged


def _reading(fields: Fields, words: int) -> NoticeReading:
    problems: List[str] = []
    if words < MIN_WORDS:
        problems.append("no_text")
    if not fields.is_notice:
        if "no_text" not in problems:
            problems.append("not_a_notice")
        return NoticeReading(confidence={name: 0.0 for name in FIELDS}, problems=problems)
    if fields.code is None:
        problems.append("code_missing")
    if fields.notice_date is None:
        problems.append("date_missing")
    if fields.amount_due is None:
        problems.append("amount_missing")
    confidence = {name: float(fields.confidence.get(name, 0.0)) for name in FIELDS}
    return NoticeReading(
        code=fields.code,
        notice_date=fields.notice_date,
        amount_due=fields.amount_due,
        tax_years=list(fields.tax_years),
        response_date=fields.response_date,
        confidence=confidence,
        problems=problems,
    )
