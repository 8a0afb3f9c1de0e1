"""hardening: ``throttle_counters`` (login lockouts and public rate limits, shared by every
process through the database; docs/security.md).

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0010"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("locked_until", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counters")),
    )
    op.create_index(
        op.f("ix_throttle_counters_window_start"), "throttle_counters", ["window_start"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_throttle_counters_window_start"), table_name="throttle_counters")
    op.drop_table("throttle_counters")
