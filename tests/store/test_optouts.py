"""SMS opt-outs in the case store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from store.db import Database
from store.optouts import OptOutRepository, check_phone
from store.tables import sms_opt_outs

PHONE = "+15125550142"
T0 = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.timezone.utc)


def _row(database: Database) -> dict:
    with database.session() as session:
        return dict(session.execute(select(sms_opt_outs).where(sms_opt_outs.c.phone == PHONE)).one()._mapping)


def test_unknown_numbers_are_not_opted_out(database: Database) -> None:
    optouts = OptOutRepository(database)
    assert not optouts.is_opted_out(PHONE)
    assert optouts.opt_in(PHONE, "START", T0) is False  # nothing to opt back in from


def test_opt_out_then_in_then_out_again(database: Database) -> None:
    optouts = OptOutRepository(database)
    assert optouts.opt_out(PHONE, "STOP", T0) is True
    assert optouts.is_opted_out(PHONE)
    assert _row(database)["opted_out_at"] == T0 and _row(database)["opted_in_at"] is None
    assert optouts.opt_in(PHONE, "UNSTOP", T0 + dt.timedelta(hours=1)) is True
    assert not optouts.is_opted_out(PHONE)
    assert _row(database)["opted_in_at"] == T0 + dt.timedelta(hours=1)
    assert _row(database)["last_keyword"] == "UNSTOP"
    assert optouts.opt_out(PHONE, "QUIT", T0 + dt.timedelta(hours=2)) is True
    row = _row(database)
    assert optouts.is_opted_out(PHONE)
    assert (row["opted_out_at"], row["opted_in_at"], row["last_keyword"]) == (T0 + dt.timedelta(hours=2), None, "QUIT")


def test_writes_are_idempotent(database: Database) -> None:
    optouts = OptOutRepository(database)
    assert optouts.opt_out(PHONE, "STOP", T0) is True
    assert optouts.opt_out(PHONE, "CANCEL", T0 + dt.timedelta(days=1)) is False
    assert _row(database)["opted_out_at"] == T0 and _row(database)["last_keyword"] == "CANCEL"
    assert optouts.opt_in(PHONE, "START", T0 + dt.timedelta(days=2)) is True
    assert optouts.opt_in(PHONE, "START", T0 + dt.timedelta(days=3)) is False
    assert _row(database)["opted_in_at"] == T0 + dt.timedelta(days=2)
    with database.session() as session:
        assert len(session.execute(select(sms_opt_outs)).all()) == 1


def test_numbers_are_separate(database: Database) -> None:
    optouts = OptOutRepository(database)
    optouts.opt_out(PHONE, "STOP", T0)
    assert not optouts.is_opted_out("+15125550143")


@pytest.mark.parametrize(
    "phone", ["5125550142", "+0125550142", "+1 512 555 0142", "whatsapp:+15125550142", "+1234567890123456", ""]
)
def test_only_e164_numbers_are_stored(database: Database, phone: str) -> None:
    with pytest.raises(ValueError):
        check_phone(phone)
    with pytest.raises(ValueError):
        OptOutRepository(database).opt_out(phone, "STOP", T0)
