"""Citizens' accounts through the API: code, token, 我的诉求; refusals counted and audited."""

from __future__ import annotations

from sqlalchemy import text

from tests.builders import World
from zhizhi.core.db import unit_of_work

PHONE = "13812341234"


def test_code_token_and_my_cases(world: World) -> None:
    mine = world.create()["number"]
    other = world.create(contact_phone="13900009999")["number"]
    c = world.client
    r = c.post("/api/v1/citizen/code", json={"phone": PHONE})
    assert r.status_code == 202 and r.json()["sent_to"] == "138****1234"
    code = r.json()["demo_code"]
    assert c.post("/api/v1/citizen/code", json={"phone": "123"}).status_code == 422
    assert c.post("/api/v1/citizen/code", json={"phone": PHONE, "x": 1}).status_code == 422
    assert c.post("/api/v1/citizen/code", json={"phone": PHONE}).status_code == 429  # one a minute
    wrong = "000000" if code != "000000" else "111111"
    r = c.post("/api/v1/citizen/token", json={"phone": PHONE, "code": wrong})
    assert r.status_code == 401 and r.json()["message"]["zh"] == "验证码不正确"
    with unit_of_work() as s:  # the refusal was committed although the request failed
        failed = text("SELECT count(*) FROM audit_log WHERE action = 'citizen.login_failed'")
        assert s.execute(failed).scalar() == 1
    r = c.post("/api/v1/citizen/token", json={"phone": PHONE, "code": code})
    assert r.status_code == 200
    token = r.json()["token"]
    assert c.post("/api/v1/citizen/token", json={"phone": PHONE, "code": code}).status_code == 401  # replay
    r = c.get("/api/v1/citizen/cases", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    numbers = [x["number"] for x in r.json()]
    assert mine in numbers and other not in numbers
    assert c.get("/api/v1/citizen/cases").status_code == 401
    assert c.get("/api/v1/citizen/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
