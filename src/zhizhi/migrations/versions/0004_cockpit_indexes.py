"""cockpit and queue indexes: covering indexes for the period aggregates and the SLA queues

Measured on 1,000,000 cases (docs/bench/cockpit.md): the cockpit's period scans and the queue
counts read the heap for every row; these indexes let PostgreSQL answer them from the index alone
(``INCLUDE`` is PostgreSQL-only; SQLite gets the plain key columns).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COCKPIT_INCLUDE = [
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
SLA_INCLUDE = ["warn_at", "clock_stopped_at", "created_at", "id", "lead_department_id", "created_by_id"]


def upgrade() -> None:
    op.create_index(
        "ix_cases_cockpit", "cases", ["created_at"], unique=False, postgresql_include=COCKPIT_INCLUDE
    )
    op.create_index(
        "ix_cases_sla_queue", "cases", ["status", "due_at"], unique=False, postgresql_include=SLA_INCLUDE
    )


def downgrade() -> None:
    op.drop_index("ix_cases_sla_queue", table_name="cases")
    op.drop_index("ix_cases_cockpit", table_name="cases")
