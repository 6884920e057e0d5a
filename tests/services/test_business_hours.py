"""Business hours: open or not, the next opening, and how it reads; weekends, holidays and DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from services.business_hours import BusinessHours, describe_opening

NY = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
WEEKDAYS = "mon,tue,wed,thu,fri"
# Thanksgiving, the day after, and Christmas.
HOLIDAYS = "2026-11-26, 2026-11-27,2026-12-25"
HOURS = BusinessHours.parse(WEEKDAYS, "09:00-18:00", "America/New_York", HOLIDAYS)
# Open on Sunday nights only, across the DST changes (2026-03-08 and 2026-11-01, both Sundays).
SUNDAY_NIGHT = BusinessHours.parse("sun", "01:00-04:00", "America/New_York")


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_parse() -> None:
    hours = BusinessHours.parse(" Monday, TUE ,wed,", " 08:30 - 17:00 ", "America/Chicago", "2026-12-25,")
    assert hours == BusinessHours(
        frozenset({0, 1, 2}),
        dt.time(8, 30),
        dt.time(17),
        ZoneInfo("America/Chicago"),
        frozenset({dt.date(2026, 12, 25)}),
    )
    assert HOURS.holidays == frozenset({dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 12, 25)})
    assert BusinessHours.parse("sun", "00:00-23:59", "UTC").holidays == frozenset()


@pytest.mark.parametrize(
    "days, hours, holidays, message",
    [
        ("", "09:00-18:00", "", "BUSINESS_DAYS names no day"),
        (" , ", "09:00-18:00", "", "BUSINESS_DAYS names no day"),
        ("mon,funday", "09:00-18:00", "", "unknown day 'funday'"),
        ("mo,tu", "09:00-18:00", "", "unknown day 'mo'"),
        ("mon", "9-18", "", "BUSINESS_HOURS must look like 09:00-18:00"),
        ("mon", "9:00-18:00", "", "BUSINESS_HOURS must look like 09:00-18:00"),
        ("mon", "09:00", "", "BUSINESS_HOURS must look like 09:00-18:00"),
        ("mon", "09:00-12:00-18:00", "", "BUSINESS_HOURS must look like 09:00-18:00"),
        ("mon", "nine to five", "", "BUSINESS_HOURS must look like 09:00-18:00"),
        ("mon", "18:00-09:00", "", "BUSINESS_HOURS must open before it closes"),
        ("mon", "09:00-09:00", "", "BUSINESS_HOURS must open before it closes"),
        ("mon", "09:00-18:00", "12/25/2026", "BUSINESS_HOLIDAYS must be ISO dates"),
        ("mon", "09:00-18:00", "2026-12-25,2026-13-01", "BUSINESS_HOLIDAYS must be ISO dates"),
        ("mon", "09:00-18:00", "christmas", "BUSINESS_HOLIDAYS must be ISO dates"),
    ],
)
def test_bad_configuration_is_refused(days: str, hours: str, holidays: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessHours.parse(days, hours, "America/New_York", holidays)


@pytest.mark.parametrize(
    "now, is_open",
    [
        (ny(2026, 11, 30, 9, 0), True),  # Monday, opening minute
        (ny(2026, 11, 30, 8, 59, 59), False),
        (ny(2026, 11, 30, 17, 59, 59), True),
        (ny(2026, 11, 30, 18, 0), False),  # closing time is not open
        (ny(2026, 11, 28, 12, 0), False),  # Saturday
        (ny(2026, 11, 29, 12, 0), False),  # Sunday
        (ny(2026, 11, 26, 12, 0), False),  # Thanksgiving, a Thursday holiday
        (ny(2026, 11, 27, 12, 0), False),  # the day after, a holiday
        (ny(2026, 11, 25, 12, 0), True),  # the Wednesday before
        (utc(2026, 11, 30, 14, 0), True),  # 9:00 EST
        (utc(2026, 11, 30, 13, 59), False),  # 8:59 EST
        (utc(2026, 12, 1, 0, 30), False),  # Tuesday in UTC, still Monday 19:30 in New York
        (utc(2026, 12, 1, 22, 59), True),  # 17:59 EST on Tuesday
        (utc(2026, 7, 1, 13, 0), True),  # 9:00 EDT (summer time)
        (utc(2026, 7, 1, 22, 0), False),  # 18:00 EDT
        (dt.datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")), False),  # Sunday 22:00 in New York
    ],
)
def test_is_open(now: dt.datetime, is_open: bool) -> None:
    assert HOURS.is_open(now) is is_open


@pytest.mark.parametrize(
    "now, opening, described",
    [
        # Before opening on a working day: later today.
        (ny(2026, 11, 30, 7, 15), ny(2026, 11, 30, 9, 0), "today at 9:00 AM EST"),
        # After closing: the next working day.
        (ny(2026, 11, 30, 18, 0), ny(2026, 12, 1, 9, 0), "tomorrow at 9:00 AM EST"),
        (ny(2026, 12, 1, 23, 59), ny(2026, 12, 2, 9, 0), "tomorrow at 9:00 AM EST"),
        # Friday evening and the weekend: Monday.
        (ny(2026, 12, 4, 18, 30), ny(2026, 12, 7, 9, 0), "Monday, December 7 at 9:00 AM EST"),
        (ny(2026, 12, 5, 10, 0), ny(2026, 12, 7, 9, 0), "Monday, December 7 at 9:00 AM EST"),
        (ny(2026, 12, 6, 23, 0), ny(2026, 12, 7, 9, 0), "tomorrow at 9:00 AM EST"),
        # Holidays: Wednesday evening before Thanksgiving, and Thanksgiving itself, open on Monday.
        (ny(2026, 11, 25, 19, 0), ny(2026, 11, 30, 9, 0), "Monday, November 30 at 9:00 AM EST"),
        (ny(2026, 11, 26, 8, 0), ny(2026, 11, 30, 9, 0), "Monday, November 30 at 9:00 AM EST"),
        (ny(2026, 12, 24, 18, 0), ny(2026, 12, 28, 9, 0), "Monday, December 28 at 9:00 AM EST"),
        # Given in UTC, described in New York time: Monday 00:30 UTC is Sunday 19:30 EST.
        (utc(2026, 11, 30, 0, 30), ny(2026, 11, 30, 9, 0), "tomorrow at 9:00 AM EST"),
        # Across the DST changes: the opening keeps its wall time, with the new offset.
        (ny(2026, 3, 6, 18, 30), ny(2026, 3, 9, 9, 0), "Monday, March 9 at 9:00 AM EDT"),
        (ny(2026, 10, 30, 18, 30), ny(2026, 11, 2, 9, 0), "Monday, November 2 at 9:00 AM EST"),
    ],
)
def test_next_opening_when_closed(now: dt.datetime, opening: dt.datetime, described: str) -> None:
    found = HOURS.next_opening(now)
    assert found == opening
    assert found.utcoffset() == opening.utcoffset()
    assert describe_opening(found, now) == described


def test_next_opening_when_open_is_now() -> None:
    now = ny(2026, 11, 30, 10, 0)
    assert HOURS.next_opening(now) is now


@pytest.mark.parametrize(
    "now, is_open, opening",
    [
        # Spring forward, 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        (utc(2026, 3, 8, 5, 59), False, utc(2026, 3, 8, 6, 0)),  # 00:59 EST
        (utc(2026, 3, 8, 6, 30), True, None),  # 01:30 EST
        (utc(2026, 3, 8, 7, 0), True, None),  # 03:00 EDT, one real hour after 02:00 EST
        (utc(2026, 3, 8, 7, 59), True, None),  # 03:59 EDT
        (utc(2026, 3, 8, 8, 0), False, utc(2026, 3, 15, 5, 0)),  # 04:00 EDT: next Sunday 01:00 EDT
        # Fall back, 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:xx happens twice.
        (utc(2026, 11, 1, 4, 59), False, utc(2026, 11, 1, 5, 0)),  # 00:59 EDT
        (utc(2026, 11, 1, 5, 30), True, None),  # 01:30 EDT
        (utc(2026, 11, 1, 6, 30), True, None),  # 01:30 EST, the second time
        (utc(2026, 11, 1, 8, 59), True, None),  # 03:59 EST
        (utc(2026, 11, 1, 9, 0), False, utc(2026, 11, 8, 6, 0)),  # 04:00 EST: next Sunday 01:00 EST
    ],
)
def test_dst_change_days(now: dt.datetime, is_open: bool, opening: dt.datetime) -> None:
    assert SUNDAY_NIGHT.is_open(now) is is_open
    # Compared in UTC: an ambiguous or skipped wall time never equals a time in another zone (PEP 495).
    assert SUNDAY_NIGHT.next_opening(now).astimezone(UTC) == (opening or now)


def test_opening_in_the_skipped_hour_is_the_first_real_minute_after_it() -> None:
    # 02:30 does not exist on 2026-03-08; the opening falls on the instant the clocks show 03:30 EDT.
    hours = BusinessHours.parse("sun", "02:30-05:00", "America/New_York")
    opening = hours.next_opening(utc(2026, 3, 8, 6, 0))  # 01:00 EST
    assert opening.astimezone(UTC) == utc(2026, 3, 8, 7, 30)
    assert hours.is_open(opening)
    assert not hours.is_open(opening - dt.timedelta(minutes=1))  # 01:59 EST


def test_a_calendar_without_working_days_is_a_configuration_error() -> None:
    every_day = ",".join(str(dt.date(2026, 1, 1) + dt.timedelta(days=n)) for n in range(0, 800, 7))
    hours = BusinessHours.parse("thu", "09:00-18:00", "America/New_York", every_day)  # every Thursday
    with pytest.raises(ValueError, match="no working day within a year"):
        hours.next_opening(ny(2026, 1, 2, 12, 0))


@pytest.mark.parametrize(
    "opening, now, described",
    [
        (ny(2026, 11, 30, 9, 0), ny(2026, 11, 30, 8, 0), "today at 9:00 AM EST"),
        (ny(2026, 11, 30, 13, 30), ny(2026, 11, 29, 23, 0), "tomorrow at 1:30 PM EST"),
        (ny(2026, 12, 2, 9, 0), ny(2026, 11, 30, 20, 0), "Wednesday, December 2 at 9:00 AM EST"),
        (ny(2026, 7, 6, 10, 0), ny(2026, 7, 3, 19, 0), "Monday, July 6 at 10:00 AM EDT"),
        # "today" and "tomorrow" are counted in the opening's time zone, not in ``now``'s.
        (ny(2026, 11, 30, 9, 0), utc(2026, 11, 30, 3, 0), "tomorrow at 9:00 AM EST"),
        (ny(2026, 11, 30, 9, 0), utc(2026, 11, 30, 5, 0), "today at 9:00 AM EST"),
        (
            dt.datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
            ny(2026, 11, 29, 20, 0),
            "tomorrow at 9:00 AM PST",
        ),
    ],
)
def test_describe_opening(opening: dt.datetime, now: dt.datetime, described: str) -> None:
    assert describe_opening(opening, now) == described


@pytest.mark.parametrize("days", ["mon-fri", "monday through friday"])
def test_a_day_range_is_refused_or_read_in_full(days: str) -> None:
    try:
        hours = BusinessHours.parse(days, "09:00-18:00", "America/New_York")
    except ValueError:
        return
    assert hours.days == frozenset(range(5))


def test_closing_at_24_00_keeps_the_whole_day_open() -> None:
    hours = BusinessHours.parse("mon-sun", "00:00-24:00", "America/New_York")
    zone = ZoneInfo("America/New_York")
    assert hours.is_open(dt.datetime(2026, 11, 26, 23, 59, 59, tzinfo=zone))
    assert hours.is_open(dt.datetime(2026, 11, 27, 0, 0, tzinfo=zone))
