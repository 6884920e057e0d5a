"""Read the generated notice set and score it: shared by the accuracy test and ``make bench``."""

from __future__ import annotations

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


def read_all(cases: Sequence[Case]) -> List[Result]:
    """Read every case, one at a time, timing each."""
    results = []
    for case in cases:
        started = time.perf_counter()
        reading = read_notice(case.data)
        results.append(Result(case, reading, time.perf_counter() - started))
    return results


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
