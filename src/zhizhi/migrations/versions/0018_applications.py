"""applications: the satellite of application cases (办件) and the application statuses

* ``applications``: one row per case of kind ``application`` (item version, applicant and agent
  encrypted with blind indexes, form, materials checklist, supplement notices, limits, special
  procedures, extension, decision, certificate, delivery);
* ``cases.status`` may take the application lifecycle's statuses (``submitted``, ``correcting``,
  ``not_accepted``, ``examining``, ``special``, ``approved``, ``denied``, ``withdrawn``).

On SQLite the check constraint is rewritten in place (the documented ``writable_schema``
procedure for loosening a CHECK): a batch copy of ``cases`` would drop the table, and with
foreign keys on the drop cascades to every timeline event.

Revision ID: 0018_applications
Revises: 0018_services
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db
from zhizhi.migrations import sqlite_schema

revision = "0018_applications"
down_revision = "0018_services"
branch_labels = None
depends_on = None

_BEFORE = [
    "received",
    "accepted",
    "dispatched",
    "in_progress",
    "returned",
    "suspended",
    "replied",
    "reviewing",
    "closed",
    "merged",
]
_AFTER = [
    *_BEFORE,
    "submitted",
    "correcting",
    "not_accepted",
    "examining",
    "special",
    "approved",
    "denied",
    "withdrawn",
]


def _listed(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _status_check(values: list[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_cases_status"), "cases", type_="check")
        op.create_check_constraint(op.f("ck_cases_status"), "cases", f"status IN ({_listed(values)})")
        return
    sql = sqlite_schema.table_sql(bind, "cases")
    pattern = re.compile(r"(CONSTRAINT\s+ck_cases_status\s+CHECK\s*\(\s*status\s+IN\s*\()[^)]*(\)\s*\))")
    new, count = pattern.subn(lambda m: f"{m.group(1)}{_listed(values)}{m.group(2)}", str(sql))
    if count != 1:
        raise RuntimeError("cases.status check constraint not found")
    sqlite_schema.replace_table_sql(bind, "cases", new)


def upgrade() -> None:
    _status_check(_AFTER)
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("item_version_id", sa.Integer(), nullable=False),
        sa.Column("implementation_code", sa.String(length=31), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("applicant_type", sa.String(length=12), nullable=False),
        sa.Column("applicant_name", sa.Text(), nullable=False),
        sa.Column("applicant_id", sa.Text(), nullable=False),
        sa.Column("applicant_id_index", sa.String(length=32), nullable=False),
        sa.Column("applicant_phone", sa.Text(), nullable=True),
        sa.Column("applicant_phone_index", sa.String(length=32), nullable=True),
        sa.Column("applicant_user_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.Text(), nullable=True),
        sa.Column("agent_id", sa.Text(), nullable=True),
        sa.Column("agent_id_index", sa.String(length=32), nullable=True),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("materials", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("notice", zhizhi.core.db.JSONType, nullable=True),
        sa.Column("notices", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("legal_limit", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("promised_limit", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("legal_due_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("immediate", sa.Boolean(), nullable=False),
        sa.Column("special", zhizhi.core.db.JSONType, nullable=True),
        sa.Column("specials", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decision_basis", sa.Text(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refusal_basis", sa.Text(), nullable=True),
        sa.Column("certificate_number", sa.String(length=80), nullable=True),
        sa.Column("delivery", sa.String(length=12), nullable=True),
        sa.Column("delivery_detail", sa.String(length=300), nullable=True),
        sa.Column("delivered_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "applicant_type IN ('person', 'organisation')", name=op.f("ck_applications_applicant_type")
        ),
        sa.CheckConstraint("channel IN ('online', 'window')", name=op.f("ck_applications_channel")),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('approved', 'denied')", name=op.f("ck_applications_decision")
        ),
        sa.CheckConstraint(
            "delivery IS NULL OR delivery IN ('certificate', 'post', 'window')",
            name=op.f("ck_applications_delivery"),
        ),
        sa.CheckConstraint("extension_days >= 0", name=op.f("ck_applications_extension_days")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_applications_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_version_id"],
            ["service_item_versions.id"],
            name=op.f("fk_applications_item_version_id_service_item_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_applications_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_user_id"], ["users.id"], name=op.f("fk_applications_applicant_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("case_id", name=op.f("uq_applications_case_id")),
        sa.UniqueConstraint("number", name=op.f("uq_applications_number")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        for column in (
            "item_version_id",
            "implementation_code",
            "department_id",
            "applicant_id_index",
            "applicant_phone_index",
            "applicant_user_id",
            "agent_id_index",
            "certificate_number",
        ):
            batch_op.create_index(batch_op.f(f"ix_applications_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("applications")
    op.execute(
        "UPDATE cases SET status = 'closed' WHERE status IN "
        "('submitted', 'correcting', 'not_accepted', 'examining', 'special', 'approved', 'denied', 'withdrawn')"
    )
    _status_check(_BEFORE)
