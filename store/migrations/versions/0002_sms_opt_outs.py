"""SMS opt-outs: numbers that texted STOP and must not be texted until they text START.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_keyword", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sms_opt_outs"),
        sa.UniqueConstraint("phone", name="uq_sms_opt_outs_phone"),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
