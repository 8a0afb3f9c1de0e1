"""services: the service item catalogue (GB/T 39554) and the item steward's role

* ``service_items``: one row per item of the implementation list (implementation code, the
  current name, type, department, status, topics and place the guide searches);
* ``service_item_versions``: every version with all the standard elements (a published version
  is never changed again; applications keep its id);
* ``service_item_materials`` and ``service_item_fields``: a version's materials (canonical code,
  source channel…) and its canonical form fields;
* ``users.role`` may be ``item_steward`` (事项管理员).

Revision ID: 0018_services
Revises: 0017_notify
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db
from zhizhi.migrations import sqlite_schema

revision = "0018_services"
down_revision = "0018_gaps1213"
branch_labels = None
depends_on = None


_ROLES_BEFORE = (
    "'public', 'intake_agent', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader', "
    "'data_steward', 'admin'"
)
_ROLES_AFTER = _ROLES_BEFORE.replace("'data_steward', ", "'data_steward', 'item_steward', ")


def _role_check(before: str, after: str) -> None:
    """Widen (or narrow back) the check on ``users.role``.  PostgreSQL: drop and add the
    constraint.  SQLite cannot alter a check, and copying ``users`` (a batch migration) would
    drop the table under every foreign key pointing at it; the table's stored definition is
    rewritten in place instead (SQLite's documented way for a change that leaves every stored
    row valid: https://sqlite.org/lang_altertable.html#otheralter), and the schema cookie
    bumped so that every connection reloads it."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        sql = sqlite_schema.table_sql(bind, "users")
        if f"role IN ({before})" not in sql:
            raise RuntimeError("users.role check not found as expected")
        sqlite_schema.replace_table_sql(
            bind, "users", sql.replace(f"role IN ({before})", f"role IN ({after})")
        )
        return
    op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role"), "users", f"role IN ({after})")


def upgrade() -> None:
    _role_check(_ROLES_BEFORE, _ROLES_AFTER)
    op.create_table(
        "service_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("implementation_code", sa.String(length=31), nullable=False),
        sa.Column("basic_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=2), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("online_depth", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("draft_version_id", sa.Integer(), nullable=True),
        sa.Column("topics", sa.String(length=400), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("retired_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'retired')", name=op.f("ck_service_items_status")
        ),
        sa.CheckConstraint(
            "type IN ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '20')",
            name=op.f("ck_service_items_type"),
        ),
        sa.CheckConstraint("length(basic_code) = 12", name=op.f("ck_service_items_basic_code")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_service_items_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_items")),
        sa.UniqueConstraint("implementation_code", name=op.f("uq_service_items_implementation_code")),
    )
    op.create_index(op.f("ix_service_items_basic_code"), "service_items", ["basic_code"], unique=False)
    op.create_index(op.f("ix_service_items_department_id"), "service_items", ["department_id"], unique=False)
    op.create_index(op.f("ix_service_items_status"), "service_items", ["status"], unique=False)
    op.create_index(op.f("ix_service_items_type"), "service_items", ["type"], unique=False)

    op.create_table(
        "service_item_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("basic_code", sa.String(length=12), nullable=False),
        sa.Column("implementation_code", sa.String(length=31), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=2), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("applicant_types", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("audiences", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("life_events", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("acceptance_conditions", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("case_type", sa.String(length=10), nullable=False),
        sa.Column("legal_limit_value", sa.Integer(), nullable=False),
        sa.Column("legal_limit_unit", sa.String(length=12), nullable=False),
        sa.Column("promised_limit_value", sa.Integer(), nullable=False),
        sa.Column("promised_limit_unit", sa.String(length=12), nullable=False),
        sa.Column("handling_forms", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("special_procedures", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("fees", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("process", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("hours", sa.String(length=300), nullable=False),
        sa.Column("consultation", sa.String(length=300), nullable=False),
        sa.Column("complaint", sa.String(length=300), nullable=False),
        sa.Column("online_depth", sa.Integer(), nullable=False),
        sa.Column("result_type", sa.String(length=16), nullable=False),
        sa.Column("result_name", sa.String(length=200), nullable=False),
        sa.Column("result_certificate_type", sa.String(length=60), nullable=True),
        sa.Column("faq", zhizhi.core.db.JSONType, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("published_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=120), nullable=True),
        sa.Column("retired_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "case_type IN ('immediate', 'promised')", name=op.f("ck_service_item_versions_case_type")
        ),
        sa.CheckConstraint(
            "legal_limit_unit IN ('working_day', 'calendar_day', 'hour')",
            name=op.f("ck_service_item_versions_legal_limit_unit"),
        ),
        sa.CheckConstraint(
            "promised_limit_unit IN ('working_day', 'calendar_day', 'hour')",
            name=op.f("ck_service_item_versions_promised_limit_unit"),
        ),
        sa.CheckConstraint(
            "result_type IN ('licence', 'approval', 'certification', 'filing', 'payment', 'other')",
            name=op.f("ck_service_item_versions_result_type"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'superseded', 'retired')",
            name=op.f("ck_service_item_versions_status"),
        ),
        sa.CheckConstraint(
            "type IN ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '20')",
            name=op.f("ck_service_item_versions_type"),
        ),
        sa.CheckConstraint(
            "legal_limit_value >= 0 AND promised_limit_value >= 0",
            name=op.f("ck_service_item_versions_limits"),
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 6", name=op.f("ck_service_item_versions_level")),
        sa.CheckConstraint(
            "online_depth BETWEEN 1 AND 7", name=op.f("ck_service_item_versions_online_depth")
        ),
        sa.CheckConstraint("visits >= 0", name=op.f("ck_service_item_versions_visits")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_service_item_versions_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_service_item_versions_item_id_service_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item_versions")),
        sa.UniqueConstraint("item_id", "version", name="uq_service_item_version"),
    )
    op.create_index(
        op.f("ix_service_item_versions_implementation_code"),
        "service_item_versions",
        ["implementation_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_service_item_versions_item_id"), "service_item_versions", ["item_id"], unique=False
    )

    op.create_table(
        "service_item_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=160), nullable=False),
        sa.Column("type", sa.String(length=12), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("options", zhizhi.core.db.JSONType, nullable=False),
        sa.CheckConstraint(
            "type IN ('text', 'textarea', 'date', 'number', 'phone', 'id_number', 'credit_code', 'choice', 'boolean', 'address')",
            name=op.f("ck_service_item_fields_type"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["service_item_versions.id"],
            name=op.f("fk_service_item_fields_version_id_service_item_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item_fields")),
        sa.UniqueConstraint("version_id", "code", name="uq_service_item_field_code"),
    )
    op.create_index(
        op.f("ix_service_item_fields_version_id"), "service_item_fields", ["version_id"], unique=False
    )

    op.create_table(
        "service_item_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("form", sa.String(length=12), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("original", sa.Boolean(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("blank_form", sa.String(length=300), nullable=False),
        sa.Column("sample", sa.String(length=300), nullable=False),
        sa.Column("acceptance_standard", sa.Text(), nullable=False),
        sa.Column("basis", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "form IN ('paper', 'electronic', 'both')", name=op.f("ck_service_item_materials_form")
        ),
        sa.CheckConstraint("copies >= 0", name=op.f("ck_service_item_materials_copies")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["service_item_versions.id"],
            name=op.f("fk_service_item_materials_version_id_service_item_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item_materials")),
        sa.UniqueConstraint("version_id", "code", name="uq_service_item_material_code"),
    )
    op.create_index(op.f("ix_service_item_materials_code"), "service_item_materials", ["code"], unique=False)
    op.create_index(
        op.f("ix_service_item_materials_version_id"), "service_item_materials", ["version_id"], unique=False
    )


def downgrade() -> None:
    op.execute("UPDATE users SET role = 'handler' WHERE role = 'item_steward'")
    _role_check(_ROLES_AFTER, _ROLES_BEFORE)
    for table in ("service_item_materials", "service_item_fields", "service_item_versions", "service_items"):
        op.drop_table(table)
