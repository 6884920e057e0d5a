"""Read an IRS notice or letter from a phone photo, a scan or a PDF (Tesseract OCR, no Rasa).

``read_notice(data)`` returns a ``NoticeReading`` (code as the knowledge base writes it, notice
date, amount due, tax years, response date, a confidence per field and the problems found) or
raises ``NoticeReadError`` with a ``reason`` for files it will not read.
"""

from notice_reader.model import MAX_BYTES, MAX_PAGES, NoticeReadError, NoticeReading
from notice_reader.reader import read_notice, read_notice_async

__all__ = ["MAX_BYTES", "MAX_PAGES", "NoticeReadError", "NoticeReading", "read_notice", "read_notice_async"]
