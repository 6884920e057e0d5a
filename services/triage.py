"""Triage: how urgently a pro must look at a case.

Pure logic, no Rasa imports. Critical cases are those where waiting a day can cost the taxpayer a
right or money they can't get back: a final notice with 10 days or fewer left (or already passed),
a levy or garnishment already in place, or a passed Tax Court deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import List, Optional, Sequence

from knowledge.schema import Notice, Stage, Urgency

CRITICAL = "critical"
HIGH = "high"
NORMAL = "normal"

FINAL_NOTICE_CRITICAL_DAYS = 10
HIGH_DAYS_LEFT = 30
# Balances above this can't use the IRS's simplest (streamlined) payment plans.
LARGE_BALANCE = Decimal("50000")
FINAL_STAGES = (Stage.final_notice_cdp, Stage.deficiency)


@dataclass(frozen=True)
class Triage:
    """A priority with the reasons a pro sees, and the deadline it was based on."""

    priority: str
    reasons: List[str] = field(default_factory=list)
    deadline: Optional[dt.date] = None
    days_left: Optional[int] = None

    @property
    def critical(self) -> bool:
        """Whether the case skips the optional questions."""
        return self.priority == CRITICAL


def notice_deadline(notice: Optional[Notice], notice_date: Optional[dt.date]) -> Optional[dt.date]:
    """The response deadline counted from the date printed on the notice, if it has a fixed window."""
    if notice is None or notice_date is None or notice.response_window.days is None:
        return None
    return notice_date + dt.timedelta(days=notice.response_window.days)


def triage(
    notice: Optional[Notice],
    notice_date: Optional[dt.date],
    today: dt.date,
    levy_active: Optional[str] = None,
    amount_owed: Optional[Decimal] = None,
) -> Triage:
    """Rank a case from its main notice, the days left, an active levy and the amount owed."""
    critical: List[str] = []
    high: List[str] = []
    deadline = notice_deadline(notice, notice_date)
    days_left = (deadline - today).days if deadline else None

    if levy_active == "yes":
        critical.append("A levy or wage garnishment is active now.")
    if notice is not None:
        code = notice.code
        if notice.stage is Stage.levy:
            critical.append(f"{code} means a levy is already in place.")
        if notice.stage is Stage.deficiency and days_left is not None and days_left < 0:
            critical.append(f"The 90-day Tax Court deadline for the {code} passed {-days_left} days ago.")
        elif notice.stage in FINAL_STAGES and days_left is not None and days_left <= FINAL_NOTICE_CRITICAL_DAYS:
            if days_left < 0:
                critical.append(f"The response window of the {code} closed {-days_left} days ago.")
            else:
                critical.append(f"Final notice {code}: {days_left} days left to respond.")
        elif notice.urgency in (Urgency.critical, Urgency.high):
            high.append(f"{code} is a {notice.urgency.value}-urgency notice.")
        if days_left is not None and 0 <= days_left <= HIGH_DAYS_LEFT and not critical:
            high.append(f"{days_left} days left before the {code} deadline.")
        elif days_left is not None and days_left < 0 and not critical:
            high.append(f"The {code} response date passed {-days_left} days ago.")
    if (
        levy_active == "unsure"
        and notice is not None
        and notice.stage in (Stage.intent_to_levy, Stage.final_notice_cdp)
    ):
        high.append("Not sure whether a levy has started.")
    if amount_owed is not None and amount_owed > LARGE_BALANCE:
        high.append(f"Owes about ${amount_owed:,.0f} (over ${LARGE_BALANCE:,.0f}).")

    if critical:
        return Triage(CRITICAL, critical + high, deadline, days_left)
    if high:
        return Triage(HIGH, high, deadline, days_left)
    return Triage(NORMAL, [], deadline, days_left)


def triage_case(
    notices: Sequence[Notice],
    notice_date: Optional[dt.date],
    today: dt.date,
    levy_active: Optional[str] = None,
    amount_owed: Optional[Decimal] = None,
) -> Triage:
    """The most urgent triage over the case's notices (the notice date belongs to the first one)."""
    results = [triage(None, None, today, levy_active, amount_owed)]
    for index, notice in enumerate(notices):
        results.append(triage(notice, notice_date if index == 0 else None, today, levy_active, amount_owed))
    rank = {CRITICAL: 0, HIGH: 1, NORMAL: 2}
    best = min(results, key=lambda result: (rank[result.priority], result.days_left is None))
    reasons = list(dict.fromkeys(reason for result in results for reason in result.reasons))
    deadline = next((result.deadline for result in results if result.deadline), None)
    days_left = (deadline - today).days if deadline else None
    return Triage(best.priority, reasons if best.priority != NORMAL else [], deadline, days_left)
