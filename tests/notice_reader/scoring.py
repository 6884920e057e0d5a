"""Read the generated notice set and score it: shared by the accuracy test and ``make bench``."""

from __future__ import annotations

import concurrent.futures
import statistics
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from notice_reader import NoticeReading, read_notice
from tests.notice_reader.generate import Case

FIELDS = ("code", "notice_date", "amount_due")


@dataclass(frozen=True)
class Result:
    """One file of the set, what the reader made of it, and how long that took."""

    case: Case
    reading: NoticeReading
    seconds: float


def read_one(case: Case) -> Result:
    """Read one case, timing it."""
    started = time.perf_counter()
    reading = read_notice(case.data)
    return Result(case, reading, time.perf_counter() - started)


def read_all(cases: Sequence[Case], workers: int = 1) -> List[Result]:
    """Read every case, timing each, ``workers`` at a time (each reading runs its own Tesseract
    process); the results are in the order of ``cases``."""
    if workers <= 1:
        return [read_one(case) for case in cases]
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notice-set") as pool:
        return list(pool.map(read_one, cases))


def summary(results: Sequence[Result]) -> Dict[str, Optional[float]]:
    """Files, notices and photos counted; share of notices with each field right; median and slowest times."""
    notices = [r for r in results if r.case.is_notice]
    photos = [r.seconds for r in results if r.case.kind.startswith("photo")]
    shares = {
        f"{name}_right": (
            sum(getattr(r.reading, name) == getattr(r.case, name) for r in notices) / len(notices) if notices else None
        )
        for name in FIELDS
    }
    return {
        "files": len(results),
        "notices": len(notices),
        "photos": len(photos),
        "median_s": statistics.median(r.seconds for r in results) if results else None,
        "photo_median_s": statistics.median(photos) if photos else None,
        "photo_max_s": max(photos) if photos else None,
        **shares,
    }
