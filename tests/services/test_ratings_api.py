"""好差评 of services through the API: the applicant rates once per stage (承诺件 at acceptance
too), the dimensions follow the channel, a bad rating opens its rectification (15 working days),
the department verifies and rectifies within its scope, the applicant reads the result; figures
per item, department and window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.builders import World
from tests.services.apps_data import (
    CERT_FIELDS,
    IMMEDIATE,
    LICENCE,
    ORG_CODE,
    PERSON_ID,
    act,
    publish_items,
    submit,
)
from tests.services.window_support import build_halls, reception_count
from zhizhi.core import clock
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.db import unit_of_work
from zhizhi.core.workdays import local_date


@pytest.fixture
def w(world: World) -> World:
    publish_items(world)
    return world


def _rate(w: World, body: dict[str, Any], user: str | None = "citizen") -> Any:
    headers = w.h(user) if user else {}
    return w.client.post("/api/v1/service-ratings", json=body, headers=headers)


def _complete(w: World, number: str) -> None:
    act(w, "h_zj", number, "accept")
    act(w, "h_zj", number, "examine")
    act(w, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    act(w, "h_zj", number, "deliver", method="certificate")


def _window_application(w: World) -> str:
    build_halls(w)
    body = {
        "item": LICENCE,
        "applicant_type": "2",
        "applicant_name": "长沙岳麓小厨餐饮有限公司",
        "applicant_id": ORG_CODE,
        "materials": ["food.application_form", "enterprise.business_licence"],
        "form": {
            "enterprise.name": "长沙岳麓小厨餐饮有限公司",
            "enterprise.credit_code": ORG_CODE,
            "food.category": "热食类食品制售",
        },
    }
    r = w.client.post("/api/v1/window/receptions", json=body, headers=w.h("clerk_a"))
    assert r.status_code == 201, r.text
    return str(r.json()["number"])


def test_stages_once_each_and_who_rates(w: World) -> None:
    number = submit(w)["number"]  # online, by the signed-in citizen
    # not accepted yet: neither stage
    r = _rate(w, {"number": number, "stage": "acceptance", "level": "satisfied"})
    assert r.status_code == 409 and r.json()["field"] == "stage"
    r = _rate(w, {"number": number, "level": "satisfied"})
    assert r.status_code == 409 and "办结" in r.json()["message"]["zh"]
    act(w, "h_zj", number, "accept")
    r = _rate(
        w,
        {
            "number": number,
            "stage": "acceptance",
            "level": "very_satisfied",
            "dimensions": {"guide_accuracy": "satisfied"},
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "online" and r.json()["rectification"] is None
    again = _rate(w, {"number": number, "stage": "acceptance", "level": "satisfied"})
    assert again.status_code == 409
    act(w, "h_zj", number, "examine")
    act(w, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    act(w, "h_zj", number, "deliver", method="certificate")
    # staff cannot rate; another citizen, a wrong ID number, an unknown number: the same 404
    assert _rate(w, {"number": number, "level": "satisfied"}, "h_zj").status_code == 403
    for user, extra in (("citizen2", {}), (None, {"id_number": PERSON_ID}), (None, {})):
        r = _rate(w, {"number": number, "level": "satisfied"} | extra, user)
        assert r.status_code == 404 and r.json()["field"] == "number", (user, r.text)
    r = _rate(w, {"number": "NOPE-1", "level": "satisfied", "id_number": ORG_CODE}, None)
    assert r.status_code == 404
    # the applicant without an account: the number and the credit code
    r = _rate(w, {"number": number, "level": "satisfied", "id_number": ORG_CODE.lower()}, None)
    assert r.status_code == 201, r.text
    mine = w.client.get("/api/v1/service-ratings", params={"number": number, "id_number": ORG_CODE}).json()
    assert [(x["stage"], x["level"]) for x in mine] == [
        ("acceptance", "very_satisfied"),
        ("completion", "satisfied"),
    ]


def test_bad_input_is_bilingual_with_the_field(w: World) -> None:
    number = submit(w)["number"]
    _complete(w, number)
    before = reception_count("service_ratings")
    for body, field in (
        ({"number": number, "level": "awful"}, "level"),
        ({"number": number, "level": "satisfied", "stage": "later"}, "stage"),
        ({"number": number, "level": "satisfied", "dimensions": {"taste": "satisfied"}}, "dimensions"),
        ({"number": number, "level": "satisfied", "dimensions": {"attitude": "satisfied"}}, "dimensions"),
        ({"number": number, "level": "dissatisfied"}, "comment"),
        ({"number": number, "level": "dissatisfied", "comment": " "}, "comment"),
        ({"number": number, "level": "satisfied", "comment": "x" * 2001}, "comment"),
        ({"number": number, "level": "satisfied", "extra": 1}, "extra"),
        ({"number": "\x00\x00\x00\x00", "level": "satisfied"}, "number"),
        ({"level": "satisfied"}, "number"),
    ):
        r = _rate(w, body)
        assert 400 <= r.status_code < 500, (body, r.text)
        problem = r.json()
        fields = {problem.get("field")} | {e["field"].split(".")[0] for e in problem.get("errors", [])}
        assert field in fields, (field, problem)
        assert problem["message"]["zh"] and problem["message"]["en"]
    assert reception_count("service_ratings") == before
    # an immediate item (即办件) is not rated at acceptance
    build_halls(w)
    body = {
        "item": IMMEDIATE,
        "applicant_type": "1",
        "applicant_name": "张伟",
        "applicant_id": PERSON_ID,
        "materials": ["person.id_card"],
    }
    r = w.client.post("/api/v1/window/receptions", json=body, headers=w.h("clerk_a"))
    assert r.status_code == 201, r.text
    quick = r.json()["number"]
    r = _rate(w, {"number": quick, "stage": "acceptance", "level": "satisfied", "id_number": PERSON_ID}, None)
    assert r.status_code == 409 and "承诺件" in r.json()["message"]["zh"]


def test_a_bad_rating_is_verified_rectified_and_fed_back(w: World) -> None:
    number = _window_application(w)
    _complete(w, number)
    # received at a window: the on-site dimensions
    r = _rate(
        w,
        {
            "number": number,
            "level": "very_dissatisfied",
            "dimensions": {"guide_accuracy": "dissatisfied"},
            "id_number": ORG_CODE,
        },
        None,
    )
    assert r.status_code == 422 and r.json()["field"] == "dimensions"
    r = _rate(
        w,
        {
            "number": number,
            "level": "very_dissatisfied",
            "dimensions": {"attitude": "very_dissatisfied", "efficiency": "dissatisfied"},
            "comment": "窗口让我跑了两趟，电话 13812345678 打不通",
            "id_number": ORG_CODE,
        },
        None,
    )
    assert r.status_code == 201, r.text
    rating = r.json()
    assert rating["channel"] == "onsite" and rating["window"] == "综合窗口1号" and rating["bad"] is True
    assert "13812345678" not in rating["comment"]  # personal data masked in the stored words
    rect = rating["rectification"]
    assert rect["status"] == "verifying" and rect["department"] == "住建局"
    # due at the end of the 15th working day after the rating (the calendar table)
    with unit_of_work() as s:
        due = load_calendar(s).add_working_days(local_date(clock.now()), 15).due_date
    assert local_date(datetime.fromisoformat(rect["due_at"])) == due
    rid = rect["id"]
    # department scope: another district's handler neither sees nor acts
    assert w.client.get("/api/v1/service-ratings/rectifications", headers=w.h("h_d1")).json() == []
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/verify",
        json={"verification": "已电话回访", "measure": "explain", "result": "已说明"},
        headers=w.h("h_d1"),
    )
    assert r.status_code == 404
    assert w.client.get("/api/v1/service-ratings/rectifications", headers=w.h("citizen")).status_code == 403
    queue = w.client.get(
        "/api/v1/service-ratings/rectifications", params={"status": "open"}, headers=w.h("h_zj")
    ).json()
    assert [q["rectification"]["id"] for q in queue] == [rid]
    assert (
        w.client.get(
            "/api/v1/service-ratings/rectifications", params={"status": "bogus"}, headers=w.h("h_zj")
        ).status_code
        == 422
    )
    # 立行立改 without the result: refused with the field; 限期整改 with a result: refused
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/verify",
        json={"verification": "已电话回访申请人", "measure": "immediate"},
        headers=w.h("h_zj"),
    )
    assert r.status_code == 422 and r.json()["field"] == "result"
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/verify",
        json={"verification": "已电话回访申请人", "measure": "deadline", "result": "已整改"},
        headers=w.h("h_zj"),
    )
    assert r.status_code == 422 and r.json()["field"] == "result"
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/verify",
        json={"verification": "已电话回访申请人，情况属实：材料清单未写明需原件", "measure": "deadline"},
        headers=w.h("h_zj"),
    )
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/verify",
        json={"verification": "再次核实", "measure": "explain", "result": "已作说明"},
        headers=w.h("h_zj"),
    )
    assert r.status_code == 409
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/complete",
        json={"result": "已修订办事指南的材料说明，并对窗口人员进行培训"},
        headers=w.h("h_zj"),
    )
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["overdue"] is False
    assert (
        w.client.post(
            f"/api/v1/service-ratings/rectifications/{rid}/complete",
            json={"result": "再来一次"},
            headers=w.h("h_zj"),
        ).status_code
        == 409
    )
    assert (
        w.client.post(
            "/api/v1/service-ratings/rectifications/99999/complete",
            json={"result": "不存在的"},
            headers=w.h("h_zj"),
        ).status_code
        == 404
    )
    # fed back to the applicant
    mine = w.client.get("/api/v1/service-ratings", params={"number": number, "id_number": ORG_CODE}).json()
    assert mine[0]["rectification"]["result"].startswith("已修订办事指南")
    assert mine[0]["rectification"]["measure"] == "deadline"
    # figures per item, department and window
    fig = w.client.get("/api/v1/service-ratings/figures", headers=w.h("supervisor")).json()
    assert fig["departments"][0]["name"] == "住建局" and fig["departments"][0]["bad"] == 1
    assert fig["windows"][0]["name"] == "综合窗口1号" and fig["windows"][0]["score"] == 1.0
    assert fig["items"][0]["key"] == LICENCE and fig["items"][0]["good_rate"] == 0.0
    assert w.client.get("/api/v1/service-ratings/figures", headers=w.h("clerk_a")).status_code == 403


def test_rectification_deadline_follows_the_setting(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhizhi.core.settings import get_settings

    monkeypatch.setenv("ZHIZHI_RECTIFICATION_WORKING_DAYS", "5")
    get_settings.cache_clear()
    try:
        number = submit(w)["number"]
        _complete(w, number)
        r = _rate(w, {"number": number, "level": "dissatisfied", "comment": "等太久"})
        assert r.status_code == 201, r.text
        with unit_of_work() as s:
            due = load_calendar(s).add_working_days(local_date(clock.now()), 5).due_date
        assert local_date(datetime.fromisoformat(r.json()["rectification"]["due_at"])) == due
    finally:
        monkeypatch.delenv("ZHIZHI_RECTIFICATION_WORKING_DAYS")
        get_settings.cache_clear()
