"""Grids: point-in-polygon, GeoJSON validation, import, the per-process index, the locate API,
and the WGS-84 / GCJ-02 conversion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.addresses.test_db_fixtures import api_fixture, yuelu_fixture  # noqa: F401
from zhizhi.addresses import grids
from zhizhi.addresses.coords import distance_m, gcj02_to_wgs84, out_of_china, wgs84_to_gcj02
from zhizhi.core.errors import ValidationFailed
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind

SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
HOLE = [(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)]
CENTRE = (28.1822, 112.9382)  # inside the demo grids (湖南大学社区)


def _feature(
    code: str = "430104003011901", community: str = "430104003011", **geometry: Any
) -> dict[str, Any]:
    ring = [[112.95, 28.175], [112.955, 28.175], [112.955, 28.18], [112.95, 28.18], [112.95, 28.175]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": "测试网格", "community_code": community},
        "geometry": geometry or {"type": "Polygon", "coordinates": [ring]},
    }


def test_point_in_polygon() -> None:
    assert grids.polygon_contains([SQUARE], 5, 2)
    assert not grids.polygon_contains([SQUARE], 11, 5)
    assert not grids.polygon_contains([SQUARE], -0.001, 5)
    assert grids.polygon_contains([SQUARE], 10, 5)  # on an edge: inside
    assert grids.polygon_contains([SQUARE], 0, 0)  # on a vertex: inside
    assert not grids.polygon_contains([SQUARE, HOLE], 5, 5)  # in the hole
    assert grids.polygon_contains([SQUARE, HOLE], 4, 5)  # on the hole's edge: boundary, inside
    assert grids.polygon_contains([SQUARE, HOLE], 2, 8)
    concave = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (5.0, 3.0), (0.0, 10.0), (0.0, 0.0)]
    assert not grids.polygon_contains([concave], 5, 8)
    assert grids.polygon_contains([concave], 1, 5)


def test_gcj02_round_trip_within_a_metre() -> None:
    for lat, lon in [(28.18, 112.94), (39.9087, 116.3975), (22.54, 114.06), (45.75, 126.63), (23.1, 113.3)]:
        g_lat, g_lon = wgs84_to_gcj02(lat, lon)
        assert 100 < distance_m(lat, lon, g_lat, g_lon) < 1000  # the offset is hundreds of metres
        w_lat, w_lon = gcj02_to_wgs84(g_lat, g_lon)
        assert distance_m(lat, lon, w_lat, w_lon) < 1.0
    assert out_of_china(48.85, 2.35)
    assert wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)
    assert gcj02_to_wgs84(48.85, 2.35) == (48.85, 2.35)


def test_import_validation_names_fields(session: Session) -> None:
    with pytest.raises(ValidationFailed) as exc:
        grids.import_grids(session, {"type": "Feature"})
    assert exc.value.field == "type"
    bad = {
        "type": "FeatureCollection",
        "features": [
            _feature(code="43010400301190"),
            _feature(code="430104003012901"),
            _feature(code="430104003011902", geometry_type="x")
            | {"geometry": {"type": "Point", "coordinates": [1, 2]}},
            _feature(code="430104003011903")
            | {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[112.9, 28.1], [113, 28.1], [113, 28.2], [112.9, 28.3]]],
                }
            },
            _feature(code="430104003011904", community="430104003000"),
            _feature(code="430104003011905")
            | {
                "properties": {
                    "code": "430104003011905",
                    "community_code": "430104003011",
                    "department_code": "NOPE",
                    "name": "x",
                }
            },
            _feature(code="430104003011906")
            | {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[200, 28.1], [113, 28.1], [113, 28.2], [200, 28.1]]],
                }
            },
        ],
    }
    with pytest.raises(ValidationFailed) as exc:
        grids.import_grids(session, bad)
    fields = [e.field for e in exc.value.errors]
    assert fields == [
        "features.0.properties.code",
        "features.1.properties.code",
        "features.2.geometry",
        "features.3.geometry.coordinates",
        "features.4.properties.community_code",
        "features.6.geometry.coordinates",
        "features.5.properties.department_code",
    ]
    assert all(e.zh and e.en for e in exc.value.errors)


def test_demo_grids_import_locate_and_invalidate(session: Session) -> None:
    first = grids.load_demo_grids(session)
    session.commit()
    assert first.created == 36 and first.updated == 0
    assert grids.load_demo_grids(session).updated == 36  # idempotent upsert
    session.commit()
    hit = grids.locate_grid(session, *CENTRE)
    assert hit is not None and hit.community_code == "430104003011" and hit.code.startswith("430104003011")
    assert grids.locate_grid(session, 28.1822, 112.97) is None  # east of every grid
    assert grids.locate_grid(session, 28.17, 112.93).code == "430104002014001"  # type: ignore[union-attr]  # corner
    # a new grid is found without restarting the process (index invalidated on import)
    assert grids.locate_grid(session, 28.177, 112.952) is None
    grids.import_grids(session, {"type": "FeatureCollection", "features": [_feature()]})
    session.commit()
    new = grids.locate_grid(session, 28.177, 112.952)
    assert new is not None and new.code == "430104003011901"


def test_import_gcj02_file_converts_to_wgs84(session: Session, tmp_path: Path) -> None:
    w_ring = [[112.95, 28.175], [112.955, 28.175], [112.955, 28.18], [112.95, 28.18], [112.95, 28.175]]
    g_ring = [list(reversed(wgs84_to_gcj02(lat, lon))) for lon, lat in w_ring]
    feature = _feature() | {"geometry": {"type": "Polygon", "coordinates": [g_ring]}}
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    grids.import_grids_file(session, path, frame="gcj02")
    session.commit()
    assert grids.locate_grid(session, 28.1775, 112.9525) is not None  # WGS-84 point inside
    with pytest.raises(ValidationFailed):
        grids.import_grids_file(session, tmp_path / "missing.geojson")


def test_locate_endpoint(yuelu: Session, api: TestClient) -> None:
    grids.load_demo_grids(yuelu)
    org.create_department(
        yuelu, code="JZZ", name="桔子洲街道办事处", kind=DepartmentKind.STREET, division_code="430104003000"
    )
    yuelu.commit()
    r = api.post("/api/v1/grids/locate", json={"latitude": CENTRE[0], "longitude": CENTRE[1]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["grid"]["code"].startswith("430104003011")
    assert body["community"]["name"] == "湖南大学社区"
    assert body["department"]["code"] == "JZZ"  # territorial: the township's department

    outside = api.post("/api/v1/grids/locate", json={"latitude": 30.0, "longitude": 120.0})
    assert outside.status_code == 404 and outside.json()["message"]["zh"]
    assert api.post("/api/v1/grids/locate", json={"latitude": 91, "longitude": 112.9}).status_code == 422
    extra = api.post("/api/v1/grids/locate", json={"latitude": 28.1, "longitude": 112.9, "x": 1})
    assert extra.status_code == 422
    assert api.post("/api/v1/grids/locate", json={"latitude": "north"}).status_code == 422


def test_grid_workers(session: Session) -> None:
    from zhizhi.core.errors import Conflict, NotFound

    grids.load_demo_grids(session)
    community = org.create_department(
        session, code="HDSQ", name="湖南大学社区", kind=DepartmentKind.COMMUNITY, division_code="430104003011"
    )
    user = org.create_user(
        session, username="wangge1", password="grid-worker-pw-1", role="grid_worker", department=community
    )
    code = "430104003011001"
    grids.assign_worker(session, code, user.id)
    assert grids.workers_of(session, code) == [user.id]
    assert grids.grids_of_worker(session, user.id) == [code]
    with pytest.raises(Conflict):
        grids.assign_worker(session, code, user.id)
    with pytest.raises(NotFound) as exc:
        grids.assign_worker(session, code, 999_999)
    assert exc.value.field == "user_id"
    with pytest.raises(NotFound):
        grids.assign_worker(session, "430104003011999", user.id)
    grids.remove_worker(session, code, user.id)
    assert grids.workers_of(session, code) == []
    with pytest.raises(NotFound):
        grids.remove_worker(session, code, user.id)
