"""Generate the notice-reader test set: rendered IRS notices as phone photos, scans, PDFs and HEIC
files, plus pictures that are not notices, each with the fields the reader must find.

Deterministic: the same seed gives the same files. ``python -m tests.notice_reader.generate DIR``
writes the files and an ``expected.json`` to DIR, to try ``make read-notice FILE=...`` on them.
Rendering the set takes about 40 s of one core, so :func:`all_cases` keeps it in build/ and
renders it again only when the generator, the knowledge base or the imaging libraries change.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import os
import pickle
import random
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import yaml
from PIL import Image, ImageDraw

from tests.notice_reader.photo import flat_scan, heic, pdf, phone_photo
from tests.notice_reader.render import BODY, PAGE, NoticeSpec, font, render_continuation, render_notice

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge" / "irs_knowledge.yml"
CACHE_DIR = ROOT / "build" / "notice_reader_cache"
# What the rendered files depend on besides the seed: the generator's code, the knowledge base
# (codes and titles), and the libraries that draw, distort and encode the pages.
_SOURCES = (Path(__file__), Path(__file__).with_name("render.py"), Path(__file__).with_name("photo.py"), KNOWLEDGE)
_LIBRARIES = ("pillow", "numpy", "opencv-python-headless", "opencv-python", "pillow-heif")
SEED = 1604
COUNTS = {"photo": 24, "photo_hard": 6, "scan": 8, "pdf": 3, "pdf_multi": 1, "heic": 2}


@dataclass(frozen=True)
class Case:
    """One test file and what a correct reading of it holds (all None for a non-notice)."""

    name: str
    data: bytes
    kind: str  # photo, photo_hard, scan, pdf, pdf_multi, heic, non_notice
    code: Optional[str]
    notice_date: Optional[dt.date]
    amount_due: Optional[decimal.Decimal]
    tax_years: Tuple[int, ...]
    response_date: Optional[dt.date]

    @property
    def is_notice(self) -> bool:
        """False for the receipt, text page and empty photos."""
        return self.kind != "non_notice"

    def expected(self) -> Dict[str, object]:
        """The expected fields, JSON-ready."""
        return {
            "code": self.code,
            "notice_date": self.notice_date.isoformat() if self.notice_date else None,
            "amount_due": float(self.amount_due) if self.amount_due is not None else None,
            "tax_years": list(self.tax_years),
            "response_date": self.response_date.isoformat() if self.response_date else None,
            "kind": self.kind,
        }


def knowledge_notices() -> List[Tuple[str, str]]:
    """(code as the knowledge base writes it without "Letter ", title) for every CP, LT and Letter code."""
    notices = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))["notices"]
    out = []
    for notice in notices:
        code = str(notice["code"])
        if code.startswith("Form"):
            continue  # levy forms are not laid out like notices
        out.append((code.replace("Letter ", ""), str(notice.get("title", ""))))
    return out


def make_spec(code: str, title: str, rng: random.Random, index: int) -> NoticeSpec:
    """A notice with a random date in 2025-2026, amount, tax year(s) and maybe a response date."""
    notice_date = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 690))
    has_amount = rng.random() < 0.88
    amount = decimal.Decimal(rng.randint(8_000, 4_800_000)) / 100 if has_amount else None
    first_year = notice_date.year - rng.randint(1, 4)
    years = (first_year,) if rng.random() < 0.8 else (first_year - 1, first_year)
    response = (
        notice_date + dt.timedelta(days=rng.choice([21, 30, 30, 60])) if has_amount and rng.random() < 0.6 else None
    )
    return NoticeSpec(
        code=code,
        title=title,
        notice_date=notice_date,
        amount=amount,
        tax_years=years,
        response_date=response,
        seed=rng.randint(0, 10**9),
        numeric_dates=index % 7 == 3,
        pages=rng.choice([2, 3, 4, 5]),
    )


def notice_cases(seed: int = SEED) -> List[Case]:
    """Every notice file of the set."""
    rng = random.Random(seed)
    notices = knowledge_notices()
    cases: List[Case] = []
    index = 0
    for kind, count in COUNTS.items():
        for _ in range(count):
            code, title = notices[(index * 7) % len(notices)]
            spec = make_spec(code, title, rng, index)
            index += 1
            page = render_notice(spec)
            if kind in ("photo", "photo_hard"):
                data, ext = phone_photo(page, rng, hard=kind == "photo_hard"), "jpg"
            elif kind == "scan":
                fmt = "PNG" if index % 2 else "JPEG"
                data, ext = flat_scan(page, rng, fmt=fmt), fmt.lower().replace("jpeg", "jpg")
            elif kind == "pdf":
                data, ext = pdf([page]), "pdf"
            elif kind == "pdf_multi":
                data, ext = pdf([page] + [render_continuation(spec, n) for n in range(2, spec.pages + 1)]), "pdf"
            else:
                data, ext = heic(page), "heic"
            cases.append(
                Case(
                    f"{index:02d}-{kind}-{code}.{ext}",
                    data,
                    kind,
                    code,
                    spec.notice_date,
                    spec.amount,
                    spec.tax_years,
                    spec.response_date,
                )
            )
    return cases


def non_notice_cases(seed: int = SEED) -> List[Case]:
    """A receipt (photo), a page of ordinary text (scan), a photo of a table, a dark photo, a wall."""
    rng = random.Random(seed + 1)
    receipt = _receipt(rng)
    text_page = _text_page(rng)
    empty = Image.new("RGB", PAGE, (255, 255, 255))
    blank_table = phone_photo(empty, rng)
    wall = np.full((1500, 2000, 3), (182, 170, 150), np.float32)
    wall += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 8, wall.shape)
    dark = np.random.default_rng(rng.randint(0, 2**31)).normal(30, 12, (1200, 1600, 3))
    return [
        Case("90-non_notice-receipt.jpg", phone_photo(receipt, rng), "non_notice", None, None, None, (), None),
        Case("91-non_notice-text.png", flat_scan(text_page, rng), "non_notice", None, None, None, (), None),
        Case("92-non_notice-empty-page.jpg", blank_table, "non_notice", None, None, None, (), None),
        Case("93-non_notice-wall.jpg", _jpeg(wall), "non_notice", None, None, None, (), None),
        Case("94-non_notice-dark.jpg", _jpeg(dark), "non_notice", None, None, None, (), None),
    ]


def render_cases(seed: int = SEED) -> List[Case]:
    """The whole set rendered now: notices first, then non-notices."""
    return notice_cases(seed) + non_notice_cases(seed)


def all_cases(seed: int = SEED) -> List[Case]:
    """The whole set (notices first, then non-notices), rendered once and kept in build/ (:func:`cached_cases`).

    The accuracy test reads the whole set and ``make bench`` (and its smoke test) reads a spread of
    it: the first renders it, the others load it.
    """
    return cached_cases(seed)


def fingerprint(seed: int = SEED) -> str:
    """A hash of everything the generated set depends on: same hash, same files."""
    digest = hashlib.sha256(f"seed={seed}\n".encode())
    for path in _SOURCES:
        digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\n".encode())
    return digest.hexdigest()[:16]


def cached_cases(seed: int = SEED, directory: Path = CACHE_DIR) -> List[Case]:
    """:func:`render_cases`, rendered once and kept in ``directory`` until :func:`fingerprint` changes."""
    path = directory / f"cases-{fingerprint(seed)}.pickle"
    if path.exists():
        try:
            cases = pickle.loads(path.read_bytes())
            if isinstance(cases, list) and all(isinstance(case, Case) for case in cases):
                return cases
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a damaged or foreign file: render again
    cases = render_cases(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("cases-*.pickle"):
        stale.unlink(missing_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")  # the bench's process may write it at the same time
    partial.write_bytes(pickle.dumps(cases))
    partial.replace(path)  # readers never see half a file
    return cases


def _receipt(rng: random.Random) -> Image.Image:
    page = Image.new("L", (900, 1600), 255)
    draw = ImageDraw.Draw(page)
    lines = [
        "CORNER GROCERY #118",
        "4410 MARKET ST",
        f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2026 14:32",
        "",
    ]
    total = 0.0
    for item in rng.sample(["MILK 2%", "BREAD", "EGGS DOZEN", "COFFEE", "APPLES", "RICE 5LB", "SOAP", "CHEESE"], 6):
        price = rng.randint(150, 1500) / 100
        total += price
        lines.append(f"{item:<18}{price:>8.2f}")
    lines += [
        "",
        f"{'SUBTOTAL':<18}{total:>8.2f}",
        f"{'SALES TAX':<18}{total * 0.0825:>8.2f}",
        f"{'TOTAL':<18}{total * 1.0825:>8.2f}",
        "",
        "VISA **** 4242",
        "THANK YOU FOR SHOPPING",
    ]
    for row, line in enumerate(lines):
        draw.text((80, 80 + row * 52), line, font=font(34), fill=0)
    return page


def _text_page(rng: random.Random) -> Image.Image:
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    draw.text((110, 120), "Community Garden Newsletter", font=font(44, True), fill=0)
    draw.text((110, 200), f"Spring meeting: March {rng.randint(2, 27)}, 2026", font=font(28), fill=0)
    words = " ".join(BODY).replace("tax", "plot").replace("IRS", "club").replace("irs.gov", "garden.org").split()
    rng.shuffle(words)
    y = 300
    for start in range(0, min(len(words), 200), 12):
        draw.text((110, y), " ".join(words[start : start + 12]), font=font(26), fill=0)
        y += 54
    return page


def _jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=75)
    return buffer.getvalue()


def write(directory: Path, seed: int = SEED) -> List[Case]:
    """Write every case and ``expected.json`` to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    cases = all_cases(seed)
    for case in cases:
        (directory / case.name).write_bytes(case.data)
    (directory / "expected.json").write_text(json.dumps({c.name: c.expected() for c in cases}, indent=1))
    return cases


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/notice_reader_set")
    print(f"wrote {len(write(target))} files to {target}")
