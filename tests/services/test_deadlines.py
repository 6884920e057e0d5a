"""Deadline arithmetic: calendar days counted from the date printed on the notice."""

from __future__ import annotations

import datetime as dt

import pytest

from services.deadlines import (
    Deadline,
    DeadlineState,
    compute_deadline,
    equivalent_hearing_deadline,
)

D = dt.date
TODAY = D(2026, 11, 26)


def test_open_window() -> None:
    deadline = compute_deadline(D(2026, 11, 5), 30, TODAY)
    assert deadline == Deadline(notice_date=D(2026, 11, 5), window_days=30, deadline=D(2026, 12, 5), today=TODAY)
    assert deadline.days_left == 9
    assert deadline.state is DeadlineState.open


def test_one_day_left_is_still_open() -> None:
    deadline = compute_deadline(D(2026, 10, 28), 30, TODAY)
    assert deadline.deadline == D(2026, 11, 27)
    assert deadline.days_left == 1
    assert deadline.state is DeadlineState.open


def test_last_day() -> None:
    deadline = compute_deadline(D(2026, 10, 27), 30, TODAY)
    assert deadline.deadline == TODAY
    assert deadline.days_left == 0
    assert deadline.state is DeadlineState.last_day


def test_passed() -> None:
    deadline = compute_deadline(D(2026, 9, 26), 30, TODAY)
    assert deadline.deadline == D(2026, 10, 26)
    assert deadline.days_left == -31
    assert deadline.state is DeadlineState.passed


def test_passed_by_one_day() -> None:
    deadline = compute_deadline(D(2026, 10, 26), 30, TODAY)
    assert deadline.days_left == -1
    assert deadline.state is DeadlineState.passed


def test_notice_dated_today_is_open() -> None:
    deadline = compute_deadline(TODAY, 30, TODAY)
    assert deadline.days_left == 30
    assert deadline.state is DeadlineState.open


@pytest.mark.parametrize("notice_date", [D(2026, 11, 27), D(2027, 1, 1)])
def test_notice_date_in_the_future(notice_date: dt.date) -> None:
    deadline = compute_deadline(notice_date, 30, TODAY)
    assert deadline.state is DeadlineState.future_notice
    assert deadline.days_left > 30


def test_no_fixed_window_gives_none() -> None:
    assert compute_deadline(D(2026, 11, 5), None, TODAY) is None


def test_zero_day_window_ends_on_the_notice_date() -> None:
    deadline = compute_deadline(TODAY, 0, TODAY)
    assert deadline.deadline == TODAY
    assert deadline.state is DeadlineState.last_day


@pytest.mark.parametrize("days", [-1, -30])
def test_negative_window_raises(days: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        compute_deadline(D(2026, 11, 5), days, TODAY)


@pytest.mark.parametrize(
    "notice_date, days, expected",
    [
        (D(2024, 2, 1), 30, D(2024, 3, 2)),  # leap year: Feb has 29 days
        (D(2023, 2, 1), 30, D(2023, 3, 3)),  # common year
        (D(2024, 1, 31), 30, D(2024, 3, 1)),
        (D(2024, 2, 29), 30, D(2024, 3, 30)),
        (D(2026, 12, 15), 30, D(2027, 1, 14)),  # year end
        (D(2026, 1, 31), 30, D(2026, 3, 2)),  # month end into a short month
        (D(2026, 4, 30), 30, D(2026, 5, 30)),
        (D(2026, 9, 1), 90, D(2026, 11, 30)),
        (D(2026, 10, 15), 90, D(2027, 1, 13)),
        (D(2023, 12, 1), 90, D(2024, 2, 29)),  # 90 days landing on a leap day
        (D(2026, 11, 5), 60, D(2027, 1, 4)),
        (D(2026, 11, 5), 150, D(2027, 4, 4)),
    ],
)
def test_calendar_arithmetic(notice_date: dt.date, days: int, expected: dt.date) -> None:
    assert compute_deadline(notice_date, days, TODAY).deadline == expected


def test_90_day_window_open_and_passed() -> None:
    open_ = compute_deadline(D(2026, 10, 1), 90, TODAY)
    assert open_.deadline == D(2026, 12, 30)
    assert (open_.days_left, open_.state) == (34, DeadlineState.open)
    passed = compute_deadline(D(2026, 8, 1), 90, TODAY)
    assert passed.deadline == D(2026, 10, 30)
    assert (passed.days_left, passed.state) == (-27, DeadlineState.passed)


def test_deadline_is_frozen() -> None:
    deadline = compute_deadline(D(2026, 11, 5), 30, TODAY)
    with pytest.raises(AttributeError):
        deadline.deadline = D(2030, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    "notice_date, expected",
    [
        (D(2026, 9, 26), D(2027, 9, 26)),
        (D(2026, 12, 31), D(2027, 12, 31)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # Feb 29 falls back to Feb 28
        (D(2023, 2, 28), D(2024, 2, 28)),
        (D(2023, 3, 1), D(2024, 3, 1)),
    ],
)
def test_equivalent_hearing_deadline(notice_date: dt.date, expected: dt.date) -> None:
    assert equivalent_hearing_deadline(notice_date) == expected
