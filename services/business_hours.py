"""Business hours: whether a pro is on duty now, and when the next working period starts.

Pure logic, no Rasa imports. Configured with day names, an HH:MM-HH:MM range, a time zone and a
list of holiday dates, all from the environment (see Settings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import FrozenSet, Iterable
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_DAYS_AHEAD = 400  # a calendar with no working day at all within a year is a configuration error


@dataclass(frozen=True)
class BusinessHours:
    """Opening days (0 = Monday), daily opening and closing times, a time zone and holidays."""

    days: FrozenSet[int]
    opens: dt.time
    closes: dt.time
    zone: ZoneInfo
    holidays: FrozenSet[dt.date] = frozenset()

    @classmethod
    def parse(cls, days: str, hours: str, zone: str, holidays: str = "") -> BusinessHours:
        """Build from settings text, e.g. ("mon,tue,wed,thu,fri", "09:00-18:00", "America/New_York")."""
        day_set = frozenset(index for item in _split(days) for index in _day_range(item))
        if not day_set:
            raise ValueError("BUSINESS_DAYS names no day")
        try:
            start_text, end_text = hours.split("-")
            opens = dt.time.fromisoformat(start_text.strip())
            # "24:00" closes at midnight: the whole day is open.
            closes = dt.time.max if end_text.strip() == "24:00" else dt.time.fromisoformat(end_text.strip())
        except ValueError as exc:
            raise ValueError(f"BUSINESS_HOURS must look like 09:00-18:00, not {hours!r}") from exc
        if opens >= closes:
            raise ValueError("BUSINESS_HOURS must open before it closes")
        try:
            holiday_set = frozenset(dt.date.fromisoformat(item) for item in _split(holidays))
        except ValueError as exc:
            raise ValueError(f"BUSINESS_HOLIDAYS must be ISO dates (2026-12-25), not {holidays!r}") from exc
        return cls(day_set, opens, closes, ZoneInfo(zone), holiday_set)

    def _working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def is_open(self, now: dt.datetime) -> bool:
        """Whether ``now`` (timezone-aware) falls within business hours."""
        local = now.astimezone(self.zone)
        return self._working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """When the next working period starts after ``now`` (``now`` itself when open)."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.zone)
        day = local.date()
        if self._working_day(day) and local.time() < self.opens:
            return _at(day, self.opens, self.zone)
        for _ in range(MAX_DAYS_AHEAD):
            day += dt.timedelta(days=1)
            if self._working_day(day):
                return _at(day, self.opens, self.zone)
        raise ValueError("no working day within a year: check BUSINESS_DAYS and BUSINESS_HOLIDAYS")


def describe_opening(opening: dt.datetime, now: dt.datetime) -> str:
    """Say when ``opening`` is, relative to ``now``, in the opening's time zone ("tomorrow at 9:00 AM EST")."""
    local_now = now.astimezone(opening.tzinfo)
    days = (opening.date() - local_now.date()).days
    clock = opening.strftime("%I:%M %p").lstrip("0")
    zone = opening.tzname() or ""
    if days == 0:
        when = "today"
    elif days == 1:
        when = "tomorrow"
    else:
        when = opening.strftime("%A, %B ") + str(opening.day)
    return f"{when} at {clock} {zone}".strip()


def _split(text: str) -> Iterable[str]:
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


def _at(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone)
