"""Run the Tesseract OCR engine (Debian's tesseract-ocr, English and Spanish data) on a page image.

Tesseract is called as a program with the image on its standard input and the result on its
standard output, so neither the picture nor the text ever touches the disk. Its TSV output gives
every word with a confidence; words are put back together into lines here.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from PIL import Image

from notice_reader.model import NoticeReadError

LANGUAGES = "eng+spa"
"""IRS notices come in English and Spanish."""
TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}
"""One thread per Tesseract run: on small machines parallel readers beat one multi-threaded reader."""


class OcrUnavailable(RuntimeError):
    """Tesseract or its language data is not installed (run scripts/bootstrap.sh)."""


@dataclass(frozen=True)
class OcrLine:
    """One line of text as Tesseract read it, with its mean word confidence (0-100) and position."""

    text: str
    confidence: float
    top: int
    left: int
    height: int


@dataclass(frozen=True)
class OcrResult:
    """All lines of one OCR pass, top to bottom."""

    lines: List[OcrLine]

    @property
    def text(self) -> str:
        """The lines joined with newlines (never log this unmasked: it holds names and numbers)."""
        return "\n".join(line.text for line in self.lines)

    @property
    def rows(self) -> List[OcrLine]:
        """Lines side by side on the page (a label and its value in another column) merged into one row.

        Tesseract often reads a two-column header ("Notice date" | "October 1, 2026") as two blocks;
        joining lines whose vertical centres match puts each label next to its value again.
        """
        rows: List[List[OcrLine]] = []
        for line in sorted(self.lines, key=lambda item: item.top + item.height / 2):
            centre = line.top + line.height / 2
            if rows:
                last = rows[-1][-1]
                if abs(centre - (last.top + last.height / 2)) < 0.5 * min(line.height, last.height):
                    rows[-1].append(line)
                    continue
            rows.append([line])
        merged = []
        for group in rows:
            group.sort(key=lambda item: item.left)
            merged.append(
                OcrLine(
                    "  ".join(item.text for item in group),
                    sum(item.confidence for item in group) / len(group),
                    min(item.top for item in group),
                    group[0].left,
                    max(item.height for item in group),
                )
            )
        return merged

    @property
    def word_count(self) -> int:
        """How many words were read."""
        return sum(len(line.text.split()) for line in self.lines)


def tesseract_path() -> str:
    """Path of the tesseract program; raises ``OcrUnavailable`` when it is not installed."""
    path = shutil.which("tesseract")
    if path is None:
        raise OcrUnavailable("tesseract is not installed; run scripts/bootstrap.sh (apt-get install tesseract-ocr)")
    return path


def run_ocr(image: Image.Image, *, psm: int = 3, timeout_s: float = 20.0, languages: str = LANGUAGES) -> OcrResult:
    """OCR ``image`` (grayscale or RGB) and return its lines.

    Args:
        image: the cleaned page.
        psm: Tesseract page segmentation mode (3: automatic layout; 6: one block; 11: sparse text).
        timeout_s: seconds before the run is stopped and ``NoticeReadError("timeout")`` raised.
        languages: Tesseract language codes joined by "+".
    """
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    command = [
        tesseract_path(),
        "stdin",
        "stdout",
        "-l",
        languages,
        "--oem",
        "1",
        "--psm",
        str(psm),
        "-c",
        "preserve_interword_spaces=0",
        "tsv",
    ]
    env = {**os.environ, **TESSERACT_ENV}
    try:
        done = subprocess.run(
            command, input=buffer.getvalue(), capture_output=True, timeout=max(timeout_s, 0.1), env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise NoticeReadError("timeout", "reading the page took too long") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace")[-300:]
        if "Failed loading language" in message or "Error opening data file" in message:
            raise OcrUnavailable(f"Tesseract language data {languages} is missing: {message.strip()}")
        raise NoticeReadError("malformed", "the page image could not be read")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> OcrResult:
    """Group Tesseract's TSV word rows into lines (by block, paragraph and line number)."""
    words: Dict[Tuple[int, int, int, int], List[Tuple[int, str, float, int, int]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        key = (int(cells[1]), int(cells[2]), int(cells[3]), int(cells[4]))
        words.setdefault(key, []).append((int(cells[6]), text, _float(cells[10]), int(cells[7]), int(cells[9])))
    lines: List[OcrLine] = []
    for key in sorted(words):
        line_words = sorted(words[key])
        confidences = [w[2] for w in line_words if w[2] >= 0]
        mean = sum(confidences) / len(confidences) if confidences else 0.0
        top = min(w[3] for w in line_words)
        bottom = max(w[3] + w[4] for w in line_words)
        lines.append(OcrLine(" ".join(w[1] for w in line_words), mean, top, line_words[0][0], bottom - top))
    return OcrResult(lines)


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return -1.0


def available_languages() -> Optional[List[str]]:
    """Languages Tesseract has data for, or None when Tesseract is missing."""
    try:
        done = subprocess.run([tesseract_path(), "--list-langs"], capture_output=True, timeout=10, check=False)
    except (OcrUnavailable, OSError, subprocess.TimeoutExpired):
        return None
    return [line.strip() for line in done.stdout.decode().splitlines()[1:] if line.strip()]
