"""Deadline arithmetic: a response window counted from the date printed on the notice.

Pure logic: no Rasa imports. Calendar days are added with ``datetime.timedelta``, so month ends
and leap years are handled by the standard library, not by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Optional


class DeadlineState(str, Enum):
    """Where today falls against the deadline."""

    open = "open"
    last_day = "last_day"
    passed = "passed"
    future_notice = "future_notice"  # the date given is after today: probably a typo


@dataclass(frozen=True)
class Deadline:
    """The outcome of counting a window from a notice date."""

    notice_date: dt.date
    window_days: int
    deadline: dt.date
    today: dt.date

    @property
    def days_left(self) -> int:
        """Days from today to the deadline; negative once it has passed."""
        return (self.deadline - self.today).days

    @property
    def state(self) -> DeadlineState:
        """Open, last day, passed, or a notice date in the future."""
        if self.notice_date > self.today:
            return DeadlineState.future_notice
        if self.days_left > 0:
            return DeadlineState.open
        if self.days_left == 0:
            return DeadlineState.last_day
        return DeadlineState.passed


def compute_deadline(notice_date: dt.date, window_days: Optional[int], today: dt.date) -> Optional[Deadline]:
    """Count ``window_days`` calendar days from ``notice_date``.

    Returns None when the notice has no fixed window (the user must use the date printed on it).
    """
    if window_days is None:
        return None
    if window_days < 0:
        raise ValueError("window_days must not be negative")
    return Deadline(
        notice_date=notice_date,
        window_days=window_days,
        deadline=notice_date + dt.timedelta(days=window_days),
        today=today,
    )


def equivalent_hearing_deadline(notice_date: dt.date) -> dt.date:
    """One year after the date of a final notice with hearing rights (Feb 29 falls back to Feb 28)."""
    try:
        return notice_date.replace(year=notice_date.year + 1)
    except ValueError:
        return notice_date.replace(year=notice_date.year + 1, day=28)
