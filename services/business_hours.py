"""Business hours: whether a pro is on duty now, and when the next working period starts.

Pure logic, no Rasa imports. Configured with day names, an HH:MM-HH:MM range, a time zone and a
list of holiday dates, all from the environment (see Settings; settings.calendar_values reads the text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import FrozenSet
from zoneinfo import ZoneInfo

from settings.calendar_values import read_days, read_holidays, read_hours

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
        day_set = read_days(days)
        opens, closes = read_hours(hours)
        return cls(day_set, opens, closes, ZoneInfo(zone), read_holidays(holidays))

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


def _at(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone)
