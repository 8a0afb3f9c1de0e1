"""gaps11b: each closed case's recurrence result, and an index for a unit's category + channel search

* ``cockpit_recurrences``: per closed case, the first later appeal on the same problem at the
  same place (or none yet) and how far the later appeals have been checked; kept up to date by
  the cockpit's background job, added up by filtered and unit-scoped cockpit views instead of
  scoring text in the request (docs/cockpit.md).
* ``ix_cases_category_channel_status``: ``(category_id, channel, status)`` on ``cases``,
  covering (PostgreSQL ``INCLUDE``) ``created_at, id, lead_department_id, created_by_id``: with
  the category's subtree passed as constant ids, a unit's "category + channel + status" search
  is an index-only scan filtered by the unit's scope (docs/workbench.md, "Row-scoped searches").

Revision ID: 0018_gaps11b
Revises: 0017_notify
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0018_gaps11b"
down_revision = "0017_notify"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, zhizhi.core.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cockpit_recurrences",
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("cases.id", ondelete="CASCADE", name="fk_cockpit_recurrences_case_id_cases"),
            primary_key=True,
        ),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=True),
        _time("closed_at"),
        sa.Column("returned_by", sa.String(length=40), nullable=True),
        sa.Column("days", sa.Float(), nullable=True),
        _time("checked_through"),
    )
    op.create_index("ix_cockpit_recurrences_closed_at", "cockpit_recurrences", ["closed_at"])
    op.create_index(
        "ix_cases_category_channel_status",
        "cases",
        ["category_id", "channel", "status"],
        postgresql_include=["created_at", "id", "lead_department_id", "created_by_id"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE cases")


def downgrade() -> None:
    op.drop_index("ix_cases_category_channel_status", table_name="cases")
    op.drop_index("ix_cockpit_recurrences_closed_at", table_name="cockpit_recurrences")
    op.drop_table("cockpit_recurrences")
