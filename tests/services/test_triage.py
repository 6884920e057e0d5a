"""Triage: how urgently a pro must look at a case, from real notices of the knowledge base.

The notices used (checked in knowledge/irs_knowledge.yml): LT11 final_notice_cdp/critical, 30 days;
CP3219A deficiency/critical, 90 days; CP504 intent_to_levy/high, no fixed window; CP14
balance_due/medium, no fixed window; Form 668-W levy/critical, no fixed window; CP2000
proposed_change/medium, 30 days; CP501 reminder/medium, no fixed window.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import List, Optional

import pytest

from knowledge.loader import cached_knowledge
from knowledge.schema import Stage, Urgency
from services.triage import CRITICAL, HIGH, NORMAL, Triage, notice_deadline, triage, triage_case

KB = cached_knowledge()
TODAY = dt.date(2026, 11, 26)


def notice(code: str):
    found = KB.find_notice(code)
    assert found is not None, f"{code} is not in the knowledge base"
    return found


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.mark.parametrize(
    "code, stage, urgency, window",
    [
        ("LT11", Stage.final_notice_cdp, Urgency.critical, 30),
        ("CP3219A", Stage.deficiency, Urgency.critical, 90),
        ("CP504", Stage.intent_to_levy, Urgency.high, None),
        ("CP14", Stage.balance_due, Urgency.medium, None),
        ("668-W", Stage.levy, Urgency.critical, None),
        ("CP2000", Stage.proposed_change, Urgency.medium, 30),
        ("CP501", Stage.reminder, Urgency.medium, None),
    ],
)
def test_the_notices_these_tests_rely_on(code: str, stage: Stage, urgency: Urgency, window: Optional[int]) -> None:
    found = notice(code)
    assert (found.stage, found.urgency, found.response_window.days) == (stage, urgency, window)


@pytest.mark.parametrize(
    "code, notice_date, expected",
    [
        ("LT11", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        ("CP3219A", dt.date(2026, 10, 1), dt.date(2026, 12, 30)),
        ("CP504", dt.date(2026, 11, 1), None),  # no fixed window
        ("LT11", None, None),  # no date given
        (None, dt.date(2026, 11, 1), None),  # no notice
    ],
)
def test_notice_deadline(code: Optional[str], notice_date: Optional[dt.date], expected: Optional[dt.date]) -> None:
    assert notice_deadline(notice(code) if code else None, notice_date) == expected


@pytest.mark.parametrize(
    "code, age, levy, amount, priority, reasons",
    [
        # Critical: an active levy, a levy-stage notice, a final notice with <= 10 days left or passed,
        # a passed Tax Court deadline.
        (None, None, "yes", None, CRITICAL, ["A levy or wage garnishment is active now."]),
        ("CP14", None, "yes", None, CRITICAL, ["A levy or wage garnishment is active now."]),
        (
            "668-W",
            None,
            None,
            None,
            CRITICAL,
            ["Form 668-W means a levy is already in place.", "Form 668-W is a critical-urgency notice."],
        ),
        ("LT11", 20, None, None, CRITICAL, ["Final notice LT11: 10 days left to respond."]),
        ("LT11", 30, None, None, CRITICAL, ["Final notice LT11: 0 days left to respond."]),
        ("LT11", 40, None, None, CRITICAL, ["The response window of the LT11 closed 10 days ago."]),
        ("CP3219A", 85, None, None, CRITICAL, ["Final notice CP3219A: 5 days left to respond."]),
        ("CP3219A", 90, None, None, CRITICAL, ["Final notice CP3219A: 0 days left to respond."]),
        ("CP3219A", 95, None, None, CRITICAL, ["The 90-day Tax Court deadline for the CP3219A passed 5 days ago."]),
        # High: high or critical urgency, <= 30 days left, a passed response date, a large balance,
        # unsure about a levy on an intent-to-levy or final notice.
        (
            "LT11",
            19,
            None,
            None,
            HIGH,
            ["LT11 is a critical-urgency notice.", "11 days left before the LT11 deadline."],
        ),
        ("LT11", None, None, None, HIGH, ["LT11 is a critical-urgency notice."]),
        ("CP3219A", 10, None, None, HIGH, ["CP3219A is a critical-urgency notice."]),  # 80 days left
        (
            "CP3219A",
            60,
            None,
            None,
            HIGH,
            ["CP3219A is a critical-urgency notice.", "30 days left before the CP3219A deadline."],
        ),
        ("CP504", None, None, None, HIGH, ["CP504 is a high-urgency notice."]),
        (
            "CP504",
            None,
            "unsure",
            None,
            HIGH,
            ["CP504 is a high-urgency notice.", "Not sure whether a levy has started."],
        ),
        (
            "LT11",
            None,
            "unsure",
            None,
            HIGH,
            ["LT11 is a critical-urgency notice.", "Not sure whether a levy has started."],
        ),
        ("CP2000", 0, None, None, HIGH, ["30 days left before the CP2000 deadline."]),
        ("CP2000", 30, None, None, HIGH, ["0 days left before the CP2000 deadline."]),
        ("CP2000", 40, None, None, HIGH, ["The CP2000 response date passed 10 days ago."]),
        ("CP14", None, None, Decimal("50000.01"), HIGH, ["Owes about $50,000 (over $50,000)."]),
        (None, None, "no", Decimal("120000"), HIGH, ["Owes about $120,000 (over $50,000)."]),
        # Normal.
        ("CP14", None, None, None, NORMAL, []),
        ("CP14", None, "unsure", None, NORMAL, []),  # unsure matters only on a levy warning
        ("CP501", None, "no", Decimal("50000"), NORMAL, []),  # exactly $50,000 is not over
        ("CP2000", -5, None, None, NORMAL, []),  # dated in the future: 35 days left
        (None, None, None, None, NORMAL, []),
        (None, None, "unsure", None, NORMAL, []),
    ],
)
def test_triage(
    code: Optional[str],
    age: Optional[int],
    levy: Optional[str],
    amount: Optional[Decimal],
    priority: str,
    reasons: List[str],
) -> None:
    result = triage(
        notice(code) if code else None,
        days_ago(age) if age is not None else None,
        TODAY,
        levy_active=levy,
        amount_owed=amount,
    )
    assert (result.priority, result.reasons) == (priority, reasons)
    assert result.critical is (priority == CRITICAL)


def test_triage_keeps_the_deadline_and_days_left() -> None:
    result = triage(notice("LT11"), dt.date(2026, 11, 6), TODAY)
    assert (result.deadline, result.days_left) == (dt.date(2026, 12, 6), 10)
    assert triage(notice("CP504"), dt.date(2026, 11, 6), TODAY) == Triage(HIGH, ["CP504 is a high-urgency notice."])


def test_critical_lists_high_reasons_after_critical_ones() -> None:
    result = triage(notice("LT11"), days_ago(25), TODAY, levy_active="yes", amount_owed=Decimal("75000"))
    assert result.priority == CRITICAL
    assert result.reasons == [
        "A levy or wage garnishment is active now.",
        "Final notice LT11: 5 days left to respond.",
        "Owes about $75,000 (over $50,000).",
    ]


@pytest.mark.parametrize(
    "codes, age, levy, amount, priority, reasons, deadline",
    [
        ([], None, None, None, NORMAL, [], None),
        ([], None, "yes", None, CRITICAL, ["A levy or wage garnishment is active now."], None),
        ([], None, None, Decimal("60000"), HIGH, ["Owes about $60,000 (over $50,000)."], None),
        (["CP14"], None, None, None, NORMAL, [], None),
        # The most urgent notice wins, with every notice's reasons.
        (
            ["CP14", "668-W"],
            None,
            None,
            None,
            CRITICAL,
            ["Form 668-W means a levy is already in place.", "Form 668-W is a critical-urgency notice."],
            None,
        ),
        (
            ["CP504", "LT11"],
            None,
            None,
            None,
            HIGH,
            ["CP504 is a high-urgency notice.", "LT11 is a critical-urgency notice."],
            None,
        ),
        # The notice date belongs to the first notice only.
        (
            ["LT11", "CP14"],
            25,
            None,
            None,
            CRITICAL,
            ["Final notice LT11: 5 days left to respond."],
            dt.date(2026, 12, 1),
        ),
        (["CP14", "LT11"], 25, None, None, HIGH, ["LT11 is a critical-urgency notice."], None),
        # A reason shared by several results is listed once.
        (
            ["CP504", "LT11"],
            None,
            "yes",
            Decimal("60000"),
            CRITICAL,
            [
                "A levy or wage garnishment is active now.",
                "Owes about $60,000 (over $50,000).",
                "CP504 is a high-urgency notice.",
                "LT11 is a critical-urgency notice.",
            ],
            None,
        ),
    ],
)
def test_triage_case(
    codes: List[str],
    age: Optional[int],
    levy: Optional[str],
    amount: Optional[Decimal],
    priority: str,
    reasons: List[str],
    deadline: Optional[dt.date],
) -> None:
    result = triage_case(
        [notice(code) for code in codes],
        days_ago(age) if age is not None else None,
        TODAY,
        levy_active=levy,
        amount_owed=amount,
    )
    assert (result.priority, result.reasons, result.deadline) == (priority, reasons, deadline)
    assert result.days_left == ((deadline - TODAY).days if deadline else None)
