"""unified address library: divisions, address nodes (+ history), grids, grid workers

``grids.department_id`` and ``grid_workers.user_id`` are soft references (no foreign key): the
org tables belong to a higher layer and the address capability must work without loading them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:26:18.498082
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("grid_code", sa.String(length=15), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('road', 'compound', 'house_number', 'building', 'unit', 'floor', 'room', 'poi')",
            name=op.f("ck_address_nodes_kind"),
        ),
        sa.CheckConstraint("status IN ('active', 'retired', 'merged')", name=op.f("ck_address_nodes_status")),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name=op.f("ck_address_nodes_latitude")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name=op.f("ck_address_nodes_longitude"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["address_nodes.id"],
            name=op.f("fk_address_nodes_merged_into_id_address_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["address_nodes.id"], name=op.f("fk_address_nodes_parent_id_address_nodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_nodes")),
        sa.UniqueConstraint("code", name=op.f("uq_address_nodes_code")),
    )
    with op.batch_alter_table("address_nodes", schema=None) as batch_op:
        batch_op.create_index("ix_address_nodes_division_kind", ["division_code", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_address_nodes_grid_code"), ["grid_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_address_nodes_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_address_nodes_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "divisions",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("province_code", sa.String(length=12), nullable=False),
        sa.Column("city_code", sa.String(length=12), nullable=True),
        sa.Column("county_code", sa.String(length=12), nullable=True),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("full_name", sa.String(length=240), nullable=False),
        sa.CheckConstraint(
            "level IN ('province', 'city', 'county', 'township', 'village')", name=op.f("ck_divisions_level")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_divisions")),
    )
    with op.batch_alter_table("divisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_divisions_city_code"), ["city_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_divisions_county_code"), ["county_code"], unique=False)
        # equality and prefix search (LIKE '长沙%') also under a non-C PostgreSQL collation
        batch_op.create_index(
            "ix_divisions_name", ["name"], unique=False, postgresql_ops={"name": "varchar_pattern_ops"}
        )
        batch_op.create_index(batch_op.f("ix_divisions_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_divisions_township_code"), ["township_code"], unique=False)

    op.create_table(
        "address_node_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["address_nodes.id"], name=op.f("fk_address_node_history_node_id_address_nodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_node_history")),
    )
    with op.batch_alter_table("address_node_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_address_node_history_node_id"), ["node_id"], unique=False)

    op.create_table(
        "grids",
        sa.Column("code", sa.String(length=15), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column(
            "geometry",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_grids")),
    )
    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.create_index("ix_grids_bbox_lat", ["min_lat", "max_lat"], unique=False)
        batch_op.create_index("ix_grids_bbox_lon", ["min_lon", "max_lon"], unique=False)
        batch_op.create_index(batch_op.f("ix_grids_community_code"), ["community_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_grids_department_id"), ["department_id"], unique=False)

    op.create_table(
        "grid_workers",
        sa.Column("grid_code", sa.String(length=15), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_code"], ["grids.code"], name=op.f("fk_grid_workers_grid_code_grids"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("grid_code", "user_id", name=op.f("pk_grid_workers")),
    )
    with op.batch_alter_table("grid_workers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grid_workers_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grid_workers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_workers_user_id"))

    op.drop_table("grid_workers")
    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grids_department_id"))
        batch_op.drop_index(batch_op.f("ix_grids_community_code"))
        batch_op.drop_index("ix_grids_bbox_lon")
        batch_op.drop_index("ix_grids_bbox_lat")

    op.drop_table("grids")
    with op.batch_alter_table("address_node_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_address_node_history_node_id"))

    op.drop_table("address_node_history")
    with op.batch_alter_table("divisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_divisions_township_code"))
        batch_op.drop_index(batch_op.f("ix_divisions_parent_code"))
        batch_op.drop_index("ix_divisions_name")
        batch_op.drop_index(batch_op.f("ix_divisions_county_code"))
        batch_op.drop_index(batch_op.f("ix_divisions_city_code"))

    op.drop_table("divisions")
    with op.batch_alter_table("address_nodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_address_nodes_parent_id"))
        batch_op.drop_index(batch_op.f("ix_address_nodes_name"))
        batch_op.drop_index(batch_op.f("ix_address_nodes_grid_code"))
        batch_op.drop_index("ix_address_nodes_division_kind")

    op.drop_table("address_nodes")
