"""Building records for store and delivery tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from store.records import Consent, Intake, NewCase

UTC = dt.timezone.utc
CONSENT_GIVEN_AT = dt.datetime(2026, 11, 26, 15, 4, 5, 123456, tzinfo=UTC)


def make_intake(**overrides: Any) -> Intake:
    """A complete intake; keyword arguments replace fields."""
    values: dict = dict(
        full_name="Jane Doe",
        consent=Consent(
            wording="You agree that Milestone Tax Solutions may contact you by text message.",
            given_at=CONSENT_GIVEN_AT,
            channel="twilio",
            contact_method="sms",
        ),
        preferred_channel="sms",
        phone="+15125550142",
        email="jane@example.com",
        us_state="TX",
        notice_codes=["LT11", "CP504"],
        notice_date=dt.date(2026, 11, 20),
        tax_years=[2022, 2023],
        amount_owed=Decimal("12500"),
        levy_active="yes",
        unfiled_returns="no",
        joint_filing="unsure",
        contact_time="mornings",
    )
    values.update(overrides)
    return Intake(**values)


def make_new_case(**overrides: Any) -> NewCase:
    """A new case with a fresh idempotency key and conversation; keyword arguments replace fields.

    Each case gets its own conversation (``sms:`` and a random number): the store opens at most
    two cases per conversation a day (CaseRepository's cap), which tests of that cap name on purpose.

    ``intake`` may be given as a dict of Intake overrides.
    """
    intake = overrides.pop("intake", {})
    if isinstance(intake, dict):
        intake = make_intake(**intake)
    values: dict = dict(
        idempotency_key=f"test:{uuid.uuid4().hex}",
        channel="twilio",
        sender_id=f"sms:+1512{uuid.uuid4().int % 10**7:07d}",
        priority="critical",
        priority_reasons=["levy_active", "final_notice"],
        deadline=dt.date(2026, 12, 1),
        intake=intake,
    )
    values.update(overrides)
    return NewCase(**values)


def replace(record: Any, **changes: Any) -> Any:
    """A copy of a frozen record with some fields changed."""
    return dataclasses.replace(record, **changes)
