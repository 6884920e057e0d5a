"""List knowledge entries and figures that are due for review.

An entry (notice or topic) is due when its ``last_checked`` date is older than the review period.
A figure is due for the same reason, or when its ``valid_until`` date has passed (a newer amount
or rate should exist by then). The desk's admin page shows the same list.

Usage::

    python -m knowledge.stale --days 180      # exit code 1 when something is due
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from knowledge.loader import DEFAULT_PATH, Knowledge, load_figures_for, load_knowledge

DEFAULT_REVIEW_DAYS = 180


@dataclass(frozen=True)
class DueItem:
    """One entry or figure that needs another look."""

    kind: str  # "notice", "topic" or "figure"
    name: str
    last_checked: dt.date
    reason: str
    source_url: str


def due_items(
    today: dt.date, days: int = DEFAULT_REVIEW_DAYS, path: Path = DEFAULT_PATH, knowledge: Optional[Knowledge] = None
) -> List[DueItem]:
    """Everything older than ``days`` on ``today``, plus figures past their ``valid_until``.

    Args:
        today: the review date.
        days: the review period in days (0 lists everything not checked today).
        path: the main knowledge file (its supplementary notices and figures come along).
        knowledge: an already loaded base, to avoid reading the files again.

    Raises:
        ValueError: when ``days`` is negative.
    """
    if days < 0:
        raise ValueError("the review period cannot be negative")
    base = knowledge or load_knowledge(path)
    cutoff = today - dt.timedelta(days=days)
    items: List[DueItem] = []

    def age(checked: dt.date) -> str:
        return f"checked {(today - checked).days} days ago"

    for notice in base.notices:
        if notice.last_checked < cutoff:
            items.append(
                DueItem("notice", notice.code, notice.last_checked, age(notice.last_checked), notice.source_url)
            )
    for topic in base.topics:
        if topic.last_checked < cutoff:
            items.append(DueItem("topic", topic.id, topic.last_checked, age(topic.last_checked), topic.source_url))
    for name, figure in load_figures_for(path).figures.items():
        reasons = []
        if figure.valid_until is not None and figure.valid_until < today:
            reasons.append(f"applies to {figure.applies_to}, superseded after {figure.valid_until}")
        if figure.last_checked < cutoff:
            reasons.append(age(figure.last_checked))
        if reasons:
            items.append(DueItem("figure", name, figure.last_checked, "; ".join(reasons), figure.source_url))
    return sorted(items, key=lambda item: (item.last_checked, item.kind, item.name))


def format_items(items: Sequence[DueItem]) -> str:
    """A plain-text table, one line per item."""
    if not items:
        return "Nothing is due for review."
    lines = [f"{len(items)} item(s) due for review:"]
    lines += [f"  {i.kind:<7} {i.name:<28} {i.last_checked}  {i.reason}  {i.source_url}" for i in items]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print what is due; exit 1 when anything is, 0 when nothing is, 2 on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days", type=int, default=DEFAULT_REVIEW_DAYS, help=f"review period in days (default {DEFAULT_REVIEW_DAYS})"
    )
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=dt.date.today(), help="review date, YYYY-MM-DD (default: today)"
    )
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="main knowledge file")
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days cannot be negative")
    items = due_items(args.today, args.days, args.path)
    print(format_items(items))
    return 1 if items else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
