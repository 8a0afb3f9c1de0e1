"""Two service halls with windows and seated clerks on top of the test city (tests.builders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.builders import PASSWORD, World
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind

# username -> hall department code
CLERKS = {"clerk_a": "HALL_A", "clerk_a2": "HALL_A", "clerk_b": "HALL_B"}


def build_halls(world: World) -> None:
    """HALL_A (city) with windows A1, A2 and clerks clerk_a (A1), clerk_a2 (A2); HALL_B (district
    D1) with window B1 and clerk_b."""
    with unit_of_work() as s:
        city = org.department_by_code(s, "CITY")
        d1 = org.department_by_code(s, "D1")
        org.create_department(
            s, code="HALL_A", name="市政务服务中心", kind=DepartmentKind.FUNCTIONAL, parent=city
        )
        org.create_department(
            s, code="HALL_B", name="岳麓区政务服务中心", kind=DepartmentKind.FUNCTIONAL, parent=d1
        )
        for username, hall in CLERKS.items():
            user = org.create_user(
                s,
                username=username,
                password=PASSWORD,
                role=Role.WINDOW_CLERK,
                department_code=hall,
                display_name=f"窗口{username}",
            )
            s.flush()
            world.tokens[username] = org.issue_token(s, user)[0]
    for code, name, hall in (
        ("A1", "综合窗口1号", "HALL_A"),
        ("A2", "综合窗口2号", "HALL_A"),
        ("B1", "综合窗口", "HALL_B"),
    ):
        r = world.client.post(
            "/api/v1/window/windows",
            json={"code": code, "name": name, "hall": hall},
            headers=world.h("admin"),
        )
        assert r.status_code == 201, r.text
    for username, code in (("clerk_a", "A1"), ("clerk_a2", "A2"), ("clerk_b", "B1")):
        r = world.client.post(
            f"/api/v1/window/windows/{code}/clerks", json={"username": username}, headers=world.h("admin")
        )
        assert r.status_code == 200, r.text


def publish_item(world: World, body: dict[str, Any], user: str = "istew") -> str:
    """Draft and publish an item through the items API; its implementation code."""
    r = world.client.post("/api/v1/service-items", json=body, headers=world.h(user))
    assert r.status_code == 201, r.text
    code = str(r.json()["implementation_code"])
    r = world.client.post(f"/api/v1/service-items/{code}/publish", headers=world.h(user))
    assert r.status_code == 200, r.text
    return code


def reception_count(table: str = "service_window_receptions") -> int:
    with unit_of_work() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def services_staff(world: World, steward_name: str = "istew") -> None:
    """The one-stop services of the test city: published items, an item steward ``istew`` (city,
    shown as ``steward_name``) and halls with windows and seated clerks."""
    from tests.services.apps_data import publish_items

    with unit_of_work() as s:
        org.create_user(
            s,
            username="istew",
            password=PASSWORD,
            role=Role.ITEM_STEWARD,
            department=org.department_by_code(s, "CITY"),
            display_name=steward_name,
        )
    publish_items(world)
    build_halls(world)
