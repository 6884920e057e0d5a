"""Notice photos: seconds per file and fields read right, over the generated test set.

The files come from ``tests/notice_reader/generate.py`` (rendered IRS notices as phone photos, hard
photos, scans, PDFs and HEIC, plus pictures that are not notices); each is read by the same
``read_notice`` the channels call, one at a time, on this machine, and scored as the accuracy test
scores it (``tests/notice_reader/scoring.py``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional


def _spread(items: List[Any], limit: Optional[int]) -> List[Any]:
    """``limit`` items taken evenly across ``items`` (all of them without a limit)."""
    if not limit or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def measure_photos(limit: Optional[int] = None) -> Dict[str, Any]:
    """Read the generated set (or ``limit`` files spread across it) and summarise time and accuracy."""
    from tests.notice_reader.generate import all_cases
    from tests.notice_reader.scoring import read_all, summary

    scores = summary(read_all(_spread(all_cases(), limit)))
    return {
        name: round(value, 2 if name.endswith("_s") else 4) if isinstance(value, float) else value
        for name, value in scores.items()
    }
