"""Division import (idempotent, placeholder cities, cities without counties) and lookups."""

from __future__ import annotations

from functools import lru_cache

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.addresses.test_db_fixtures import api_fixture, yuelu_fixture  # noqa: F401
from tests.shared_data import shared_path
from zhizhi.addresses import divisions
from zhizhi.addresses.divisions import Row, build_rows, import_divisions, import_rows, read_source
from zhizhi.addresses.models import Division
from zhizhi.core.audit import AuditEntry


@lru_cache(maxsize=1)
def _shared_rows(source: str) -> list[Row]:
    """Beijing, Hunan and Guangdong from the NBS tables (about 60,000 rows), read once per run."""
    from pathlib import Path

    names = read_source(Path(source))
    return build_rows({c: n for c, n in names.items() if c.startswith(("11", "43", "44"))})


def test_level_of_and_code_check() -> None:
    assert divisions.level_of("430000000000") == "province"
    assert divisions.level_of("430100000000") == "city"
    assert divisions.level_of("430104000000") == "county"
    assert divisions.level_of("430104003000") == "township"
    assert divisions.level_of("430104003011") == "village"
    assert divisions.is_valid_code("430104003011")
    assert not divisions.is_valid_code("43010400301")
    assert not divisions.is_valid_code("４30104003011")
    assert not divisions.is_valid_code("000000000000")


def test_build_rows_handles_placeholders_and_missing_county() -> None:
    rows = build_rows(
        {
            "110000000000": "北京市",
            "110100000000": "市辖区",
            "110105000000": "朝阳区",
            "440000000000": "广东省",
            "441900000000": "东莞市",
            "441900003000": "东城街道",
            "441900003001": "东城社区",
        }
    )
    by_code = {r[0]: r for r in rows}
    assert by_code["110105000000"][3] == "110100000000"
    assert by_code["110105000000"][8] == "北京市朝阳区"  # placeholder 市辖区 left out of full_name
    town = by_code["441900003000"]
    assert town[3] == "441900000000" and town[6] is None  # township directly under the city
    assert by_code["441900003001"][3] == "441900003000"
    assert by_code["441900003001"][8] == "广东省东莞市东城街道东城社区"


@pytest.mark.shared_data
def test_import_from_shared_data_is_idempotent(session: Session) -> None:
    source = shared_path("divisions")
    rows = _shared_rows(str(source))
    first = import_rows(session, rows)
    session.commit()
    second = import_rows(session, rows)
    session.commit()
    assert first == second
    assert session.scalar(select(func.count()).select_from(Division)) == len(rows) == first.rows
    assert first.by_level["province"] == 3 and first.by_level["village"] > 50_000
    dongguan_town = session.get(Division, "441900003000")
    assert dongguan_town is not None and dongguan_town.parent_code == "441900000000"
    assert session.get(Division, "441900000000") is not None  # the city row stays
    yuelu_town = session.get(Division, "430104003000")
    assert yuelu_town is not None and yuelu_town.county_code == "430104000000"
    assert yuelu_town.full_name == "湖南省长沙市岳麓区桔子洲街道"
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "divisions.import")
        )
        == 2
    )


def test_import_from_bundled_gazetteer_with_engine(db: str) -> None:
    from zhizhi.core.db import get_engine, session_factory

    result = import_divisions(get_engine(db), provinces=["43"])
    assert result.by_level["province"] == 1 and result.by_level["village"] > 20_000
    with session_factory(db)() as s:
        assert s.get(Division, "430104003011") is not None
        assert s.get(Division, "110000000000") is None


def test_import_failure_keeps_old_table(yuelu: Session) -> None:
    before = yuelu.scalar(select(func.count()).select_from(Division))
    bad = [
        *divisions.build_rows({"430000000000": "湖南省"}),
        ("430000000000", "dup", "province", None, "430000000000", None, None, None, "dup"),
    ]
    with pytest.raises(Exception):  # noqa: B017 — duplicate key, whichever driver error
        import_rows(yuelu, bad)
    yuelu.rollback()
    assert yuelu.scalar(select(func.count()).select_from(Division)) == before


def test_division_endpoint(yuelu: Session, api: TestClient) -> None:
    r = api.get("/api/v1/divisions/430104003000")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "桔子洲街道" and body["level"] == "township"
    assert [a["name"] for a in body["ancestors"]] == ["湖南省", "长沙市", "岳麓区"]
    assert any(c["code"] == "430104003011" for c in body["children"])
    dongguan = api.get("/api/v1/divisions/441900003000").json()
    assert [a["code"] for a in dongguan["ancestors"]] == ["440000000000", "441900000000"]

    missing = api.get("/api/v1/divisions/430104999000")
    assert missing.status_code == 404
    assert missing.json()["message"]["en"].startswith("no division")
    bad = api.get("/api/v1/divisions/43abc")
    assert bad.status_code == 422 and bad.json()["field"] == "code"


def test_division_search(yuelu: Session, api: TestClient) -> None:
    r = api.get("/api/v1/divisions", params={"q": "岳麓"})
    assert r.status_code == 200
    names = [d["name"] for d in r.json()["items"]]
    assert names[0] == "岳麓区" and "岳麓街道" in names
    contains = api.get("/api/v1/divisions", params={"q": "湖南大学"}).json()["items"]
    assert [d["code"] for d in contains] == ["430104003011"]
    assert api.get("/api/v1/divisions", params={"q": "市辖区"}).json()["items"] == []
    assert api.get("/api/v1/divisions", params={"q": "100%_"}).json()["items"] == []
    within = api.get("/api/v1/divisions", params={"q": "社区", "within": "430104003000", "limit": 50})
    assert within.status_code == 200
    assert within.json()["items"] and all(d["code"].startswith("430104003") for d in within.json()["items"])
    assert api.get("/api/v1/divisions", params={"q": ""}).status_code == 422
    assert api.get("/api/v1/divisions", params={"q": "岳麓", "within": "x"}).status_code == 422
    assert api.get("/api/v1/divisions", params={"q": "岳麓", "limit": 0}).status_code == 422
