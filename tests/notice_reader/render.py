"""Render notice pages in the IRS layout with Pillow and the DejaVu fonts (fonts-dejavu-core).

No real taxpayer data: names, addresses and numbers are made up from the case's seed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAGE = (1700, 2200)  # US letter at 200 dpi
NAMES = ["JANE Q TAXPAYER", "JOHN A SAMPLE", "MARIA L GARCIA", "ROBERT T NGUYEN", "ALEX B JOHNSON"]
STREETS = ["100 MAIN ST", "2450 OAK AVE APT 3", "77 RIVER RD", "1900 W ELM BLVD", "5 LAKE VIEW CT"]
CITIES = ["AUSTIN TX 78701", "DAYTON OH 45402", "FRESNO CA 93721", "TAMPA FL 33602", "BOISE ID 83702"]
BODY = [
    "Our records show you have an unpaid balance on your account for the tax year shown above.",
    "If you already paid the amount due, or made a payment plan with us, please disregard this notice.",
    "Interest and penalties continue to increase until you pay the full amount you owe.",
    "If you cannot pay in full, you may qualify for a payment plan. Visit irs.gov/payments to apply.",
    "If you disagree with the amount, call us at the number listed above and have this notice with you.",
    "You have rights as a taxpayer. For more information see Publication 1, Your Rights as a Taxpayer.",
    "To avoid more collection actions, send us your payment or contact us by the date shown.",
    "We may file a Notice of Federal Tax Lien if you do not pay the amount you owe.",
]


@dataclass(frozen=True)
class NoticeSpec:
    """What one rendered notice says (and so what the reader must find)."""

    code: str  # as the knowledge base writes it: "CP504", "LT11", "1058"
    title: str
    notice_date: dt.date
    amount: Optional[decimal.Decimal]
    tax_years: Tuple[int, ...]
    response_date: Optional[dt.date]
    seed: int
    numeric_dates: bool = False  # "Date: 10/01/2026" instead of "Notice date October 1, 2026"
    pages: int = 4

    @property
    def is_letter(self) -> bool:
        """Letters (1058, 3172, LT11 ...) label their block "Letter" instead of "Notice"."""
        return self.code[:1].isdigit() or self.code.startswith("LT")


@lru_cache(maxsize=16)
def font(size: int, bold: bool = False, serif: bool = False) -> ImageFont.FreeTypeFont:
    """A DejaVu font at ``size`` pixels."""
    name = ("DejaVuSerif" if serif else "DejaVuSans") + ("-Bold" if bold else "") + ".ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def long_date(date: dt.date) -> str:
    """ "October 1, 2026"."""
    return f"{date:%B} {date.day}, {date.year}"


def money(amount: decimal.Decimal) -> str:
    """ "$6,312.45"."""
    return f"${amount:,.2f}"


def render_notice(spec: NoticeSpec) -> Image.Image:
    """The first page of ``spec``'s notice: header, top-right block, address, amount box, body, footer."""
    rng = random.Random(spec.seed)
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    serif = rng.random() < 0.3
    draw.text((110, 100), "Department of the Treasury", font=font(30, True, serif), fill=0)
    draw.text((110, 142), "Internal Revenue Service", font=font(30, False, serif), fill=0)
    draw.text(
        (110, 184),
        rng.choice(["Kansas City, MO 64999-0010", "Austin, TX 73301-0023", "Ogden, UT 84201-0039"]),
        font=font(26),
        fill=0,
    )
    _top_right_block(draw, spec, rng)
    draw.text((110, 430), rng.choice(NAMES), font=font(28), fill=0)
    draw.text((110, 468), rng.choice(STREETS), font=font(28), fill=0)
    draw.text((110, 506), rng.choice(CITIES), font=font(28), fill=0)
    y = _title_and_amount(draw, spec, rng)
    y = _body(draw, spec, rng, y)
    kind = "Letter" if spec.is_letter else "Notice"
    footer = f"{kind} {spec.code} (Rev. {rng.randint(1, 12)}-{rng.randint(2018, 2025)})"
    draw.text((110, 2090), footer, font=font(22), fill=0)
    draw.text((1380, 2090), f"Page 1 of {spec.pages}", font=font(22), fill=0)
    return page


