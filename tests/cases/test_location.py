"""Intake locates the case on the address library: division codes, grid, territorial unit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from zhizhi.addresses.service import load_demo as load_address_demo
from zhizhi.cases.models import Case
from zhizhi.core.db import session_factory, unit_of_work


def _stored(number: str) -> Case:
    with session_factory()() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        return case


class TestIntakeLocation:
    def test_free_text_address_gets_division_codes_and_the_territorial_unit(self, world: Any) -> None:
        out = world.create(address="湖南省长沙市岳麓区麓山南路932号")
        assert out["division_code"] is not None and out["division_code"].startswith("430104")
        case = _stored(out["number"])
        assert case.territorial_department_id is not None  # D1 carries 岳麓区's division code

    def test_coordinates_inside_a_grid_set_the_grid(self, world: Any) -> None:
        with unit_of_work() as s:
            load_address_demo(s)
        out = world.create(address="长沙市岳麓区麓山南路", latitude=28.1713, longitude=112.9315)
        assert out["grid_code"] == "430104002014001"

    def test_unresolvable_place_never_blocks_intake(self, world: Any) -> None:
        out = world.create(address="<script>'; DROP TABLE cases;--😀", latitude=0.0, longitude=0.0)
        assert out["status"] == "accepted" and out["grid_code"] is None
