"""Unified address library (统一地址库) and grids (网格化): SQLAlchemy models.

* ``divisions`` — statistical divisions to village level, 12-digit code as primary key.  The
  ancestor codes (province … township) are denormalised for one-column filtering.  ``parent_code``
  is a soft reference (no foreign key) so the reference table can be replaced in bulk.
* ``address_nodes`` — standard addresses below the village (road, compound, house number,
  building, unit, floor, room, POI) with a stable digital code, see :mod:`zhizhi.addresses.service`
  and ``docs/addresses-db.md``; coordinates are WGS-84.
* ``address_node_history`` — append-only record of every change to a node.
* ``grids`` — unit grids (单元网格), 15-digit code, GeoJSON polygon, bounding box columns as a
  coarse spatial prefilter; ``grid_workers`` — the grid workers (网格员) of a grid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core import clock
from zhizhi.core.db import Base, JSONType, UTCDateTime

DIVISION_LEVELS = ("province", "city", "county", "township", "village")
NODE_KINDS = ("road", "compound", "house_number", "building", "unit", "floor", "room", "poi")
NODE_STATUSES = ("active", "retired", "merged")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Division(Base):
    __tablename__ = "divisions"
    __table_args__ = (
        CheckConstraint(_in("level", DIVISION_LEVELS), name="level"),
        # equality and prefix search (name LIKE '长沙%'), also under a non-C PostgreSQL collation
        Index("ix_divisions_name", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[str] = mapped_column(String(10), nullable=False)
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    province_code: Mapped[str] = mapped_column(String(12), nullable=False)
    city_code: Mapped[str | None] = mapped_column(String(12), index=True)
    county_code: Mapped[str | None] = mapped_column(String(12), index=True)
    township_code: Mapped[str | None] = mapped_column(String(12), index=True)
    full_name: Mapped[str] = mapped_column(String(240), nullable=False)


class AddressNode(Base):
    __tablename__ = "address_nodes"
    __table_args__ = (
        CheckConstraint(_in("kind", NODE_KINDS), name="kind"),
        CheckConstraint(_in("status", NODE_STATUSES), name="status"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"),
        Index("ix_address_nodes_division_kind", "division_code", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("address_nodes.id"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), nullable=False)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("address_nodes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now, onupdate=clock.now
    )


class AddressNodeHistory(Base):
    """Append-only: one row per creation, change, retirement or merge of an address node."""

    __tablename__ = "address_node_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("address_nodes.id"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)


class Grid(Base):
    __tablename__ = "grids"
    __table_args__ = (
        Index("ix_grids_bbox_lat", "min_lat", "max_lat"),
        Index("ix_grids_bbox_lon", "min_lon", "max_lon"),
    )

    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    community_code: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    min_lat: Mapped[float] = mapped_column(Float, nullable=False)
    max_lat: Mapped[float] = mapped_column(Float, nullable=False)
    min_lon: Mapped[float] = mapped_column(Float, nullable=False)
    max_lon: Mapped[float] = mapped_column(Float, nullable=False)
    # soft reference to departments.id (org's table: no ORM/DB foreign key across domains)
    department_id: Mapped[int | None] = mapped_column(Integer, index=True)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now, onupdate=clock.now
    )


class GridWorker(Base):
    __tablename__ = "grid_workers"

    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)  # soft ref. users.id
