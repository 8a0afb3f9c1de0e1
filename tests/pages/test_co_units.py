"""协办 on the workbench: the co-unit's reply is on the case page the lead unit reads."""

from __future__ import annotations

from typing import Any

from tests.pages.helpers import login


def test_lead_reads_the_co_unit_reply_on_the_case_page(client: Any, world: Any) -> None:
    number = str(world.create()["number"])
    world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["D2"])
    world.act("h_d2", number, "co_reply", reply="芙蓉区已安排城管队员到场核查")
    login(client, "h_s1")
    page = client.get(f"/work/cases/{number}")
    assert page.status_code == 200
    assert "协办回复" in page.text and "芙蓉区已安排城管队员到场核查" in page.text
    login(client, "h_zj")  # a unit outside the case sees nothing of it
    assert client.get(f"/work/cases/{number}").status_code in (403, 404)
