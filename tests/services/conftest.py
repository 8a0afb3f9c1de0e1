"""Item stewards of the test city: ``istew`` at the city (every item), ``istew_d1`` in the
district D1 (its own items only)."""

from __future__ import annotations

import pytest

from tests.builders import World
from tests.sharing.conftest import SharingCity, build_city
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.org import service as org


@pytest.fixture
def items_world(world: World) -> World:
    with unit_of_work() as s:
        for username, dept in (("istew", "CITY"), ("istew_d1", "D1")):
            user = org.create_user(
                s,
                username=username,
                password="test-password-1",
                role=Role.ITEM_STEWARD,
                department=org.department_by_code(s, dept),
                display_name=username,
            )
            world.tokens[username] = org.issue_token(s, user)[0]
    return world


@pytest.fixture
def bundle_city(items_world: World) -> SharingCity:
    """The items world plus the sharing city (providers, catalogue, 张伟 ``citizen`` linked to
    his verified ID number) and the bundle's items published; ZJ holds a service grant on the
    population resource (the hygiene part's department reads under it)."""
    from tests.services.bundles_data import publish_items

    city = build_city(items_world)
    publish_items(items_world)
    number = city.request("st_zj", "GA-RK-001", ["id_number", "name", "household_address", "phone"])["number"]
    city.decide("st_ga", number, True, reason="政务服务办理")
    return city


# the browser tests' live server and Chromium (tests/pages/conftest.py)