def render_continuation(spec: NoticeSpec, number: int) -> Image.Image:
    """A later page: more body text and the same footer, no fields."""
    rng = random.Random(spec.seed * 31 + number)
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    y = 160
    for _ in range(18):
        draw.text((110, y), rng.choice(BODY), font=font(26), fill=0)
        y += 60
    draw.text((1380, 2090), f"Page {number} of {spec.pages}", font=font(22), fill=0)
    return page


def _top_right_block(draw: ImageDraw.ImageDraw, spec: NoticeSpec, rng: random.Random) -> None:
    kind = "Letter" if spec.is_letter else "Notice"
    years = ", ".join(str(y) for y in spec.tax_years)
    rows: List[Tuple[str, str]] = [(kind, spec.code)]
    if spec.numeric_dates:
        rows.append(("Tax period", f"12/31/{spec.tax_years[0]}"))
        rows.append(("Date:", f"{spec.notice_date:%m/%d/%Y}"))
    else:
        rows.append(("Tax year" + ("s" if len(spec.tax_years) > 1 else ""), years))
        rows.append((f"{kind} date", long_date(spec.notice_date)))
    rows.append(("Social Security number", f"nnn-nn-{rng.randint(1000, 9999)}"))
    rows.append(("To contact us", "Phone 800-829-" + str(rng.randint(1000, 9999))))
    rows.append(("Page 1 of " + str(spec.pages), ""))
    x_label, x_value, y = 1000, 1330, 100
    for label, value in rows:
        draw.text((x_label, y), label, font=font(24), fill=0)
        if value:
            draw.text((x_value, y), value, font=font(24, bold=label in ("Notice", "Letter")), fill=0)
        y += 40


def _title_and_amount(draw: ImageDraw.ImageDraw, spec: NoticeSpec, rng: random.Random) -> int:
    words = spec.title.split()
    while len(words) > 2 and draw.textlength(" ".join(words), font=font(36, True)) > 850:
        words.pop()  # keep the title clear of the amount box
    draw.text((110, 640), " ".join(words).rstrip("(,:;-"), font=font(36, True), fill=0)
    if spec.amount is None:
        return 720
    label = rng.choice(["Amount due", "Amount due", "Amount due immediately", "Total amount due", "You owe"])
    box = (1000, 560, 1590, 740 if spec.response_date else 660)
    draw.rectangle(box, outline=0, width=3)
    draw.text((1025, 580), f"{label}:", font=font(28, True), fill=0)
    draw.text(
        (1025 + draw.textlength(f"{label}: ", font=font(28, True)), 580),
        money(spec.amount),
        font=font(28, True),
        fill=0,
    )
    if spec.response_date:
        phrase = rng.choice(["Pay by", "Respond by", "Reply by"])
        draw.text((1025, 660), f"{phrase} {long_date(spec.response_date)}", font=font(26), fill=0)
    draw.text((110, 720), f"You owe {money(spec.amount)} on your tax account.", font=font(28), fill=0)
    return 790


def _body(draw: ImageDraw.ImageDraw, spec: NoticeSpec, rng: random.Random, y: int) -> int:
    for line in rng.sample(BODY, 5):
        draw.text((110, y), line, font=font(26), fill=0)
        y += 56
    if spec.amount is not None:
        owed = (spec.amount * decimal.Decimal("0.82")).quantize(decimal.Decimal("0.01"))
        penalty = (spec.amount * decimal.Decimal("0.11")).quantize(decimal.Decimal("0.01"))
        interest = spec.amount - owed - penalty
        y += 30
        draw.text((110, y), "Billing Summary", font=font(30, True), fill=0)
        y += 60
        for label, value in (
            ("Amount you owed", owed),
            ("Failure-to-pay penalty", penalty),
            ("Interest charges", interest),
            ("Amount due", spec.amount),
        ):
            draw.text((110, y), label, font=font(26), fill=0)
            draw.text((1300, y), money(value), font=font(26), fill=0)
            y += 50
    return y
