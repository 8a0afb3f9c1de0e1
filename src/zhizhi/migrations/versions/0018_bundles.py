"""services: bundles (一件事一次办) and 免提交 records

* ``bundles`` / ``bundle_items``: a bundle and its parts (item, dependencies, who may apply);
* ``bundle_applications`` / ``bundle_application_parts``: one submission of a bundle and, per
  part, the application (a ``cases`` row of kind ``application``) it opened and its outcome;
* ``prefill_records``: per application, what data provided instead of the applicant.

New tables only (``cases`` is never batch-copied).

Revision ID: 0018_bundles
Revises: 0018_applications (the lead re-chains after the other services migrations)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0018_bundles"
down_revision = "0018_applications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("life_event", sa.String(length=40), nullable=True),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("status IN ('active', 'retired')", name=op.f("ck_bundles_status")),
        sa.ForeignKeyConstraint(
            ["lead_department_id"], ["departments.id"], name=op.f("fk_bundles_lead_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundles")),
        sa.UniqueConstraint("code", name=op.f("uq_bundles_code")),
    )
    op.create_table(
        "bundle_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("applicant_user_id", sa.Integer(), nullable=True),
        sa.Column("applicant_type", sa.String(length=1), nullable=False),
        sa.Column("applicant_masked", sa.String(length=40), nullable=False),
        sa.Column("applicant_index", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("fields_total", sa.Integer(), nullable=False),
        sa.Column("fields_asked", sa.Integer(), nullable=False),
        sa.Column("fields_prefilled", sa.Integer(), nullable=False),
        sa.Column("materials_total", sa.Integer(), nullable=False),
        sa.Column("materials_asked", sa.Integer(), nullable=False),
        sa.Column("submitted_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "fields_asked <= fields_total AND materials_asked <= materials_total",
            name=op.f("ck_bundle_applications_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_user_id"], ["users.id"], name=op.f("fk_bundle_applications_applicant_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["bundle_id"], ["bundles.id"], name=op.f("fk_bundle_applications_bundle_id_bundles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_bundle_applications_number")),
    )
    op.create_index(
        op.f("ix_bundle_applications_applicant_index"),
        "bundle_applications",
        ["applicant_index"],
        unique=False,
    )
    op.create_index(
        op.f("ix_bundle_applications_applicant_user_id"),
        "bundle_applications",
        ["applicant_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_bundle_applications_bundle_id"), "bundle_applications", ["bundle_id"], unique=False
    )
    op.create_index(
        op.f("ix_bundle_applications_submitted_at"), "bundle_applications", ["submitted_at"], unique=False
    )

    op.create_table(
        "bundle_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=31), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column(
            "depends_on",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "applicant_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("condition", sa.String(length=300), nullable=False),
        sa.Column("condition_en", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"], ["bundles.id"], name=op.f("fk_bundle_items_bundle_id_bundles")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_bundle_items_item_id_service_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_items")),
        sa.UniqueConstraint("bundle_id", "part", name="uq_bundle_items_part"),
    )
    op.create_index(op.f("ix_bundle_items_bundle_id"), "bundle_items", ["bundle_id"], unique=False)
    op.create_index(op.f("ix_bundle_items_item_id"), "bundle_items", ["item_id"], unique=False)

    op.create_table(
        "bundle_application_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("bundle_item_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=14), nullable=False),
        sa.Column("outcome_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('open', 'approved', 'denied', 'not_accepted', 'withdrawn')",
            name=op.f("ck_bundle_application_parts_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["bundle_applications.id"],
            name=op.f("fk_bundle_application_parts_application_id_bundle_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["bundle_item_id"],
            ["bundle_items.id"],
            name=op.f("fk_bundle_application_parts_bundle_item_id_bundle_items"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_bundle_application_parts_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_bundle_application_parts_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["service_item_versions.id"],
            name=op.f("fk_bundle_application_parts_version_id_service_item_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_application_parts")),
        sa.UniqueConstraint("application_id", "part", name="uq_bundle_application_parts_part"),
        sa.UniqueConstraint("case_id", name=op.f("uq_bundle_application_parts_case_id")),
    )
    op.create_index(
        op.f("ix_bundle_application_parts_application_id"),
        "bundle_application_parts",
        ["application_id"],
        unique=False,
    )

    op.create_table(
        "prefill_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fields_total", sa.Integer(), nullable=False),
        sa.Column("fields_saved", sa.Integer(), nullable=False),
        sa.Column("materials_total", sa.Integer(), nullable=False),
        sa.Column("materials_saved", sa.Integer(), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "materials",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "fields_saved <= fields_total AND materials_saved <= materials_total",
            name=op.f("ck_prefill_records_counts"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_prefill_records_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prefill_records")),
        sa.UniqueConstraint("case_id", name=op.f("uq_prefill_records_case_id")),
    )


def downgrade() -> None:
    op.drop_table("prefill_records")
    op.drop_index(op.f("ix_bundle_application_parts_application_id"), table_name="bundle_application_parts")

    op.drop_table("bundle_application_parts")
    op.drop_index(op.f("ix_bundle_items_item_id"), table_name="bundle_items")
    op.drop_index(op.f("ix_bundle_items_bundle_id"), table_name="bundle_items")

    op.drop_table("bundle_items")
    op.drop_index(op.f("ix_bundle_applications_submitted_at"), table_name="bundle_applications")
    op.drop_index(op.f("ix_bundle_applications_bundle_id"), table_name="bundle_applications")
    op.drop_index(op.f("ix_bundle_applications_applicant_user_id"), table_name="bundle_applications")
    op.drop_index(op.f("ix_bundle_applications_applicant_index"), table_name="bundle_applications")

    op.drop_table("bundle_applications")
    op.drop_table("bundles")
