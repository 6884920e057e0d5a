"""The case store's schema (SQLAlchemy Core), the one source the migrations must match.

``migrations/versions`` holds the hand-written migrations that create these tables; a test checks
that ``alembic upgrade head`` produces exactly this metadata on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Explicit constraint names, so migrations can refer to (and later drop) them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
CENT = Decimal("0.01")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite and PostgreSQL alike.

    SQLite has no time zones, so values are stored there as naive UTC; PostgreSQL stores
    ``timestamptz``. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: use timezone-aware UTC")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[dt.datetime], dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Money(TypeDecorator):
    """An amount in dollars and cents, as a Decimal, stored as NUMERIC(14, 2).

    SQLite has no decimal type and hands back floats; 14 digits fit a float exactly, so the value is
    rounded back to cents here (without SQLAlchemy's generic lossy-Decimal warning).
    """

    impl = Numeric(14, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(14, 2, asdecimal=False))
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value: Optional[Decimal], dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)

    def process_result_value(self, value: Any, dialect: Dialect) -> Optional[Decimal]:
        if value is None:
            return None
        if isinstance(value, float):
            return Decimal(f"{value:.2f}")
        return Decimal(value).quantize(CENT)


cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("priority_reasons", JSON, nullable=False),
    Column("deadline", Date, nullable=True),
    Column("channel", String(32), nullable=False),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("full_name", String(200), nullable=False),
    Column("phone", String(32), nullable=True),
    Column("email", String(254), nullable=True),
    Column("preferred_channel", String(10), nullable=False),
    Column("us_state", String(2), nullable=True),
    Column("notice_codes", JSON, nullable=False),
    Column("notice_date", Date, nullable=True),
    Column("tax_years", JSON, nullable=False),
    Column("amount_owed", Money, nullable=True),
    Column("levy_active", String(8), nullable=True),
    Column("unfiled_returns", String(8), nullable=True),
    Column("joint_filing", String(8), nullable=True),
    Column("contact_time", String(100), nullable=True),
    Column("language", String(2), nullable=False, server_default="en"),
    Column("consent_wording", Text, nullable=False),
    Column("consent_given_at", UTCDateTime, nullable=False),
    Column("consent_channel", String(32), nullable=False),
    Column("consent_contact_method", String(10), nullable=False),
    Column("assigned_to", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Index("ix_notifications_due", "delivered_at", "next_attempt_at"),
)

pros = Table(
    "pros",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=True),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

pro_tokens = Table(
    "pro_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pro_id", Integer, ForeignKey("pros.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("revoked_at", UTCDateTime, nullable=True),
)

desk_sessions = Table(
    "desk_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("pro_id", Integer, ForeignKey("pros.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(128), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

# Phone numbers that texted STOP (see store/optouts.py); ``opted_in_at`` is set by START.
sms_opt_outs = Table(
    "sms_opt_outs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("phone", String(16), nullable=False, unique=True),
    Column("opted_out_at", UTCDateTime, nullable=False),
    Column("opted_in_at", UTCDateTime, nullable=True),
    Column("last_keyword", String(16), nullable=False),
)

# Notice pages the taxpayer chose to attach to their case for the tax pro (store/notice_pages.py).
# Only stored after an explicit "attach"; removed by retention with the conversation's cases.
notice_pages = Table(
    "notice_pages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("content_type", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)
