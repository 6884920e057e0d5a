"""Files the reader refuses get a NoticeReadError with the right reason; the loop keeps running."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image

from notice_reader import MAX_BYTES, NoticeReadError, read_notice, read_notice_async
from tests.notice_reader.photo import pdf


def _reason(data: bytes) -> str:
    with pytest.raises(NoticeReadError) as caught:
        read_notice(data)
    return caught.value.reason


def test_not_an_image():
    assert _reason(b"hello, this is a text file") == "not_supported"


def test_too_large():
    assert _reason(b"\xff\xd8\xff" + b"0" * MAX_BYTES) == "too_large"


def test_too_many_pages():
    assert _reason(pdf([Image.new("L", (200, 260), 255)] * 11)) == "too_many_pages"


def test_image_bomb():
    buffer = io.BytesIO()
    Image.new("1", (10000, 10000), 1).save(buffer, "PNG")
    assert _reason(buffer.getvalue()) == "image_bomb"


def test_malformed_pdf():
    assert _reason(b"%PDF-1.4\n garbage that is not a pdf") == "malformed"


def test_encrypted_pdf():
    # A minimal PDF whose trailer names a Standard-security (password) dictionary.
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</Filter/Standard/V 1/R 2/O(0123456789abcdef0123456789abcdef)"
        b"/U(0123456789abcdef0123456789abcdef)/P -4>>endobj\n"
        b"trailer<</Root 1 0 R/Encrypt 3 0 R"
        b"/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n%%EOF"
    )
    assert _reason(data) == "encrypted_pdf"


async def test_async_read_does_not_block_the_loop():
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 1600), "white").save(buffer, "PNG")
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    task = asyncio.create_task(ticker())
    reading = await read_notice_async(buffer.getvalue())
    task.cancel()
    assert "no_text" in reading.problems
    assert ticks >= 3
