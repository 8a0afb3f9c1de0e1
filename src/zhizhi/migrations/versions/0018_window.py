"""one window, service ratings (好差评) and their rectification

* ``service_windows`` (windows of the service halls), ``service_window_clerks`` (a clerk's
  seat), ``service_window_receptions`` (each applicant served: the application forwarded, or
  the one-time notice);
* ``service_ratings`` (one per application and stage) and ``service_rectifications`` (the
  follow-up of each bad rating);
* the ``window_clerk`` role in the users' role check (docs/services.md).

Revision ID: 0018_window
Revises: the latest services migration (the lead re-chains at the merge)
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db
from zhizhi.migrations import sqlite_schema

revision = "0018_window"
down_revision = "0018_bundles"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = zhizhi.core.db.UTCDateTime(timezone=True)

_ROLES = (
    "'public', 'intake_agent', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'leader', 'data_steward', "
    "'item_steward'"
)
_BEFORE = f"role IN ({_ROLES}, 'admin')"
_AFTER = f"role IN ({_ROLES}, 'window_clerk', 'admin')"


def _role_check(expression: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
        op.create_check_constraint(op.f("ck_users_role"), "users", expression)
        return
    # SQLite keeps a CHECK as the table's SQL text. Changing the allowed roles changes no stored
    # row, so the text is rewritten in place (SQLite's documented writable_schema procedure for
    # schema changes that leave the file format alone) rather than a batch copy, which would drop
    # ``users`` under every table referencing it
    sql = sqlite_schema.table_sql(bind, "users")
    changed, count = re.subn(r"role IN \([^)]*\)", expression, sql, count=1)
    assert count == 1, "the users table has no role check to change"
    sqlite_schema.replace_table_sql(bind, "users", changed)


def upgrade() -> None:
    _role_check(_AFTER)
    op.create_table(
        "service_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("hall_department_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('comprehensive', 'special')", name=op.f("ck_service_windows_kind")),
        sa.ForeignKeyConstraint(
            ["hall_department_id"],
            ["departments.id"],
            name=op.f("fk_service_windows_hall_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_windows")),
        sa.UniqueConstraint("code", name=op.f("uq_service_windows_code")),
    )
    op.create_index(
        op.f("ix_service_windows_hall_department_id"), "service_windows", ["hall_department_id"], unique=False
    )
    op.create_table(
        "service_window_clerks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_service_window_clerks_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["service_windows.id"],
            name=op.f("fk_service_window_clerks_window_id_service_windows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_window_clerks")),
        sa.UniqueConstraint("user_id", name=op.f("uq_service_window_clerks_user_id")),
    )
    op.create_index(
        op.f("ix_service_window_clerks_window_id"), "service_window_clerks", ["window_id"], unique=False
    )
    op.create_table(
        "service_window_receptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("item_version_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("applicant_type", sa.String(length=2), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("missing", JSON, nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('forwarded', 'notice')", name=op.f("ck_service_window_receptions_outcome")
        ),
        sa.CheckConstraint(
            "applicant_type IN ('1', '2', '3', '4', '5', '6', '9')",
            name=op.f("ck_service_window_receptions_applicant_type"),
        ),
        sa.CheckConstraint("seconds >= 0", name=op.f("ck_service_window_receptions_seconds")),
        sa.CheckConstraint(
            "(outcome = 'forwarded') = (case_id IS NOT NULL)",
            name=op.f("ck_service_window_receptions_forwarded_case"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_service_window_receptions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["users.id"], name=op.f("fk_service_window_receptions_clerk_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_service_window_receptions_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["service_windows.id"],
            name=op.f("fk_service_window_receptions_window_id_service_windows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_window_receptions")),
        sa.UniqueConstraint("case_id", name=op.f("uq_service_window_receptions_case_id")),
        sa.UniqueConstraint("number", name=op.f("uq_service_window_receptions_number")),
    )
    for column in ("clerk_id", "department_id", "item_code"):
        op.create_index(
            op.f(f"ix_service_window_receptions_{column}"),
            "service_window_receptions",
            [column],
            unique=False,
        )
    op.create_index(
        "ix_service_window_receptions_window_at",
        "service_window_receptions",
        ["window_id", "received_at"],
        unique=False,
    )
    op.create_table(
        "service_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("bad", sa.Boolean(), nullable=False),
        sa.Column("dimensions", JSON, nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("rater_user_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", UTC, nullable=False),
        sa.CheckConstraint("stage IN ('acceptance', 'completion')", name=op.f("ck_service_ratings_stage")),
        sa.CheckConstraint("channel IN ('online', 'onsite')", name=op.f("ck_service_ratings_channel")),
        sa.CheckConstraint(
            "level IN ('very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', "
            "'very_dissatisfied')",
            name=op.f("ck_service_ratings_level"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_service_ratings_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_service_ratings_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["rater_user_id"], ["users.id"], name=op.f("fk_service_ratings_rater_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"], ["service_windows.id"], name=op.f("fk_service_ratings_window_id_service_windows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_ratings")),
        sa.UniqueConstraint("case_id", "stage", name="uq_service_rating_stage"),
    )
    for column in ("number", "item_code", "department_id", "window_id"):
        op.create_index(op.f(f"ix_service_ratings_{column}"), "service_ratings", [column], unique=False)
    op.create_index("ix_service_ratings_rated_at", "service_ratings", ["rated_at"], unique=False)
    op.create_table(
        "service_rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("verification", sa.Text(), nullable=True),
        sa.Column("verified_at", UTC, nullable=True),
        sa.Column("verified_by", sa.String(length=120), nullable=True),
        sa.Column("measure", sa.String(length=12), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("completed_at", UTC, nullable=True),
        sa.Column("completed_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "status IN ('verifying', 'rectifying', 'done')", name=op.f("ck_service_rectifications_status")
        ),
        sa.CheckConstraint(
            "measure IS NULL OR measure IN ('immediate', 'deadline', 'explain')",
            name=op.f("ck_service_rectifications_measure"),
        ),
        sa.CheckConstraint(
            "status = 'verifying' OR measure IS NOT NULL", name=op.f("ck_service_rectifications_measured")
        ),
        sa.CheckConstraint(
            "status <> 'done' OR (result IS NOT NULL AND completed_at IS NOT NULL)",
            name=op.f("ck_service_rectifications_done"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_service_rectifications_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["service_ratings.id"],
            name=op.f("fk_service_rectifications_rating_id_service_ratings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_rectifications")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_service_rectifications_rating_id")),
    )
    op.create_index(
        op.f("ix_service_rectifications_department_id"),
        "service_rectifications",
        ["department_id"],
        unique=False,
    )
    op.create_index(
        "ix_service_rectifications_status_due", "service_rectifications", ["status", "due_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("service_rectifications")
    op.drop_table("service_ratings")
    op.drop_table("service_window_receptions")
    op.drop_table("service_window_clerks")
    op.drop_table("service_windows")
    # window clerks have no role before this revision: they are kept, signed out and disabled
    op.execute("UPDATE users SET role = 'public', active = false WHERE role = 'window_clerk'")
    _role_check(_BEFORE)
