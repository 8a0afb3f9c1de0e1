"""Address library service: standard address nodes (digital codes, history) and ``locate``.

Digital address code (地址编码), 20 digits, stable for the life of the address:

    12-digit division code (village/community, or the township when no village is known)
    + 2-digit element kind (GA/T 2000.32 style: 41 road, 42 compound, 51 house number,
      52 building, 53 unit, 54 floor, 55 room, 61 POI)
    + 6-digit serial, allocated per division and kind, never reused.

A retired or merged address keeps its code (``merged_into_id`` points to the survivor); every
change appends an ``address_node_history`` row and an audit entry.  Services flush, never commit.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.addresses import divisions as division_service
from zhizhi.addresses import repository as repo
from zhizhi.addresses.coords import distance_m
from zhizhi.addresses.geocoder import geocode
from zhizhi.addresses.grids import load_demo_grids, locate_grid
from zhizhi.addresses.models import NODE_KINDS, AddressNode, AddressNodeHistory, Division, Grid
from zhizhi.core import audit
from zhizhi.core.errors import Conflict, ValidationFailed
from zhizhi.org import service as org
from zhizhi.org.schemas import DepartmentRef

KIND_CODES = {
    "road": "41",
    "compound": "42",
    "house_number": "51",
    "building": "52",
    "unit": "53",
    "floor": "54",
    "room": "55",
    "poi": "61",
}
DEMO_ADDRESSES_FILE = Path(__file__).resolve().parent / "demo_addresses.json"


def _history(session: Session, node: AddressNode, action: str, actor: audit.Actor, **changes: Any) -> None:
    repo.add_history(
        session, AddressNodeHistory(node_id=node.id, actor=actor.name, action=action, changes=changes)
    )
    audit.record(
        session, f"address.{action}", actor, object_type="address_node", object_id=node.code, **changes
    )


def next_code(session: Session, division_code: str, kind: str) -> str:
    prefix = division_code + KIND_CODES[kind]
    newest = repo.newest_code(session, prefix)
    serial = int(newest[len(prefix) :]) + 1 if newest else 1
    return f"{prefix}{serial:06d}"


def create_node(
    session: Session,
    *,
    kind: str,
    name: str,
    division_code: str,
    parent: AddressNode | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    actor: audit.Actor | None = None,
) -> AddressNode:
    """Create a standard address; its grid is found from the coordinates when given."""
    actor = actor or audit.Actor.system()
    if kind not in NODE_KINDS:
        raise ValidationFailed(f"地址类型无效：{kind}", f"unknown address kind {kind!r}", field="kind")
    if not name.strip():
        raise ValidationFailed("地址名称不能为空", "the address name is required", field="name")
    division_service.check_code(division_code, "division_code")
    if (latitude is None) != (longitude is None):
        raise ValidationFailed("经纬度须同时提供", "give both latitude and longitude", field="latitude")
    if parent is not None and parent.status != "active":
        raise Conflict("上级地址已注销", "the parent address is not active", field="parent_id")
    grid = (
        locate_grid(session, latitude, longitude) if latitude is not None and longitude is not None else None
    )
    node = AddressNode(
        code=next_code(session, division_code, kind),
        kind=kind,
        name=name.strip(),
        division_code=division_code,
        parent_id=None if parent is None else parent.id,
        latitude=latitude,
        longitude=longitude,
        grid_code=None if grid is None else grid.code,
        status="active",
    )
    repo.add_node(session, node)
    _history(session, node, "created", actor, name=node.name, kind=kind, grid_code=node.grid_code)
    return node


def retire_node(
    session: Session,
    node: AddressNode,
    *,
    merged_into: AddressNode | None = None,
    actor: audit.Actor | None = None,
) -> None:
    actor = actor or audit.Actor.system()
    if node.status != "active":
        raise Conflict("地址已注销", "the address is not active", field="status")
    node.status = "retired" if merged_into is None else "merged"
    node.merged_into_id = None if merged_into is None else merged_into.id
    session.flush()
    _history(session, node, node.status, actor, merged_into=None if merged_into is None else merged_into.code)


# --------------------------------------------------------------------------- locate (case intake)


@dataclass(frozen=True, slots=True)
class Location:
    address_code: str | None = None
    division_code: str | None = None
    grid_code: str | None = None
    community_code: str | None = None
    territorial_department_code: str | None = None
    territorial_department_id: int | None = None  # set when that department is active
    confidence: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _valid_point(latitude: Any, longitude: Any) -> bool:
    return (
        isinstance(latitude, int | float)
        and isinstance(longitude, int | float)
        and math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def territorial_department(session: Session, division_code: str | None) -> DepartmentRef | None:
    """The active department of the deepest matching division: community, township, county, city."""
    if not division_service_is_code(division_code):
        return None
    assert division_code is not None
    chain = [
        division_code,
        division_code[:9] + "000",
        division_code[:6] + "0" * 6,
        division_code[:4] + "0" * 8,
    ]
    return org.territorial_department(session, chain)


def division_service_is_code(code: str | None) -> bool:
    return isinstance(code, str) and division_service.is_valid_code(code)


def _deeper(a: str | None, b: str | None) -> str | None:
    """The deeper of two division codes (more non-zero tail)."""
    if not a or not b:
        return a or b
    rank = division_service.LEVELS.index
    return a if rank(division_service.level_of(a)) >= rank(division_service.level_of(b)) else b


def locate(
    session: Session, address: str | None, latitude: float | None, longitude: float | None
) -> Location:
    """Resolve an incoming case's place: standard address, division, grid, territorial department.

    Coordinates (WGS-84) decide the grid when they fall inside one; otherwise the matched
    address node's grid.  Never raises for bad input: returns an empty :class:`Location`.
    """
    try:
        with session.begin_nested():  # a database error must not poison the caller's transaction
            return _locate(session, address, latitude, longitude)
    except Exception:  # intake must never fail on a place it cannot resolve
        return Location()


def _locate(
    session: Session, address: str | None, latitude: float | None, longitude: float | None
) -> Location:
    geo = geocode(session, address) if isinstance(address, str) and address.strip() else None
    grid_code = community = None
    confidence = geo.confidence if geo else 0.0
    if _valid_point(latitude, longitude):
        assert latitude is not None and longitude is not None
        hit = locate_grid(session, float(latitude), float(longitude))
        if hit is not None:
            grid_code, community = hit.code, hit.community_code
            confidence = max(confidence, 0.95)
    if grid_code is None and geo is not None and geo.node is not None and geo.node.grid_code:
        grid = repo.grid(session, geo.node.grid_code)
        if grid is not None:
            grid_code, community = grid.code, grid.community_code
    division = _deeper(geo.division_code if geo else None, community)
    if community is None and division and division_service.level_of(division) == "village":
        community = division
    department = territorial_department(session, community or division)
    if grid_code is not None:
        grid_dept = org.department(session, repo.grid_department_id(session, grid_code))
        department = grid_dept or department
    return Location(
        address_code=geo.node.code if geo and geo.node else None,
        division_code=division,
        grid_code=grid_code,
        community_code=community,
        territorial_department_code=None if department is None else department.code,
        territorial_department_id=department.id if department is not None and department.active else None,
        confidence=round(confidence, 4),
    )


# --------------------------------------------------------------------------- demo data


def load_demo(session: Session) -> dict[str, int]:
    """Demo grids (岳麓区) and a handful of standard addresses; divisions must be imported first
    for names to show (``import_divisions``), but nothing here requires them."""
    grids = load_demo_grids(session)
    created = 0
    spec = json.loads(DEMO_ADDRESSES_FILE.read_text(encoding="utf-8"))

    def add(item: dict[str, Any], parent: AddressNode | None) -> None:
        nonlocal created
        existing = repo.node_named(
            session, item["division_code"], item["name"], None if parent is None else parent.id
        )
        node = existing or create_node(
            session,
            kind=item["kind"],
            name=item["name"],
            division_code=item["division_code"],
            parent=parent,
            latitude=item.get("latitude"),
            longitude=item.get("longitude"),
        )
        created += existing is None
        for child in item.get("children", []):
            add({"division_code": item["division_code"], **child}, node)

    for item in spec["addresses"]:
        add(item, None)
    return {"grids": grids.created + grids.updated, "addresses": created}


def division(session: Session, code: str | None) -> Division | None:
    return repo.division(session, code) if code else None


def grid(session: Session, code: str | None) -> Grid | None:
    return repo.grid(session, code) if code else None


def grid_department(session: Session, grid: Grid) -> DepartmentRef | None:
    """The grid's own department, else the territorial department of its community."""
    return org.department(session, grid.department_id) or territorial_department(session, grid.community_code)


