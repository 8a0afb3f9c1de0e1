"""Standard address nodes (codes, history), the geocoder, ``locate()`` for case intake, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.addresses.test_db_fixtures import api_fixture, yuelu_fixture  # noqa: F401
from zhizhi.addresses import service
from zhizhi.addresses.db_cli import app as cli_app
from zhizhi.addresses.geocoder import fold_address, geocode
from zhizhi.addresses.models import AddressNode, AddressNodeHistory
from zhizhi.core.errors import Conflict, ValidationFailed
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind


@pytest.fixture
def demo(yuelu: Session) -> Session:
    service.load_demo(yuelu)
    org.create_department(
        yuelu, code="JZZ", name="桔子洲街道", kind=DepartmentKind.STREET, division_code="430104003000"
    )
    org.create_department(
        yuelu, code="HDSQ", name="湖南大学社区", kind=DepartmentKind.COMMUNITY, division_code="430104003011"
    )
    yuelu.commit()
    return yuelu


def test_node_codes_history_and_retirement(yuelu: Session) -> None:
    road = service.create_node(yuelu, kind="road", name="测试路", division_code="430104003011")
    road2 = service.create_node(yuelu, kind="road", name="测试二路", division_code="430104003011")
    house = service.create_node(
        yuelu, kind="house_number", name="1号", division_code="430104003011", parent=road
    )
    assert road.code == "43010400301141000001" and road2.code == "43010400301141000002"
    assert house.code == "43010400301151000001" and len(house.code) == 20
    service.retire_node(yuelu, road2, merged_into=road)
    assert road2.status == "merged" and road2.merged_into_id == road.id
    road3 = service.create_node(yuelu, kind="road", name="测试三路", division_code="430104003011")
    assert road3.code.endswith("000003")  # codes are never reused
    with pytest.raises(Conflict):
        service.retire_node(yuelu, road2)
    with pytest.raises(ValidationFailed) as exc:
        service.create_node(yuelu, kind="castle", name="x", division_code="430104003011")
    assert exc.value.field == "kind"
    with pytest.raises(ValidationFailed):
        service.create_node(yuelu, kind="road", name="x", division_code="4301")
    with pytest.raises(ValidationFailed):
        service.create_node(yuelu, kind="road", name="x", division_code="430104003011", latitude=28.1)
    actions = yuelu.scalars(select(AddressNodeHistory.action).order_by(AddressNodeHistory.id)).all()
    assert actions == ["created", "created", "created", "merged", "created"]


def test_demo_loader_is_idempotent_and_assigns_grids(demo: Session) -> None:
    count = demo.scalar(select(func.count()).select_from(AddressNode))
    assert service.load_demo(demo)["addresses"] == 0
    assert demo.scalar(select(func.count()).select_from(AddressNode)) == count
    campus = demo.scalar(select(AddressNode).where(AddressNode.name == "湖南大学"))
    assert campus is not None and campus.grid_code is not None and campus.grid_code.startswith("430104003011")


def test_normalise_numbers() -> None:
    assert fold_address("三栋二单元") == "3栋2单元"
    assert fold_address("十二层") == "12层"
    assert fold_address("二十三号") == "23号"
    assert fold_address("ＡＢ１栋") == "AB1栋"


def test_geocode_exact_fuzzy_division(demo: Session) -> None:
    house = geocode(demo, "湖南省长沙市岳麓区麓山南路2号")
    assert house.match == "exact" and house.node is not None
    assert [n.name for n in house.path] == ["麓山南路", "2号"]
    assert house.node.grid_code and house.confidence > 0.8
    unit = geocode(demo, "长沙市岳麓区湖南大学一栋三单元")
    assert unit.node is not None and [n.name for n in unit.path] == ["湖南大学", "1栋", "3单元"]
    other = geocode(demo, "岳麓区湖南师范大学1栋")
    assert other.node is not None and other.node.division_code == "430104003012"
    verbatim = geocode(demo, "长沙市岳麓区湖南大学校区")
    assert verbatim.match == "exact" and verbatim.path[0].name == "湖南大学"
    fuzzy = geocode(demo, "长沙市岳麓区湖南大字2栋")  # a typo in the campus name
    assert fuzzy.match == "fuzzy" and [n.name for n in fuzzy.path] == ["湖南大学", "2栋"]
    assert fuzzy.confidence < house.confidence
    division_only = geocode(demo, "湖南省长沙市岳麓区桔子洲街道某某巷")
    assert division_only.match == "division" and division_only.division_code == "430104003000"
    assert geocode(demo, "").match == "none"


def test_geocode_endpoint(demo: Session, api: TestClient) -> None:
    r = api.post("/api/v1/addresses/geocode", json={"address": "湖南长沙岳麓区麓山南路2号"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["match"] == "exact" and body["address"]["name"] == "麓山南路2号"
    assert body["grid"]["code"].startswith("430104003011")
    assert body["community"]["name"] == "湖南大学社区"
    assert body["department"]["code"] == "HDSQ"  # the community's department beats the township's
    assert 0 < body["confidence"] <= 1
    assert api.post("/api/v1/addresses/geocode", json={"address": ""}).status_code == 422
    assert api.post("/api/v1/addresses/geocode", json={"address": "x", "city": "长沙"}).status_code == 422
    assert api.post("/api/v1/addresses/geocode", json={"address": "x" * 501}).status_code == 422
    junk = api.post("/api/v1/addresses/geocode", json={"address": "！！！???"})
    assert junk.status_code == 200 and junk.json()["match"] == "none"


def test_autocomplete(demo: Session, api: TestClient) -> None:
    items = api.get("/api/v1/addresses/search", params={"q": "湖南"}).json()["items"]
    types = {(i["type"], i["name"]) for i in items}
    assert ("division", "湖南省") in types and ("address", "湖南大学") in types
    road = api.get("/api/v1/addresses/search", params={"q": "麓山南"}).json()["items"]
    assert road[0]["name"] == "麓山南路" and road[0]["full_name"].endswith("湖南大学社区麓山南路")
    assert api.get("/api/v1/addresses/search", params={"q": ""}).status_code == 422


@pytest.mark.parametrize(
    ("address", "lat", "lon"),
    [
        (None, None, None),
        ("", None, None),
        ("   ", math.nan, math.inf),
        ("!!!@@@###", 1000.0, -1000.0),
        ("x" * 100_000, 0.0, 0.0),
        (123, "28.18", [112.9]),
    ],
)
def test_locate_never_raises(demo: Session, address: object, lat: object, lon: object) -> None:
    loc = service.locate(demo, address, lat, lon)  # type: ignore[arg-type]
    assert loc.grid_code is None and loc.address_code is None
    assert (demo.scalar(select(func.count()).select_from(AddressNode)) or 0) > 0  # session still usable


def test_locate_by_point_and_by_address(demo: Session) -> None:
    by_point = service.locate(demo, None, 28.1822, 112.9382)
    assert by_point.grid_code is not None and by_point.community_code == "430104003011"
    assert by_point.territorial_department_code == "HDSQ" and by_point.division_code == "430104003011"
    by_text = service.locate(demo, "长沙市岳麓区湖南大学1栋", None, None)
    assert by_text.address_code is not None and by_text.address_code.startswith("430104003011")
    assert by_text.grid_code is not None and by_text.territorial_department_code == "HDSQ"
    township_only = service.locate(demo, "长沙市岳麓区桔子洲街道", None, None)
    assert (
        township_only.division_code == "430104003000" and township_only.territorial_department_code == "JZZ"
    )
    assert township_only.grid_code is None


def test_cli(demo: Session, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli_app, ["locate", "28.1822", "112.9382"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["community_code"] == "430104003011"
    assert runner.invoke(cli_app, ["locate", "30", "120"]).exit_code == 2
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}', encoding="utf-8")
    result = runner.invoke(cli_app, ["import-grids", str(bad)])
    assert result.exit_code == 1
    assert runner.invoke(cli_app, ["load-demo"]).exit_code == 0
