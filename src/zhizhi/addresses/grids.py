"""Unit grids (单元网格): GeoJSON import with validation, point-in-polygon, per-process index.

Grid code (DOMAIN.md §5, Beijing DB11/T 2157-2023): 15 digits = 6 county + 3 township +
3 community + 3 serial, i.e. the community's 12-digit division code followed by a 3-digit
serial.  Geometry is a GeoJSON ``Polygon`` or ``MultiPolygon`` in WGS-84 (``[lon, lat]``);
a file picked on a Chinese web map (GCJ-02) is converted on import (``frame="gcj02"``).

Locating a point: a bucket index (0.01° cells) over the grids' bounding boxes narrows the
candidates, then ray casting decides (holes excluded; a point on an edge counts as inside).
The index is built once per process and database and rebuilt when the ``grids`` table changes
(count and newest ``updated_at``, checked with one cheap query per lookup).
"""

from __future__ import annotations

import json
import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.addresses import repository as repo
from zhizhi.addresses.coords import gcj02_to_wgs84
from zhizhi.addresses.models import Grid, GridWorker
from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from zhizhi.org import service as org

DEMO_GRIDS_FILE = Path(__file__).resolve().parent / "demo_grids.geojson"
CELL = 0.01  # degrees, bucket size of the in-memory index
Ring = list[tuple[float, float]]  # (lon, lat)
Polygon = list[Ring]  # outer ring first, then holes


# --------------------------------------------------------------------------- geometry


def _on_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> bool:
    (x1, y1), (x2, y2) = a, b
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    if abs(cross) > 1e-12 * max(1.0, abs(x2 - x1) + abs(y2 - y1)):
        return False
    return min(x1, x2) - 1e-12 <= x <= max(x1, x2) + 1e-12 and min(y1, y2) - 1e-12 <= y <= max(y1, y2) + 1e-12


def ring_contains(ring: Ring, x: float, y: float) -> int:
    """1 inside, 0 outside, -1 on the boundary (ray casting, even-odd rule)."""
    inside = False
    n = len(ring)
    for i in range(n):
        a, b = ring[i], ring[(i + 1) % n]
        if _on_segment(x, y, a, b):
            return -1
        (x1, y1), (x2, y2) = a, b
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return 1 if inside else 0


def polygon_contains(polygon: Polygon, x: float, y: float) -> bool:
    """Inside the outer ring and not strictly inside a hole; boundaries count as inside."""
    outer = ring_contains(polygon[0], x, y)
    if outer == 0:
        return False
    if outer == -1:
        return True
    return all(ring_contains(hole, x, y) != 1 for hole in polygon[1:])


def polygons_of(geometry: dict[str, Any]) -> list[Polygon]:
    coords = geometry["coordinates"]
    raw = [coords] if geometry["type"] == "Polygon" else coords
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in raw]


