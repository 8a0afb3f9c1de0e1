"""taxonomy: the category tree's history, the city's category confirmations, trained classifiers

* ``category_changes``: every change of the category tree (created, renamed, moved, retired).
* ``category_confirmations``: a dispatcher's confirmation or correction of a case's category
  (training data for the city's classifier).
* ``classifier_models``: classifiers trained on the city's tree (the newest active one is used).

Revision ID: 0008
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "category_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.CheckConstraint(
            "action IN ('created', 'renamed', 'moved', 'retired')", name=op.f("ck_category_changes_action")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_category_changes_category_id_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_changes")),
    )
    op.create_index(op.f("ix_category_changes_category_id"), "category_changes", ["category_id"])
    op.create_table(
        "category_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("suggested_code", sa.String(length=40), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_category_confirmations_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_category_confirmations_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_category_confirmations_confirmed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_confirmations")),
    )
    op.create_index("ix_category_confirmations_case", "category_confirmations", ["case_id", "confirmed_at"])
    op.create_index(
        op.f("ix_category_confirmations_confirmed_at"), "category_confirmations", ["confirmed_at"]
    )
    op.create_table(
        "classifier_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=80), nullable=False),
        sa.Column("trained_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("artifact", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_models")),
        sa.UniqueConstraint("version", name=op.f("uq_classifier_models_version")),
    )


def downgrade() -> None:
    op.drop_table("classifier_models")
    op.drop_table("category_confirmations")
    op.drop_table("category_changes")
