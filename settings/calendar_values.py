"""The firm's business calendar as the settings give it: BUSINESS_DAYS, BUSINESS_HOURS and BUSINESS_HOLIDAYS.

Each reader turns one setting's text into typed values or raises ``ValueError`` with a message that names
the setting, so a bad value fails when the settings load. services.business_hours builds on them.
"""

from __future__ import annotations

import datetime as dt
from typing import FrozenSet, Iterable, List, Tuple

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def read_days(text: str) -> FrozenSet[int]:
    """The working weekdays (0 = Monday) of "mon,tue,wed", "monday", "mon-fri" or "fri-mon" (wrapping)."""
    days = frozenset(index for item in _split(text) for index in _day_range(item))
    if not days:
        raise ValueError("BUSINESS_DAYS names no day")
    return days


def read_hours(text: str) -> Tuple[dt.time, dt.time]:
    """The daily opening and closing times of "09:00-18:00"; "24:00" closes at midnight (the whole day is open)."""
    try:
        start_text, end_text = text.split("-")
        opens = dt.time.fromisoformat(start_text.strip())
        closes = dt.time.max if end_text.strip() == "24:00" else dt.time.fromisoformat(end_text.strip())
    except ValueError as exc:
        raise ValueError(f"BUSINESS_HOURS must look like 09:00-18:00, not {text!r}") from exc
    if opens >= closes:
        raise ValueError("BUSINESS_HOURS must open before it closes")
    return opens, closes


def read_holidays(text: str) -> FrozenSet[dt.date]:
    """The holiday dates of "2026-11-26,2026-12-25" (empty text: none)."""
    try:
        return frozenset(dt.date.fromisoformat(item) for item in _split(text))
    except ValueError as exc:
        raise ValueError(f"BUSINESS_HOLIDAYS must be ISO dates (2026-12-25), not {text!r}") from exc


def _split(text: str) -> List[str]:
    return [item.strip().lower() for item in text.split(",") if item.strip()]


def _day_index(name: str) -> int:
    name = name.strip()
    for index, short in enumerate(DAY_NAMES):
        if name == short or name == FULL_DAY_NAMES[index]:
            return index
    raise ValueError(f"unknown day {name!r} in BUSINESS_DAYS (use mon, tue, … sun, or ranges like mon-fri)")


def _day_range(item: str) -> Iterable[int]:
    """One day ("mon") or a range ("mon-fri", "fri-mon" wraps around the week)."""
    if "-" not in item:
        return [_day_index(item)]
    first, last = (_day_index(part) for part in item.split("-", 1))
    return [(first + step) % 7 for step in range((last - first) % 7 + 1)]
