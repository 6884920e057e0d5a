"""Cases: the conversation's language (en or es), shown to the pro and sent with the case.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("language", sa.String(2), nullable=False, server_default="en"))


def downgrade() -> None:
    op.drop_column("cases", "language")
