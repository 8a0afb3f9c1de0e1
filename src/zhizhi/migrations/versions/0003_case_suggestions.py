"""case_suggestions and hotspot_snapshots: stored AI outputs with the person's decision

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "case_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=True),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decision", JSON, nullable=True),
        sa.CheckConstraint(
            "kind IN ('classification', 'dispatch', 'duplicates')", name=op.f("ck_case_suggestions_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'overridden', 'dismissed')",
            name=op.f("ck_case_suggestions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_suggestions_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_case_suggestions_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_suggestions")),
    )
    op.create_index("ix_case_suggestions_case_kind", "case_suggestions", ["case_id", "kind"])
    op.create_index("ix_case_suggestions_review", "case_suggestions", ["needs_review", "status"])
    op.create_index(op.f("ix_case_suggestions_category_code"), "case_suggestions", ["category_code"])
    op.create_table(
        "hotspot_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("cases_considered", sa.Integer(), nullable=False),
        sa.Column("hotspots", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotspot_snapshots")),
    )
    op.create_index(op.f("ix_hotspot_snapshots_computed_at"), "hotspot_snapshots", ["computed_at"])


def downgrade() -> None:
    op.drop_table("hotspot_snapshots")
    op.drop_table("case_suggestions")
