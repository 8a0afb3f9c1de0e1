"""Public endpoints are rate-limited per source address, in the database (every process counts
in the same rows): /track, anonymous intake (/submit and the API), logins, the address
look-ups.  Over the limit: 429, Retry-After, a message in both languages (issue 12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.pages.helpers import csrf_of
from zhizhi.core import clock
from zhizhi.web.app import create_app

LIMITS = {"login": 3, "intake": 2, "track": 3, "lookup": 4}
CASE = {
    "kind": "appeal",
    "subject": "路灯不亮",
    "content": "小区门口路灯坏了",
    "contact_phone": "13812341234",
}


def _assert_limited(r: Any, retry: int) -> None:
    assert r.status_code == 429
    assert r.headers["Retry-After"] == str(retry)
    assert r.json()["message"] == {
        "zh": f"请求过于频繁，请 {retry} 秒后再试",
        "en": f"too many requests; retry in {retry} seconds",
    }


def test_track_is_limited_per_address(world: Any, env: Any) -> None:
    env.set("RATE_LIMITS", LIMITS)
    clock.freeze(clock.now().replace(microsecond=0))
    client = world.client
    token = csrf_of(client.get("/track").text)
    form = {"number": "202601010001", "phone": "1234", "csrf_token": token}  # no such case: 404
    assert [client.post("/track", data=form).status_code for _ in range(3)] == [404, 404, 404]
    r = client.post("/track", data=form)  # a page: the answer is a page in both languages
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "60"
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<p role="alert">请求过于频繁，请 60 秒后再试</p>' in r.text
    assert '<p lang="en">too many requests; retry in 60 seconds</p>' in r.text
    clock.freeze(clock.now() + timedelta(seconds=45))
    assert client.post("/track", data=form).headers["Retry-After"] == "15"
    clock.freeze(clock.now() + timedelta(seconds=16))  # a new window
    assert client.post("/track", data=form).status_code == 404


def test_anonymous_api_intake_is_limited_but_staff_intake_is_not(world: Any, env: Any) -> None:
    env.set("RATE_LIMITS", LIMITS)
    clock.freeze(clock.now().replace(microsecond=0))
    client = world.client
    assert [client.post("/api/v1/cases", json=CASE).status_code for _ in range(2)] == [201, 201]
    _assert_limited(client.post("/api/v1/cases", json=CASE), 60)
    for _ in range(3):  # a signed-in intake agent from the same address is not limited
        assert client.post("/api/v1/cases", json=CASE, headers=world.h("agent")).status_code == 201


def test_the_limit_is_shared_by_another_process(world: Any, env: Any) -> None:
    env.set("RATE_LIMITS", LIMITS)
    assert [world.client.post("/api/v1/cases", json=CASE).status_code for _ in range(2)] == [201, 201]
    with TestClient(create_app()) as other:
        assert other.post("/api/v1/cases", json=CASE).status_code == 429


def test_submit_page_and_logins_and_lookups_are_limited(world: Any, env: Any) -> None:
    env.set("RATE_LIMITS", LIMITS)
    client = world.client
    token = csrf_of(client.get("/submit").text)
    form = {"subject": "噪音", "content": "夜间施工噪音", "contact_phone": "13812341234", "csrf_token": token}
    statuses = [client.post("/submit", data=form, follow_redirects=False).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    logins = [
        client.post("/api/v1/auth/token", data={"username": "u", "password": "p"}).status_code
        for _ in range(4)
    ]
    assert logins == [401, 401, 401, 429]
    lookups = [client.get("/api/v1/divisions", params={"q": "岳麓"}).status_code for _ in range(5)]
    assert lookups == [200, 200, 200, 200, 429]
    assert client.get("/api/v1/addresses/search", params={"q": "岳麓"}).status_code == 429


def test_a_group_set_to_zero_is_unlimited(world: Any, env: Any) -> None:
    env.set("RATE_LIMITS", {**LIMITS, "lookup": 0})
    statuses = {world.client.get("/api/v1/divisions", params={"q": "岳麓"}).status_code for _ in range(8)}
    assert statuses == {200}
