"""A city with issuing departments (market regulation, planning, civil affairs), their staff and
SM2 keys in a key store of the test's own (tmp), and helpers to issue certificates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from tests.builders import World, _hash
from tests.pages.conftest import browser, live_server  # noqa: F401  (the browser tests' fixtures)
from zhizhi.certificates import service
from zhizhi.certificates.holders import id_check_char, uscc_check_char
from zhizhi.core import audit
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.core.settings import get_settings
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.org.models import ApiToken, User

# the city's issuing departments: code -> (name, division)
ISSUERS = {
    "SCJ": ("长沙市市场监督管理局", "430100000000"),
    "ZRZY": ("长沙市自然资源和规划局", "430100000000"),
    "MZ": ("岳麓区民政局", "430104000000"),
}
# users: name -> (role, department)
STAFF = {
    "clerk_scj": (Role.DATA_STEWARD, "SCJ"),
    "clerk_zrzy": (Role.DATA_STEWARD, "ZRZY"),
    "clerk_mz": (Role.DATA_STEWARD, "MZ"),
}


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


COMPANY = uscc("91430104MA4L0K3C2")  # a limited company registered in 岳麓区
PERSON = id_number("43010419880612301")


@pytest.fixture
def keys_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "certificate-keys"
    monkeypatch.setenv("ZHIZHI_CERTIFICATE_KEYS_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    monkeypatch.delenv("ZHIZHI_CERTIFICATE_KEYS_DIR")
    get_settings.cache_clear()


@pytest.fixture
def city(world: World, keys_dir: Path) -> World:
    """The test world plus issuing departments with staff, and SM2 keys for SCJ and ZRZY (MZ has none)."""
    with unit_of_work() as s:
        parent = org.department_by_code(s, "CITY")
        for code, (name, division) in ISSUERS.items():
            org.create_department(
                s, code=code, name=name, kind=DepartmentKind.FUNCTIONAL, parent=parent, division_code=division
            )
        for username, (role, dept_code) in STAFF.items():
            s.add(
                User(
                    username=username,
                    display_name=username,
                    password_hash=_hash(),
                    role=role.value,
                    department_id=org.department_by_code(s, dept_code).id,
                    active=True,
                )
            )
        s.flush()
        for username in STAFF:
            user = s.query(User).filter_by(username=username).one()
            world.tokens[username] = org.issue_token(s, user)[0]
        s.execute(update(ApiToken).values(expires_at=datetime(2100, 1, 1, tzinfo=UTC)))
        for code in ("SCJ", "ZRZY"):
            service.create_key(s, code, audit.Actor.system())
    return world


def licence(number: str = COMPANY, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "business_licence",
        "number": number,
        "holder": {"name": "长沙麓山餐饮管理有限公司", "id": number},
        "valid_from": "2024-03-18",
        "fields": {
            "类型": "有限责任公司（自然人投资或控股）",
            "法定代表人": "刘建国",
            "注册资本": "伍拾万元整",
            "成立日期": "2024-03-18",
            "住所": "湖南省长沙市岳麓区麓山南路932号",
            "经营范围": "餐饮服务；食品销售",
        },
        "grade": "A",
    }
    body.update(over)
    return body


def title(number: str = "湘(2025)长沙市不动产权第0123456号", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "real_estate_title",
        "number": number,
        "holder": {"name": "王小红", "id": PERSON},
        "valid_from": "2025-06-20",
        "fields": {
            "坐落": "岳麓区桃子湖路18号3栋502室",
            "不动产单元号": "430104003005GB00012F00030052",
            "权利类型": "国有建设用地使用权/房屋所有权",
            "用途": "城镇住宅用地/住宅",
            "面积": "共有宗地面积 8,231.5㎡ / 房屋建筑面积 96.42㎡",
        },
        "grade": "A",
    }
    body.update(over)
    return body


def issue(world: World, user: str, body: dict[str, Any]) -> dict[str, Any]:
    r = world.client.post("/api/v1/certificates", json=body, headers=world.h(user))
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out
