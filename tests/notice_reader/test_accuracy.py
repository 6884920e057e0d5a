"""The notice reader over the generated set: code >= 95%, date and amount >= 90%, no invented code.

The set is read as the bot reads uploads: ``notice_reader.reader.WORKERS`` readings at a time, so
each file's time (the photo median must stay <= 3 s) is measured beside another reading.
"""

from __future__ import annotations

from typing import List

import pytest

from notice_reader.reader import WORKERS
from tests.notice_reader.generate import cached_cases
from tests.notice_reader.scoring import Result, read_all, summary


@pytest.fixture(scope="module")
def results() -> List[Result]:
    """Every file of the set read now; only the rendering of the set is cached (build/)."""
    return read_all(cached_cases(), workers=WORKERS)


def test_accuracy_and_speed(results: List[Result]) -> None:
    assert len(results) >= 40
    scores = summary(results)
    code, date, amount = scores["code_right"], scores["notice_date_right"], scores["amount_due_right"]
    print(
        f"\nfiles={scores['files']} code={code:.0%} date={date:.0%} amount={amount:.0%} "
        f"median={scores['median_s']:.2f}s photo median={scores['photo_median_s']:.2f}s"
    )
    assert code >= 0.95
    assert date >= 0.90 and amount >= 0.90
    assert scores["photo_median_s"] <= 3.0


def test_no_code_invented_for_non_notices(results: List[Result]) -> None:
    for result in results:
        case, reading = result.case, result.reading
        if not case.is_notice:
            assert reading.code is None, case.name
            assert {"not_a_notice", "no_text"} & set(reading.problems), case.name
