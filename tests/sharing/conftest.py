"""A small city with four data providers and two consuming departments, built on tests.builders'
World through the real services and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.builders import World, _hash
from tests.pages.conftest import browser, live_server  # noqa: F401  (the browser tests' fixtures)
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.org.models import ApiToken, User
from zhizhi.sharing import cache, seed, service
from zhizhi.sharing.exchange import link_subject

OWNERS = {"ga": "GA", "scjg": "SCJG", "rs": "RS", "zrzy": "ZRZY"}
DEPARTMENTS = [
    ("GA", "长沙市公安局"),
    ("SCJG", "长沙市市场监督管理局"),
    ("RS", "长沙市人力资源和社会保障局"),
    ("ZRZY", "长沙市自然资源和规划局"),
    ("JY", "长沙市教育局"),
]
# stewards (数据管理员) of each department; ZJ (住建局) comes from World
STEWARDS = {"st_ga": "GA", "st_scjg": "SCJG", "st_rs": "RS", "st_zrzy": "ZRZY", "st_zj": "ZJ", "st_jy": "JY"}
PEOPLE = 12
PROVIDER_ROWS = seed.provider_rows(PEOPLE)
CITIZEN_ID = PROVIDER_ROWS["provider_population"][0]["id_number"]


@dataclass
class SharingCity:
    world: World
    client: TestClient
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)  # department -> (id, secret)

    def h(self, username: str) -> dict[str, str]:
        return self.world.h(username)

    def request(
        self,
        username: str,
        resource: str,
        fields: list[str],
        *,
        purpose: str = "service",
        expect: int = 201,
        period: tuple[str, str] = ("2026-01-01", "2027-12-31"),
    ) -> dict[str, Any]:
        body = {
            "resource": resource,
            "purpose": purpose,
            "purpose_detail": "办理公租房资格审核时核验申请人信息",
            "legal_basis": "《公共租赁住房管理办法》第七条",
            "fields": fields,
            "period_start": period[0],
            "period_end": period[1],
        }
        r = self.client.post("/api/v1/sharing/requests", json=body, headers=self.h(username))
        assert r.status_code == expect, r.text
        return dict(r.json())

    def decide(
        self, username: str, number: str, approve: bool, expect: int = 200, **extra: Any
    ) -> dict[str, Any]:
        r = self.client.post(
            f"/api/v1/sharing/requests/{number}/decision",
            json={"approve": approve, **extra},
            headers=self.h(username),
        )
        assert r.status_code == expect, r.text
        return dict(r.json())

    def register(self, department: str) -> tuple[str, str]:
        if department not in self.secrets:
            r = self.client.post(
                "/api/v1/sharing/clients",
                json={"name": f"{department} 业务系统", "department": department},
                headers=self.h("admin"),
            )
            assert r.status_code == 201, r.text
            self.secrets[department] = (r.json()["client_id"], r.json()["client_secret"])
        return self.secrets[department]

    def bearer(self, department: str) -> dict[str, str]:
        cid, secret = self.register(department)
        r = self.client.post(
            "/api/v1/exchange/token",
            data={"grant_type": "client_credentials", "client_id": cid, "client_secret": secret},
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def read(
        self, department: str, resource: str, key: str, purpose: str = "service", fields: str | None = None
    ) -> Any:
        params = {"key": key, "purpose": purpose} | ({"fields": fields} if fields is not None else {})
        return self.client.get(f"/api/v1/exchange/{resource}", params=params, headers=self.bearer(department))


def build_city(world: World) -> SharingCity:
    cache.clear()  # the tables were emptied under the per-process caches
    with unit_of_work() as s:
        city = org.department_by_code(s, "CITY")
        for code, name in DEPARTMENTS:
            org.create_department(s, code=code, name=name, kind=DepartmentKind.FUNCTIONAL, parent=city)
        for username, dept in STEWARDS.items():
            s.add(
                User(
                    username=username,
                    display_name=username,
                    password_hash=_hash(),
                    role=Role.DATA_STEWARD.value,
                    department_id=org.department_by_code(s, dept).id,
                    active=True,
                )
            )
        s.flush()
        for username in STEWARDS:
            user = s.query(User).filter_by(username=username).one()
            world.tokens[username] = org.issue_token(s, user)[0]
        s.execute(update(ApiToken).values(expires_at=datetime(2100, 1, 1, tzinfo=UTC)))
        admin = org.principal_for_username(s, "admin")
        service.load_provider_rows(s, admin, PROVIDER_ROWS)
        link_subject(s, admin, "citizen", CITIZEN_ID)
    for body in seed.resources(OWNERS):
        r = world.client.put(
            f"/api/v1/sharing/resources/{body.code}",
            json=body.model_dump(mode="json"),
            headers=world.h("admin"),
        )
        assert r.status_code == 201, r.text
    return SharingCity(world, world.client)


@pytest.fixture
def city(world: World) -> SharingCity:
    return build_city(world)
