"""The notice reader over the generated set: code >= 95%, date and amount >= 90%, no invented code."""
from __future__ import annotations

import statistics
import time

import pytest

from notice_reader import read_notice
from tests.notice_reader.generate import all_cases


@pytest.fixture(scope="module")
def results():
    out = []
    for case in all_cases():
        started = time.monotonic()
        reading = read_notice(case.data)
        out.append((case, reading, time.monotonic() - started))
    return out


def test_accuracy_and_speed(results):
    notices = [(c, r) for c, r, _ in results if c.is_notice]
    assert len(results) >= 40
    code = sum(r.code == c.code for c, r in notices) / len(notices)
    date = sum(r.notice_date == c.notice_date for c, r in notices) / len(notices)
    amount = sum(r.amount_due == c.amount_due for c, r in notices) / len(notices)
    photos = [t for c, _, t in results if c.kind.startswith("photo")]
    median = statistics.median(t for _, _, t in results)
    print(f"\nfiles={len(results)} code={code:.0%} date={date:.0%} amount={amount:.0%} "
          f"median={median:.2f}s photo median={statistics.median(photos):.2f}s")
    assert code >= 0.95
    assert date >= 0.90 and amount >= 0.90
    assert statistics.median(photos) <= 3.0


def test_no_code_invented_for_non_notices(results):
    for case, reading, _ in results:
        if not case.is_notice:
            assert reading.code is None, case.name
            assert {"not_a_notice", "no_text"} & set(reading.problems), case.name
