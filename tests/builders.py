"""Builders: a small city with every role, and helpers to drive cases through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.catalogue.models import Category, TimeLimit
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.org.models import ApiToken, User

PASSWORD = "test-password-1"


@lru_cache(maxsize=1)
def _hash() -> str:
    return org.hash_password(PASSWORD)


# role username -> (role, department code)
USERS = {
    "admin": (Role.ADMIN, None),
    "leader": (Role.LEADER, "CITY"),
    "supervisor": (Role.SUPERVISOR, "CENTER"),
    "agent": (Role.INTAKE_AGENT, "CENTER"),
    "dispatcher": (Role.DISPATCHER, "CENTER"),
    "dispatcher2": (Role.DISPATCHER, "CENTER"),
    "steward": (Role.DATA_STEWARD, "CENTER"),
    "citizen": (Role.PUBLIC, None),
    "citizen2": (Role.PUBLIC, None),
    "h_zj": (Role.HANDLER, "ZJ"),  # functional department
    "h_d1": (Role.HANDLER, "D1"),  # district 1 (sees its streets)
    "h_s1": (Role.HANDLER, "S1"),  # street 1 under D1
    "h_s1b": (Role.HANDLER, "S1"),
    "h_d2": (Role.HANDLER, "D2"),
    "grid": (Role.GRID_WORKER, "C1"),
}


@dataclass
class World:
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, client: TestClient) -> World:
        with unit_of_work() as s:
            city = org.create_department(
                s, code="CITY", name="测试市", kind=DepartmentKind.CITY, division_code="430100000000"
            )
            center = org.create_department(
                s, code="CENTER", name="12345中心", kind=DepartmentKind.CENTER, parent=city
            )
            org.create_department(s, code="ZJ", name="住建局", kind=DepartmentKind.FUNCTIONAL, parent=city)
            d1 = org.create_department(
                s,
                code="D1",
                name="岳麓区",
                kind=DepartmentKind.DISTRICT,
                parent=city,
                division_code="430104000000",
            )
            s1 = org.create_department(s, code="S1", name="橘子洲街道", kind=DepartmentKind.STREET, parent=d1)
            org.create_department(s, code="C1", name="某社区", kind=DepartmentKind.COMMUNITY, parent=s1)
            d2 = org.create_department(s, code="D2", name="芙蓉区", kind=DepartmentKind.DISTRICT, parent=city)
            org.create_department(s, code="S2", name="定王台街道", kind=DepartmentKind.STREET, parent=d2)
            _ = center
            cats = {
                c: Category(code=c, name=n, active=True)
                for c, n in [
                    ("CXJS", "城乡建设"),
                    ("HJBH", "环境保护"),
                    ("SDQR", "水电气热"),
                    ("JYWT", "教育文体"),
                ]
            }
            s.add_all(cats.values())
            s.flush()
            s.add_all(
                [
                    TimeLimit(
                        category_id=None,
                        urgency=Urgency.NORMAL.value,
                        amount=10,
                        unit=LimitUnit.WORKING_DAYS.value,
                    ),
                    TimeLimit(
                        category_id=None,
                        urgency=Urgency.URGENT.value,
                        amount=2,
                        unit=LimitUnit.WORKING_DAYS.value,
                    ),
                    TimeLimit(
                        category_id=None, urgency=Urgency.CRITICAL.value, amount=2, unit=LimitUnit.HOURS.value
                    ),
                    TimeLimit(
                        category_id=cats["SDQR"].id,
                        urgency=Urgency.NORMAL.value,
                        amount=24,
                        unit=LimitUnit.HOURS.value,
                    ),
                    TimeLimit(
                        category_id=cats["JYWT"].id,
                        urgency=Urgency.NORMAL.value,
                        amount=7,
                        unit=LimitUnit.CALENDAR_DAYS.value,
                    ),
                ]
            )
            for username, (role, dept_code) in USERS.items():
                dept = org.department_by_code(s, dept_code) if dept_code else None
                s.add(
                    User(
                        username=username,
                        display_name=username,
                        password_hash=_hash(),
                        role=role.value,
                        department_id=dept.id if dept else None,
                        active=True,
                    )
                )
            s.flush()
            world = cls(client)
            for user in s.query(User).all():
                world.tokens[user.username] = org.issue_token(s, user)[0]
            # tests move the frozen clock months ahead: keep their tokens valid
            s.execute(update(ApiToken).values(expires_at=datetime(2100, 1, 1, tzinfo=UTC)))
        return world

    def h(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def create(self, username: str = "agent", **fields: Any) -> dict[str, Any]:
        body = {
            "kind": "appeal",
            "appeal_type": "complaint",
            "subject": "施工噪音",
            "content": "麓山南路工地夜间施工噪音扰民",
            "address": "长沙市岳麓区麓山南路932号",
            "contact_name": "张三",
            "contact_phone": "13812341234",
            "category": "HJBH",
        } | fields
        r = self.client.post("/api/v1/cases", json=body, headers=self.h(username))
        assert r.status_code == 201, r.text
        return r.json()

    def act(
        self, username: str, number: str, action: str, expect: int = 200, **fields: Any
    ) -> dict[str, Any]:
        r = self.client.post(
            f"/api/v1/cases/{number}/actions", json={"action": action, **fields}, headers=self.h(username)
        )
        assert r.status_code == expect, f"{action} by {username}: {r.status_code} {r.text}"
        return r.json()

    def get(self, username: str, number: str) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/cases/{number}", headers=self.h(username))
        assert r.status_code == 200, r.text
        return r.json()

    # -- drive a fresh case to a given status -------------------------------------------------
    def case_in(self, status: str, lead: str = "S1") -> str:
        if status == "received":
            return str(self.create("citizen", channel="web")["number"])
        number = str(self.create()["number"])
        if status == "accepted":
            return number
        if status == "merged":
            parent = self.create()["number"]
            self.act("dispatcher", number, "merge", parent=parent)
            return number
        self.act("dispatcher", number, "dispatch", lead_department=lead)
        if status == "dispatched":
            return number
        handler = {"S1": "h_s1", "D1": "h_d1", "ZJ": "h_zj", "D2": "h_d2"}[lead]
        if status == "returned":
            self.act(handler, number, "return", reason="不属于本单位职责")
            return number
        self.act(handler, number, "sign")
        if status == "in_progress":
            return number
        if status == "suspended":
            self.act("supervisor", number, "suspend", reason="等待检测结果")
            return number
        self.act(handler, number, "reply", reply="已处理完毕，详见说明。")
        if status == "replied":
            return number
        if status == "reviewing":
            self.act("agent", number, "rate", rating="dissatisfied", resolved=False)
            return number
        self.act("agent", number, "rate", rating="satisfied", resolved=True)
        self.act("dispatcher", number, "close")
        assert status == "closed", status
        return number