def bbox(polygons: list[Polygon]) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon)"""
    xs = [p[0] for poly in polygons for p in poly[0]]
    ys = [p[1] for poly in polygons for p in poly[0]]
    return min(ys), max(ys), min(xs), max(xs)


# --------------------------------------------------------------------------- validation + import


def _check_geometry(geometry: Any, where: str) -> list[FieldProblem]:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return [
            FieldProblem(
                where, "几何必须是 Polygon 或 MultiPolygon", "geometry must be a Polygon or MultiPolygon"
            )
        ]
    coords = geometry.get("coordinates")
    polys = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polys, list) or not polys:
        return [FieldProblem(f"{where}.coordinates", "缺少坐标", "coordinates are missing")]
    for p, poly in enumerate(polys):
        if not isinstance(poly, list) or not poly:
            return [FieldProblem(f"{where}.coordinates", "多边形为空", f"polygon {p} is empty")]
        for r, ring in enumerate(poly):
            ok = isinstance(ring, list) and len(ring) >= 4
            ok = ok and all(
                isinstance(pt, list | tuple)
                and len(pt) >= 2
                and all(isinstance(v, int | float) and math.isfinite(v) for v in pt[:2])
                and -180 <= pt[0] <= 180
                and -90 <= pt[1] <= 90
                for pt in ring
            )
            if not ok:
                return [
                    FieldProblem(
                        f"{where}.coordinates",
                        f"第 {r + 1} 个环无效：至少 4 个 [经度, 纬度] 点且数值在范围内",
                        f"ring {r} is invalid: needs at least 4 [lon, lat] positions within range",
                    )
                ]
            if list(ring[0][:2]) != list(ring[-1][:2]):
                return [
                    FieldProblem(f"{where}.coordinates", f"第 {r + 1} 个环未闭合", f"ring {r} is not closed")
                ]
    return []


def _check_feature(i: int, feature: Any, seen: set[str]) -> list[FieldProblem]:
    where = f"features.{i}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [FieldProblem(where, "必须是 GeoJSON Feature", "must be a GeoJSON Feature")]
    props = feature.get("properties") or {}
    problems: list[FieldProblem] = []
    code = str(props.get("code", ""))
    community = str(props.get("community_code", ""))
    if not (len(code) == 15 and code.isascii() and code.isdigit()):
        problems.append(
            FieldProblem(
                f"{where}.properties.code", "网格编码必须是 15 位数字", "grid code must be 15 digits"
            )
        )
    elif code in seen:
        problems.append(
            FieldProblem(f"{where}.properties.code", f"网格编码重复：{code}", f"duplicate grid code {code}")
        )
    if not (len(community) == 12 and community.isascii() and community.isdigit() and community[9:] != "000"):
        problems.append(
            FieldProblem(
                f"{where}.properties.community_code",
                "社区代码必须是 12 位村级区划代码",
                "community_code must be a 12-digit village-level division code",
            )
        )
    elif len(code) == 15 and not code.startswith(community):
        problems.append(
            FieldProblem(
                f"{where}.properties.code",
                "网格编码前 12 位必须等于所属社区代码",
                "the first 12 digits of the grid code must be its community code",
            )
        )
    if not str(props.get("name", "")).strip():
        problems.append(FieldProblem(f"{where}.properties.name", "缺少网格名称", "grid name is missing"))
    problems.extend(_check_geometry(feature.get("geometry"), f"{where}.geometry"))
    seen.add(code)
    return problems


def _to_wgs84(geometry: dict[str, Any]) -> dict[str, Any]:
    def conv(ring: list[list[float]]) -> list[list[float]]:
        return [list(reversed(gcj02_to_wgs84(p[1], p[0]))) for p in ring]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [conv(r) for r in geometry["coordinates"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[conv(r) for r in poly] for poly in geometry["coordinates"]],
    }


@dataclass(frozen=True, slots=True)
class GridImport:
    created: int
    updated: int


def import_grids(session: Session, collection: Any, *, frame: str = "wgs84") -> GridImport:
    """Upsert the grids of a GeoJSON FeatureCollection; all-or-nothing (422 naming each field).

    Feature properties: ``code`` (15 digits), ``name``, ``community_code`` (12 digits), optional
    ``department_code`` (a department's ``code``; its id is stored).
    """
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationFailed(
            "必须是 GeoJSON FeatureCollection", "must be a GeoJSON FeatureCollection", field="type"
        )
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationFailed("features 不能为空", "features must be a non-empty list", field="features")
    seen: set[str] = set()
    problems = [p for i, f in enumerate(features) for p in _check_feature(i, f, seen)]
    dept_codes = {
        str(f["properties"]["department_code"])
        for f in features
        if (f.get("properties") or {}).get("department_code")
    }
    depts = org.department_ids(session, sorted(dept_codes))
    for i, f in enumerate(features):
        dc = (f.get("properties") or {}).get("department_code")
        if dc and str(dc) not in depts:
            problems.append(
                FieldProblem(
                    f"features.{i}.properties.department_code", f"部门不存在：{dc}", f"no department {dc}"
                )
            )
    if problems:
        raise ValidationFailed(
            f"网格数据有 {len(problems)} 处错误",
            f"{len(problems)} problem(s) in the grid file",
            errors=problems[:50],
        )
    created = updated = 0
    for f in features:
        props = f["properties"]
        geometry = f["geometry"] if frame == "wgs84" else _to_wgs84(f["geometry"])
        min_lat, max_lat, min_lon, max_lon = bbox(polygons_of(geometry))
        grid = repo.grid(session, str(props["code"]))
        if grid is None:
            grid = Grid(code=str(props["code"]))
            repo.add_grid(session, grid)
            created += 1
        else:
            updated += 1
        grid.name = str(props["name"]).strip()
        grid.community_code = str(props["community_code"])
        grid.geometry = geometry
        grid.min_lat, grid.max_lat, grid.min_lon, grid.max_lon = min_lat, max_lat, min_lon, max_lon
        grid.department_id = depts.get(str(props.get("department_code") or ""))
        grid.updated_at = clock.now()
    session.flush()
    audit.record(
        session, "grids.import", audit.Actor.system(), object_type="grids", created=created, updated=updated
    )
    invalidate_index()
    return GridImport(created, updated)


def import_grids_file(session: Session, path: Path | str, *, frame: str = "wgs84") -> GridImport:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed(
            "无法读取 GeoJSON 文件", f"cannot read the GeoJSON file: {exc}", field="file"
        ) from exc
    return import_grids(session, data, frame=frame)


def load_demo_grids(session: Session) -> GridImport:
    return import_grids_file(session, DEMO_GRIDS_FILE)


# --------------------------------------------------------------------------- grid workers


def assign_worker(
    session: Session, grid_code: str, user_id: int, *, actor: audit.Actor | None = None
) -> None:
    """Make a user a grid worker (网格员) of a grid; 404 for an unknown grid or user, 409 if already."""
    if repo.grid(session, grid_code) is None:
        raise NotFound(f"网格不存在：{grid_code}", f"no grid {grid_code}", field="grid_code")
    if not org.user_exists(session, user_id):
        raise NotFound(f"用户不存在：{user_id}", f"no user {user_id}", field="user_id")
    if repo.worker(session, grid_code, user_id) is not None:
        raise Conflict("该用户已是此网格的网格员", "the user already works this grid", field="user_id")
    repo.add_worker(session, GridWorker(grid_code=grid_code, user_id=user_id))
    audit.record(
        session,
        "grids.assign_worker",
        actor or audit.Actor.system(),
        object_type="grid",
        object_id=grid_code,
        user_id=user_id,
    )


def remove_worker(
    session: Session, grid_code: str, user_id: int, *, actor: audit.Actor | None = None
) -> None:
    worker = repo.worker(session, grid_code, user_id)
    if worker is None:
        raise NotFound("该用户不是此网格的网格员", "the user does not work this grid", field="user_id")
    repo.remove_worker(session, worker)
    audit.record(
        session,
        "grids.remove_worker",
        actor or audit.Actor.system(),
        object_type="grid",
        object_id=grid_code,
        user_id=user_id,
    )


def workers_of(session: Session, grid_code: str) -> list[int]:
    return repo.workers_of(session, grid_code)


def grids_of_worker(session: Session, user_id: int) -> list[str]:
    return repo.grids_of_worker(session, user_id)


# --------------------------------------------------------------------------- index + locate


@dataclass(slots=True)
class _Entry:
    code: str
    community_code: str
    department_id: int | None
    box: tuple[float, float, float, float]
    polygons: list[Polygon]


@dataclass(slots=True)
class GridIndex:
    token: tuple[Any, ...]
    buckets: dict[tuple[int, int], list[_Entry]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entry: _Entry) -> None:
        min_lat, max_lat, min_lon, max_lon = entry.box
        for i in range(math.floor(min_lat / CELL), math.floor(max_lat / CELL) + 1):
            for j in range(math.floor(min_lon / CELL), math.floor(max_lon / CELL) + 1):
                self.buckets[(i, j)].append(entry)

    def locate(self, lat: float, lon: float) -> _Entry | None:
        for e in self.buckets.get((math.floor(lat / CELL), math.floor(lon / CELL)), ()):
            min_lat, max_lat, min_lon, max_lon = e.box
            in_box = min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
            if in_box and any(polygon_contains(p, lon, lat) for p in e.polygons):
                return e
        return None


_indexes: dict[str, GridIndex] = {}
_lock = threading.Lock()


def invalidate_index() -> None:
    with _lock:
        _indexes.clear()


def grid_index(session: Session) -> GridIndex:
    bind = session.get_bind()
    key = str(bind.engine.url)
    token = repo.grid_token(session)
    with _lock:
        index = _indexes.get(key)
    if index is not None and index.token == token:
        return index
    index = GridIndex(token)
    for code, community, dept, geometry, *box in repo.grid_rows(session):
        index.add(_Entry(code, community, dept, (box[0], box[1], box[2], box[3]), polygons_of(geometry)))
    with _lock:
        _indexes[key] = index
    return index


@dataclass(frozen=True, slots=True)
class GridHit:
    code: str
    community_code: str
    department_id: int | None


def locate_grid(session: Session, latitude: float, longitude: float) -> GridHit | None:
    """The grid containing a WGS-84 point, or ``None``."""
    entry = grid_index(session).locate(latitude, longitude)
    return None if entry is None else GridHit(entry.code, entry.community_code, entry.department_id)


def synthesise_demo_grids(
    communities: list[tuple[str, str, float]],
    *,
    lon0: float = 112.930,
    cols: int = 4,
    rows: int = 3,
    size_m: float = 300.0,
) -> dict[str, Any]:
    """Square grids of ``size_m`` in a ``rows × cols`` block per community (demo data recipe)."""
    d_lat = size_m / 111_320.0
    features = []
    for community, name, lat0 in communities:
        d_lon = size_m / (111_320.0 * math.cos(math.radians(lat0)))
        serial = 0
        for r in range(rows):
            for c in range(cols):
                serial += 1
                s, w = round(lat0 + r * d_lat, 6), round(lon0 + c * d_lon, 6)
                n, e = round(lat0 + (r + 1) * d_lat, 6), round(lon0 + (c + 1) * d_lon, 6)
                ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
                features.append(
                    {
                        "type": "Feature",
                        "properties": {
                            "code": f"{community}{serial:03d}",
                            "name": f"{name}第{serial}网格",
                            "community_code": community,
                        },
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                )
    return {"type": "FeatureCollection", "features": features}