def division_name(session: Session, code: str | None) -> str | None:
    return None if code is None else repo.full_name(session, code)


# --------------------------------------------------------------------------- reverse geocoding

REVERSE_RADIUS_M = 1500.0


@dataclass(frozen=True, slots=True)
class Reverse:
    """The standard address nearest a point (within ``REVERSE_RADIUS_M``) and the grid holding it."""

    address: str | None = None  # display text: division full name + the node's chain
    address_code: str | None = None
    distance_m: float | None = None
    division_code: str | None = None
    grid_code: str | None = None
    grid_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _node_label(session: Session, node: Any) -> str:
    names = [node.name]
    parent_id = node.parent_id
    for _ in range(6):
        if parent_id is None:
            break
        parent = repo.node_by_id(session, parent_id)
        if parent is None:
            break
        names.append(parent.name)
        parent_id = parent.parent_id
    prefix = repo.full_name(session, node.division_code) or ""
    return prefix + "".join(reversed(names))


def reverse_geocode(session: Session, latitude: float, longitude: float) -> Reverse:
    """The nearest standard address and the grid of a WGS-84 point (a map pick, a photo's GPS)."""
    if not _valid_point(latitude, longitude):
        return Reverse()
    span_lat = REVERSE_RADIUS_M / 111_000
    span_lon = span_lat / max(math.cos(math.radians(latitude)), 0.01)
    lat_box = (latitude - span_lat, latitude + span_lat)
    nodes = repo.active_nodes_in_box(session, lat_box, (longitude - span_lon, longitude + span_lon), 2000)
    best, best_d = None, REVERSE_RADIUS_M
    for node in nodes:
        if node.latitude is None or node.longitude is None:
            continue
        d = distance_m(latitude, longitude, node.latitude, node.longitude)
        if d <= best_d:
            best, best_d = node, d
    hit = locate_grid(session, latitude, longitude)
    grid_row = repo.grid(session, hit.code) if hit is not None else None
    division = best.division_code if best is not None else (hit.community_code if hit else None)
    return Reverse(
        address=_node_label(session, best) if best is not None else None,
        address_code=best.code if best is not None else None,
        distance_m=round(best_d, 1) if best is not None else None,
        division_code=division,
        grid_code=grid_row.code if grid_row is not None else None,
        grid_name=grid_row.name if grid_row is not None else None,
    )


MAP_GRIDS_LIMIT = 500


def grids_geojson(session: Session, lat: tuple[float, float], lon: tuple[float, float]) -> dict[str, Any]:
    """The grids overlapping a box as a GeoJSON FeatureCollection (WGS-84) for the map picker;
    at most ``MAP_GRIDS_LIMIT`` (``truncated`` says when more overlap: zoom in)."""
    rows = repo.grids_in_box(session, lat, lon, MAP_GRIDS_LIMIT + 1)
    features = [
        {"type": "Feature", "properties": {"code": r.code, "name": r.name}, "geometry": r.geometry}
        for r in rows[:MAP_GRIDS_LIMIT]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > MAP_GRIDS_LIMIT}
