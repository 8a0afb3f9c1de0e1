"""rating review and co-unit replies: the 差评复核 status, its due time, appeals, 协办回复

* ``cases.status`` may be ``reviewing`` (a bad or unresolved rating waiting for a supervisor);
* ``cases.review_due_at``: when that review is due (1 working day after the rating);
* ``cases.rating_excluded``: an upheld appeal (申诉成立) keeps the rating on record but leaves it
  out of every rate;
* ``case_units.replied_at``: when the co-unit answered the lead unit (协办回复) this round.

Revision ID: 0007
Revises: 0009 (re-chained after main's 0009 at the merge; the lead may re-chain)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None

_BEFORE = (
    "'received', 'accepted', 'dispatched', 'in_progress', 'returned', 'suspended', 'replied', 'closed', "
    "'merged'"
)
_AFTER = (
    "'received', 'accepted', 'dispatched', 'in_progress', 'returned', 'suspended', 'replied', "
    "'reviewing', 'closed', 'merged'"
)


def _status_check(values: str) -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_cases_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_cases_status"), f"status IN ({values})")


# the cockpit's covering index also carries the appeal flag, so its rates stay index-only scans
_COCKPIT = [
    "id",
    "status",
    "category_id",
    "lead_department_id",
    "division_code",
    "signed_at",
    "replied_at",
    "rating",
    "resolved",
    "replied_on_time",
    "due_at",
    "clock_stopped_at",
]


def _cockpit_index(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no INCLUDE: the plain index does not change
    op.drop_index("ix_cases_cockpit", table_name="cases")
    op.create_index("ix_cases_cockpit", "cases", ["created_at"], unique=False, postgresql_include=include)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_due_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("rating_excluded", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _status_check(_AFTER)
    _cockpit_index([*_COCKPIT, "rating_excluded"])
    with op.batch_alter_table("case_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replied_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_units", schema=None) as batch_op:
        batch_op.drop_column("replied_at")
    op.execute("UPDATE cases SET status = 'replied' WHERE status = 'reviewing'")
    _status_check(_BEFORE)
    _cockpit_index(_COCKPIT)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("rating_excluded")
        batch_op.drop_column("review_due_at")
