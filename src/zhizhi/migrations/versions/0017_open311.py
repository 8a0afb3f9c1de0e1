"""open311: posting clients (hashed API keys) and request tokens (docs/open311.md)

Revision ID: 0017_open311
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0017_open311"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC = zhizhi.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("last_used_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_open311_clients_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_clients_name")),
        sa.UniqueConstraint("key_prefix", name=op.f("uq_open311_clients_key_prefix")),
    )
    op.create_table(
        "open311_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=20), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["open311_clients.id"], name=op.f("fk_open311_tokens_client_id_open311_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_tokens")),
        sa.UniqueConstraint("token", name=op.f("uq_open311_tokens_token")),
    )
    op.create_index(op.f("ix_open311_tokens_client_id"), "open311_tokens", ["client_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_open311_tokens_client_id"), table_name="open311_tokens")
    op.drop_table("open311_tokens")
    op.drop_table("open311_clients")
