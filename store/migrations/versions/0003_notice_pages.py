"""Notice pages: the photo or PDF of a notice a taxpayer agreed to attach to their case.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notice_pages"),
    )
    op.create_index("ix_notice_pages_sender_id", "notice_pages", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_notice_pages_sender_id", table_name="notice_pages")
    op.drop_table("notice_pages")
