"""HTTP API of the address library: divisions, autocomplete, grid location, geocoding."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.addresses import divisions as division_service
from zhizhi.addresses import service
from zhizhi.addresses.geocoder import autocomplete, geocode
from zhizhi.addresses.grids import locate_grid
from zhizhi.core.errors import NotFound, ValidationFailed
from zhizhi.http.deps import DbSession
from zhizhi.org.schemas import DepartmentRef

router = APIRouter(prefix="/api/v1", tags=["addresses"])


class Point(BaseModel):
    """A WGS-84 point (convert GCJ-02 map picks first: ``coords.gcj02_to_wgs84``)."""

    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90, allow_inf_nan=False)
    longitude: float = Field(ge=-180, le=180, allow_inf_nan=False)


class GeocodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(min_length=1, max_length=500)


def _division(session: DbSession, code: str | None) -> dict[str, Any] | None:
    d = service.division(session, code)
    return None if d is None else division_service.as_dict(d)


def _department(dept: DepartmentRef | None) -> dict[str, Any] | None:
    return None if dept is None else {"id": dept.id, "code": dept.code, "name": dept.name}


def _grid_payload(session: DbSession, grid_code: str | None) -> dict[str, Any]:
    grid = service.grid(session, grid_code)
    if grid is None:
        return {"grid": None, "community": None, "department": None}
    dept = service.grid_department(session, grid)
    return {
        "grid": {"code": grid.code, "name": grid.name},
        "community": _division(session, grid.community_code) or {"code": grid.community_code},
        "department": _department(dept),
    }


@router.get("/divisions/{code}", summary="Division with ancestors and children (区划查询)")
def get_division(code: str, session: DbSession) -> dict[str, Any]:
    division = division_service.get_division(session, code)
    return {
        **division_service.as_dict(division),
        "ancestors": [division_service.as_dict(a) for a in division_service.ancestors(session, division)],
        "children": [division_service.as_dict(c) for c in division_service.children(session, division.code)],
    }


@router.get("/divisions", summary="Search divisions by name (区划名称检索)")
def search_divisions(
    session: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=50)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    within: Annotated[str | None, Query(max_length=12)] = None,
) -> dict[str, Any]:
    if within is not None:
        division_service.check_code(within, "within")
    found = division_service.search(session, q, limit=limit, within=within)
    return {"items": [division_service.as_dict(d) for d in found]}


@router.get("/addresses/search", summary="Autocomplete over divisions and standard addresses (地址联想)")
def search_addresses(
    session: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=50)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    return {"items": autocomplete(session, q, limit=limit)}


@router.post("/grids/locate", summary="Grid containing a point (网格定位)")
def locate(body: Point, session: DbSession) -> dict[str, Any]:
    hit = locate_grid(session, body.latitude, body.longitude)
    if hit is None:
        raise NotFound(
            "该位置不在任何网格内",
            "the point lies in no grid",
            field="latitude",
            latitude=body.latitude,
            longitude=body.longitude,
        )
    return _grid_payload(session, hit.code)


@router.post(
    "/addresses/geocode", summary="Free-text address → standard address, grid, department (地址匹配)"
)
def geocode_address(body: GeocodeRequest, session: DbSession) -> dict[str, Any]:
    result = geocode(session, body.address)
    payload = result.as_dict()
    grid_code = result.node.grid_code if result.node is not None else None
    payload.update(_grid_payload(session, grid_code))
    if payload["department"] is None:
        payload["department"] = _department(service.territorial_department(session, result.division_code))
    payload["division"] = _division(session, result.division_code)
    return payload


@router.get(
    "/addresses/reverse",
    summary="Point → nearest standard address and grid (逆地理编码: map picks, photo GPS)",
)
def reverse_geocode(
    session: DbSession,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False, description="WGS-84 latitude")],
    lng: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False, description="WGS-84 longitude")],
) -> dict[str, Any]:
    return service.reverse_geocode(session, lat, lng).as_dict()


@router.get("/grids/geojson", summary="Grids overlapping a box as GeoJSON (网格边界, for the map picker)")
def grids_geojson(
    session: DbSession,
    bbox: Annotated[
        str,
        Query(
            max_length=100, description="min_lng,min_lat,max_lng,max_lat (WGS-84)", pattern=r"^[0-9.,\-]+$"
        ),
    ],
) -> dict[str, Any]:
    try:
        min_lng, min_lat, max_lng, max_lat = (float(v) for v in bbox.split(","))
    except ValueError:
        raise ValidationFailed(
            "bbox 应为 最小经度,最小纬度,最大经度,最大纬度",
            "bbox must be min_lng,min_lat,max_lng,max_lat",
            field="bbox",
        ) from None
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationFailed("bbox 超出范围", "bbox out of range", field="bbox")
    return service.grids_geojson(session, (min_lat, max_lat), (min_lng, max_lng))
