"""Pros, their API tokens and desk sessions (the desk hashes; the store keeps hashes only)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from store.db import Database
from store.pros import ProExists, ProNotFound, ProRepository

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@pytest.fixture()
def pros(database: Database) -> ProRepository:
    repo = ProRepository(database)
    repo.add("ann", "Ann Lee", "argon2:ann")
    return repo


def test_add_get_and_list(pros: ProRepository) -> None:
    bob = pros.add("bob", "Bob Ray", None)
    assert (bob.username, bob.display_name, bob.password_hash) == ("bob", "Bob Ray", None)
    assert bob.created_at.tzinfo is not None
    assert pros.get("bob") == bob
    assert pros.get("nobody") is None
    assert [pro.username for pro in pros.list()] == ["ann", "bob"]


def test_duplicate_username(pros: ProRepository) -> None:
    with pytest.raises(ProExists):
        pros.add("ann", "Another Ann", None)
    assert len(pros.list()) == 1


def test_set_password(pros: ProRepository) -> None:
    pros.set_password("ann", "argon2:new")
    assert pros.get("ann").password_hash == "argon2:new"  # type: ignore[union-attr]
    with pytest.raises(ProNotFound):
        pros.set_password("nobody", "x")


def test_tokens_and_revocation(pros: ProRepository) -> None:
    pros.add("bob", "Bob Ray", None)
    pros.add_token("ann", _hash("token-1"), "laptop")
    pros.add_token("ann", _hash("token-1"), "laptop")  # idempotent
    pros.add_token("ann", _hash("token-2"), "crm")
    pros.add_token("bob", _hash("token-3"), "phone")
    assert pros.pro_for_token(_hash("token-1")).username == "ann"  # type: ignore[union-attr]
    assert pros.pro_for_token(_hash("unknown")) is None
    with pytest.raises(ValueError):
        pros.add_token("bob", _hash("token-1"), "stolen")
    with pytest.raises(ProNotFound):
        pros.add_token("nobody", _hash("token-4"), "x")
    assert pros.revoke_tokens("ann") == 2
    assert pros.revoke_tokens("ann") == 0
    with pytest.raises(ProNotFound):
        pros.revoke_tokens("nobody")
    assert pros.pro_for_token(_hash("token-1")) is None
    assert pros.pro_for_token(_hash("token-2")) is None
    assert pros.pro_for_token(_hash("token-3")).username == "bob"  # type: ignore[union-attr]


def test_sessions_expire_and_can_be_deleted(pros: ProRepository) -> None:
    expires = NOW + dt.timedelta(hours=8)
    pros.create_session(_hash("cookie-1"), "ann", "csrf-1", expires)
    pro, csrf = pros.session(_hash("cookie-1"), NOW)  # type: ignore[misc]
    assert (pro.username, csrf) == ("ann", "csrf-1")
    assert pros.session(_hash("cookie-1"), expires - dt.timedelta(seconds=1)) is not None
    assert pros.session(_hash("cookie-1"), expires) is None
    assert pros.session(_hash("unknown"), NOW) is None
    pros.delete_session(_hash("cookie-1"))
    pros.delete_session(_hash("cookie-1"))  # unknown hashes are ignored
    assert pros.session(_hash("cookie-1"), NOW) is None
    with pytest.raises(ProNotFound):
        pros.create_session(_hash("cookie-2"), "nobody", "csrf", expires)


def test_delete_expired_sessions(pros: ProRepository) -> None:
    pros.create_session(_hash("old"), "ann", "csrf-1", NOW - dt.timedelta(minutes=1))
    pros.create_session(_hash("new"), "ann", "csrf-2", NOW + dt.timedelta(hours=1))
    assert pros.delete_expired_sessions(NOW) == 1
    assert pros.session(_hash("new"), NOW) is not None
