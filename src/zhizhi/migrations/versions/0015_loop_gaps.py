"""loop gaps: classifier retrainings asked for by a person, run on the job queue

* ``classifier_trainings``: one row per ``POST /api/v1/nlp/city-model`` (queued, running, done
  with the model's version, or failed with the reason in both languages).

Revision ID: 0015
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classifier_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("model_version", sa.String(length=80), nullable=True),
        sa.Column("error_zh", sa.String(length=400), nullable=True),
        sa.Column("error_en", sa.String(length=400), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_classifier_trainings_status"
        ),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("classifier_trainings")
