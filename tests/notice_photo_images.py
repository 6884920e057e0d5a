"""Clear notice pages rendered with Pillow, for the notice-photo channel tests (no real taxpayer data)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Optional

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font(size: int, bold: bool = False) -> ImageFont.ImageFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default()


def notice_page(
    code: str, notice_date: dt.date, amount: str, tax_year: int = 2023, kind: str = "Notice"
) -> Image.Image:
    """The first page of an IRS notice in the usual layout: the code and date block top right."""
    page = Image.new("RGB", (1700, 2200), "white")
    draw = ImageDraw.Draw(page)
    draw.text((120, 120), "Department of the Treasury", font=_font(34, True), fill="black")
    draw.text((120, 170), "Internal Revenue Service", font=_font(34), fill="black")
    right = 1040
    for row, (label, value) in enumerate(
        [
            (kind, code),
            ("Tax year", str(tax_year)),
            (f"{kind} date", f"{notice_date:%B} {notice_date.day}, {notice_date.year}"),
            ("To contact us", "800-829-0922"),
        ]
    ):
        draw.text((right, 120 + row * 60), label, font=_font(32), fill="black")
        draw.text((right + 300, 120 + row * 60), value, font=_font(32, True), fill="black")
    draw.text((120, 420), "JANE Q TAXPAYER", font=_font(32), fill="black")
    draw.text((120, 465), "100 MAIN ST", font=_font(32), fill="black")
    draw.text((120, 510), "AUSTIN TX 78701", font=_font(32), fill="black")
    draw.text((120, 700), "Intent to seize your property or rights to property", font=_font(44, True), fill="black")
    draw.text((120, 800), f"Amount due: ${amount}", font=_font(40, True), fill="black")
    body = [
        "We have not received payment for the balance due on your account.",
        "Pay the amount due immediately to avoid further collection action.",
        "If you cannot pay in full, contact us to discuss your options.",
    ]
    for row, line in enumerate(body):
        draw.text((120, 900 + row * 55), line, font=_font(32), fill="black")
    draw.text((1200, 2080), f"{kind} {code}", font=_font(30), fill="black")
    return page


def notice_jpeg(
    code: str = "LT11", notice_date: Optional[dt.date] = None, amount: str = "6,312.45", quality: int = 85
) -> bytes:
    """A notice page as a phone-sized JPEG."""
    page = notice_page(code, notice_date or dt.date(2026, 10, 1), amount).resize((1275, 1650))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality)
    return out.getvalue()
