"""Finding the date printed on a notice in what the user wrote."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pytest

from services.dates import find_notice_date, long_date, parse_iso

D = dt.date
TODAY = D(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dated Nov 3", D(2026, 11, 3)),
        ("the notice is dated November 3", D(2026, 11, 3)),
        ("10/15/2026", D(2026, 10, 15)),
        ("it says 2026-10-15 at the top", D(2026, 10, 15)),
        ("2026-10-15", D(2026, 10, 15)),
        ("dated 11/3", D(2026, 11, 3)),  # month first (US)
        ("on 3/4", D(2026, 3, 4)),  # March 4, not April 3
        ("last Monday", D(2026, 11, 23)),
        ("3 weeks ago", D(2026, 11, 5)),
        ("three weeks ago", D(2026, 11, 5)),
        ("yesterday", D(2026, 11, 25)),
        ("fecha 3 de noviembre", D(2026, 11, 3)),
        ("Dec 20", D(2025, 12, 20)),  # past preferred
        ("dated december 1", D(2025, 12, 1)),
        ("the letter is from October 1, 2026", D(2026, 10, 1)),
        ("it came last week dated oct 30th", D(2026, 10, 30)),  # the cued date wins
        ("dated two months ago", D(2026, 9, 26)),
    ],
)
def test_find_notice_date(text: str, expected: dt.date) -> None:
    assert find_notice_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the response date is 3 weeks out",
        "I have 2 months left to answer",
        "the hearing is a week away",
        "vence en 3 semanas mas",
        # the date of something else
        "Under contract to sell my house, closing is dec 20. title company found a lien",
        "cp14 says pay by dec 15",
        "my flight is jan 5, can they take my passport",
        "el pago vence el 10 de diciembre",
    ],
)
def test_a_time_still_ahead_or_another_events_date_is_no_notice_date(text: str) -> None:
    assert find_notice_date(text, TODAY) is None


def test_the_notice_date_beside_another_date_is_read() -> None:
    assert find_notice_date("my flight is jan 5 and I got a CP508C dated nov 2", TODAY) == D(2026, 11, 2)


def test_a_bare_time_behind_is_still_read() -> None:
    assert find_notice_date("it came 3 weeks back", TODAY) == D(2026, 11, 5)


def test_relative_dates_follow_today() -> None:
    other_today = D(2026, 3, 10)
    assert find_notice_date("3 weeks ago", other_today) == D(2026, 2, 17)
    assert find_notice_date("yesterday", other_today) == D(2026, 3, 9)


def test_code_span_is_ignored() -> None:
    text = "I got an LT11 dated three weeks ago"
    start = text.index("LT11")
    assert find_notice_date(text, TODAY, [(start, start + 4)]) == D(2026, 11, 5)


def test_cp2000_span_is_not_a_year() -> None:
    assert find_notice_date("CP 2000", TODAY, [(0, 7)]) is None


def test_cp2000_span_ignored_but_real_date_found() -> None:
    text = "my CP 2000 is dated Oct 2"
    start = text.index("CP 2000")
    assert find_notice_date(text, TODAY, [(start, start + 7)]) == D(2026, 10, 2)


def _spans(text: str, *codes: str):
    return [(text.index(c), text.index(c) + len(c)) for c in codes]


@pytest.mark.parametrize(
    "text, codes",
    [("I got a CP14 and an LT11", ("CP14", "LT11")), ("I have an LT11 and a CP504", ("LT11", "CP504"))],
)
def test_blanked_codes_between_articles_are_no_date(text: str, codes) -> None:
    assert find_notice_date(text, TODAY, _spans(text, *codes)) is None


def test_blanked_code_before_weekday() -> None:
    text = "I got a CP 2000 on monday"
    assert find_notice_date(text, TODAY, _spans(text, "CP 2000")) == D(2026, 11, 23)


def test_blanking_a_span_really_hides_it() -> None:
    text = "dated Nov 3"
    assert find_notice_date(text, TODAY, [(0, len(text))]) is None


def test_spans_outside_the_text_are_harmless() -> None:
    assert find_notice_date("dated Nov 3", TODAY, [(-5, 0), (50, 60)]) == D(2026, 11, 3)
    assert find_notice_date("xxxxx dated Nov 3", TODAY, [(0, 5), (40, 60)]) == D(2026, 11, 3)


@pytest.mark.parametrize("text", ["I owe 504 dollars", "", "   ", "hello", "504", "I got a notice today", "what now"])
def test_no_date(text: str) -> None:
    assert find_notice_date(text, TODAY) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-03", D(2026, 11, 3)),
        ("2024-02-29", D(2024, 2, 29)),
        (None, None),
        ("", None),
        ("11/03/2026", None),
        ("2023-02-29", None),
        ("yesterday", None),
    ],
)
def test_parse_iso(value: Optional[str], expected: Optional[dt.date]) -> None:
    assert parse_iso(value) == expected


@pytest.mark.parametrize(
    "day, text",
    [
        (D(2026, 11, 3), "Tuesday, November 3, 2026"),
        (D(2026, 11, 26), "Thursday, November 26, 2026"),
        (D(2027, 1, 14), "Thursday, January 14, 2027"),
        (D(2024, 2, 29), "Thursday, February 29, 2024"),
    ],
)
def test_long_date(day: dt.date, text: str) -> None:
    assert long_date(day) == text


@pytest.mark.parametrize(
    "text, spans, expected",
    [
        # dateparser reads "year and now" as today; with the code's span blanked, only "nov 14" is a date
        ("I ignored a CP2000 last year and now got a CP3219A dated nov 14", [(12, 24), (43, 56)], D(2026, 11, 14)),
        ("got the notice a while back and now I'm scared", [], None),
        ("lo ignore el año pasado y ahora me llego otro", [], None),
    ],
)
def test_now_is_never_the_date_on_a_notice(text: str, spans: list, expected: Optional[dt.date]) -> None:
    assert find_notice_date(text, TODAY, spans) == expected
