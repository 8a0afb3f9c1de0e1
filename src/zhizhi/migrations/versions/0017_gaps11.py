"""gaps11: an indexable overdue filter, the cockpit's recurrence snapshots

* ``cases.stopped_late``: a generated column, ``clock_stopped_at > due_at`` (NULL while the clock
  runs) — STORED on PostgreSQL (computed for every existing row by the ``ALTER``), VIRTUAL on
  SQLite (which can only add virtual ones). The overdue filter becomes ``(clock_stopped_at IS
  NULL AND due_at < now) OR stopped_late``, each half served by a partial index
  (``ix_cases_running_due``, ``ix_cases_stopped_late``).
* ``cockpit_snapshots``: the cockpit's recurrence figures computed by a background job
  (docs/cockpit.md), read by the page with the time they were computed.

Revision ID: 0017_gaps11
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0017_gaps11"
down_revision = "0017_kbsso"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stored = op.get_bind().dialect.name == "postgresql"  # SQLite can only add a VIRTUAL one
    late = sa.Computed("clock_stopped_at > due_at", persisted=stored)
    op.add_column("cases", sa.Column("stopped_late", sa.Boolean(), late))
    op.create_index(
        "ix_cases_running_due",
        "cases",
        ["due_at"],
        postgresql_where=sa.text("clock_stopped_at IS NULL"),
        sqlite_where=sa.text("clock_stopped_at IS NULL"),
    )
    op.create_index(
        "ix_cases_stopped_late",
        "cases",
        ["created_at"],
        postgresql_where=sa.text("stopped_late"),
        sqlite_where=sa.text("stopped_late"),
    )
    op.create_table(
        "cockpit_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("computed_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.UniqueConstraint("key", name="uq_cockpit_snapshots_key"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE cases")


def downgrade() -> None:
    op.drop_table("cockpit_snapshots")
    op.drop_index("ix_cases_stopped_late", table_name="cases")
    op.drop_index("ix_cases_running_due", table_name="cases")
    if op.get_bind().dialect.name == "sqlite":
        # not a batch copy: recreating ``cases`` with foreign keys on would cascade-delete every
        # case's events; SQLite (3.35+) drops a column that no index or constraint names in place
        op.execute("ALTER TABLE cases DROP COLUMN stopped_late")
    else:
        op.drop_column("cases", "stopped_late")
