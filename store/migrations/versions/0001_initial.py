"""The case store: cases, their event log, the notification outbox, pros, tokens and desk sessions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("priority_reasons", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("preferred_channel", sa.String(10), nullable=False),
        sa.Column("us_state", sa.String(2), nullable=True),
        sa.Column("notice_codes", sa.JSON(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("tax_years", sa.JSON(), nullable=False),
        sa.Column("amount_owed", sa.Numeric(14, 2), nullable=True),
        sa.Column("levy_active", sa.String(8), nullable=True),
        sa.Column("unfiled_returns", sa.String(8), nullable=True),
        sa.Column("joint_filing", sa.String(8), nullable=True),
        sa.Column("contact_time", sa.String(100), nullable=True),
        sa.Column("consent_wording", sa.Text(), nullable=False),
        _timestamp("consent_given_at"),
        sa.Column("consent_channel", sa.String(32), nullable=False),
        sa.Column("consent_contact_method", sa.String(10), nullable=False),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("reference", name="uq_cases_reference"),
        sa.UniqueConstraint("idempotency_key", name="uq_cases_idempotency_key"),
    )
    op.create_index("ix_cases_sender_id", "cases", ["sender_id"])

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_events_case_id_cases", ondelete="CASCADE"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_attempt_at"),
        _timestamp("locked_until", nullable=True),
        _timestamp("delivered_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_notifications_case_id_cases"),
    )
    op.create_index("ix_notifications_case_id", "notifications", ["case_id"])
    op.create_index("ix_notifications_due", "notifications", ["delivered_at", "next_attempt_at"])

    op.create_table(
        "pros",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_pros"),
        sa.UniqueConstraint("username", name="uq_pros_username"),
    )

    op.create_table(
        "pro_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pro_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        _timestamp("created_at"),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pro_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_pro_tokens_token_hash"),
        sa.ForeignKeyConstraint(["pro_id"], ["pros.id"], name="fk_pro_tokens_pro_id_pros", ondelete="CASCADE"),
    )
    op.create_index("ix_pro_tokens_pro_id", "pro_tokens", ["pro_id"])

    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("pro_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(128), nullable=False),
        _timestamp("expires_at"),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_desk_sessions"),
        sa.UniqueConstraint("session_hash", name="uq_desk_sessions_session_hash"),
        sa.ForeignKeyConstraint(["pro_id"], ["pros.id"], name="fk_desk_sessions_pro_id_pros", ondelete="CASCADE"),
    )
    op.create_index("ix_desk_sessions_pro_id", "desk_sessions", ["pro_id"])


def downgrade() -> None:
    op.drop_table("desk_sessions")
    op.drop_table("pro_tokens")
    op.drop_table("pros")
    op.drop_table("notifications")
    op.drop_table("case_events")
    op.drop_table("cases")
