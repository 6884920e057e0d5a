"""SMS opt-outs: numbers that texted STOP (or another opt-out keyword) and must not be texted again.

One row per phone number (E.164), kept after an opt-in as a record: ``opted_in_at`` set means the
number opted back in after its last opt-out.

Usage::

    optouts = OptOutRepository(get_database(settings.database_url))
    optouts.opt_out("+15125550142", "STOP", utcnow())   # True: newly opted out
    optouts.is_opted_out("+15125550142")                # True
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.tables import sms_opt_outs

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_O = sms_opt_outs.c


def check_phone(phone: str) -> str:
    """``phone`` if it is an E.164 number (``+15125550142``).

    Raises:
        ValueError: anything else.
    """
    if not E164.match(phone or ""):
        raise ValueError("not an E.164 phone number")
    return phone


class OptOutRepository:
    """Reads and records SMS opt-outs in a Database. Every write is idempotent."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def opt_out(self, phone: str, keyword: str, now: dt.datetime) -> bool:
        """Record that ``phone`` opted out by texting ``keyword``.

        Returns:
            True when the number was not opted out before (send the one confirmation then).
        """
        check_phone(phone)
        for _ in range(2):  # a concurrent first insert of the same number: read it and update
            try:
                with self._db.session() as session:
                    row = session.execute(select(_O.opted_in_at).where(_O.phone == phone)).first()
                    if row is None:
                        session.execute(
                            insert(sms_opt_outs).values(
                                phone=phone, opted_out_at=now, opted_in_at=None, last_keyword=keyword[:16]
                            )
                        )
                        return True
                    if row.opted_in_at is None:  # already opted out: keep when it happened
                        session.execute(update(sms_opt_outs).where(_O.phone == phone).values(last_keyword=keyword[:16]))
                        return False
                    session.execute(
                        update(sms_opt_outs)
                        .where(_O.phone == phone)
                        .values(opted_out_at=now, opted_in_at=None, last_keyword=keyword[:16])
                    )
                    return True
            except IntegrityError:
                continue
        raise RuntimeError("could not record the opt-out")

    def opt_in(self, phone: str, keyword: str, now: dt.datetime) -> bool:
        """Record that ``phone`` opted back in by texting ``keyword``.

        Returns:
            True when the number was opted out until now (a number never opted out has no row).
        """
        check_phone(phone)
        with self._db.session() as session:
            result = session.execute(
                update(sms_opt_outs)
                .where(_O.phone == phone, _O.opted_in_at.is_(None))
                .values(opted_in_at=now, last_keyword=keyword[:16])
            )
            return result.rowcount == 1

    def is_opted_out(self, phone: str) -> bool:
        """True when ``phone`` opted out and has not opted back in."""
        with self._db.session() as session:
            row = session.execute(select(_O.opted_in_at).where(_O.phone == phone)).first()
        return row is not None and row.opted_in_at is None
