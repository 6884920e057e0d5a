"""The data the retention tests share: a fixed now, the limit, the conversations in the tracker
table, and a helper that adds a case of a given age (the ``stores`` fixture is in conftest.py)."""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Tuple

from sqlalchemy import update

from store.cases import CaseRepository
from store.db import Database
from store.tables import cases
from tests.store.factories import make_new_case

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
DAYS = 365
# Conversations: the age in days of each of their events.
CONVERSATIONS: Dict[str, List[int]] = {
    "+15125550101": [400, 390, 380],  # old: goes
    "old-web-visitor": [366],  # just over the limit: goes
    "came-back": [500, 499, 10],  # old start, recent end: stays whole
    "recent": [3, 1],  # stays
}


def add_case(database: Database, status: str, age_days: int, notify: Tuple[str, ...] = ("webhook",)) -> int:
    """A case with ``status``, last updated ``age_days`` before :data:`NOW`; returns its id."""
    repository = CaseRepository(database)
    case, _ = repository.create(make_new_case(), notify)
    if status != "new":
        repository.set_status(case.reference, status, "pro1")
    with database.session() as session:
        session.execute(update(cases).where(cases.c.id == case.id).values(updated_at=NOW - dt.timedelta(days=age_days)))
    return case.id
