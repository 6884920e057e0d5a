"""Notice photos (issue 16): seconds per file and fields read right, over the generated test set.

The files come from ``tests/notice_reader/generate.py`` (rendered IRS notices as phone photos, hard
photos, scans, PDFs and HEIC, plus pictures that are not notices); each is read by the same
``read_notice`` the channels call, one at a time, on this machine.
"""
from __future__ import annotations

import statistics
import time
from typing import Any, Dict, List, Optional


def _spread(items: List[Any], limit: Optional[int]) -> List[Any]:
    """``limit`` items taken evenly across ``items`` (all of them without a limit)."""
    if not limit or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def measure_photos(limit: Optional[int] = None) -> Dict[str, Any]:
    """Read the generated set (or ``limit`` files spread across it) and summarise time and accuracy."""
    from notice_reader import read_notice
    from tests.notice_reader.generate import all_cases

    cases = _spread(all_cases(), limit)
    seconds: List[float] = []
    photo_seconds: List[float] = []
    right = {"code": 0, "notice_date": 0, "amount_due": 0}
    notices = 0
    for case in cases:
        started = time.perf_counter()
        reading = read_notice(case.data)
        elapsed = time.perf_counter() - started
        seconds.append(elapsed)
        if case.kind.startswith("photo"):
            photo_seconds.append(elapsed)
        if case.is_notice:
            notices += 1
            for name in right:
                right[name] += getattr(reading, name) == getattr(case, name)
    return {
        "files": len(cases), "notices": notices, "photos": len(photo_seconds),
        "median_s": round(statistics.median(seconds), 2) if seconds else None,
        "photo_median_s": round(statistics.median(photo_seconds), 2) if photo_seconds else None,
        "photo_max_s": round(max(photo_seconds), 2) if photo_seconds else None,
        **{f"{name}_right": round(count / notices, 4) if notices else None for name, count in right.items()},
    }
