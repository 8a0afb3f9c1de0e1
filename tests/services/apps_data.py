"""Shared set-up of the applications tests: published items of the test city (a licence whose
result is an SM2-signed certificate, an on-the-spot item, a retired one), the department's
signing key, and helpers to submit and act through the API."""

from __future__ import annotations

import json
from typing import Any

from tests.attachments.photos import PDF, png
from tests.builders import World
from tests.services.items_data import code_for, item
from zhizhi.certificates import service as certificates
from zhizhi.certificates.holders import id_check_char, uscc_check_char
from zhizhi.core import audit
from zhizhi.core.db import unit_of_work

LICENCE = code_for("000117009000")
IMMEDIATE = code_for("000120001000")
RETIRED = code_for("000120002000")
_ORG17 = "91430104MA4L0000"
ORG_CODE = _ORG17 + "1" + uscc_check_char(_ORG17 + "1")
PERSON_ID = "43010419900307" + "123" + id_check_char("43010419900307123")
FILES = {"material.food.application_form": ("申请书.pdf", PDF, "application/pdf")}


def publish_items(world: World, *, signing_key: bool = True) -> None:
    bodies = [
        item(),
        item(
            basic_code="000120001000",
            implementation_code=IMMEDIATE,
            name="食品小作坊登记证补办",
            case_type="immediate",
            applicant_types=["1"],
            legal_limit={"value": 0, "unit": "working_day"},
            promised_limit={"value": 0, "unit": "working_day"},
            result_type="certification",
            result_name="补办回执",
            result_certificate_type=None,
            special_procedures=[],
            materials=[{"code": "person.id_card", "name": "居民身份证", "form": "paper"}],
            fields=[{"code": "applicant.reason", "label": "补办原因", "required": False}],
        ),
        item(basic_code="000120002000", implementation_code=RETIRED, name="已取消的事项"),
    ]
    for body in bodies:
        r = world.client.post("/api/v1/service-items", json=body, headers=world.h("admin"))
        assert r.status_code == 201, r.text
        code = body["implementation_code"]
        r = world.client.post(f"/api/v1/service-items/{code}/publish", headers=world.h("admin"))
        assert r.status_code == 200, r.text
    r = world.client.post(
        f"/api/v1/service-items/{RETIRED}/retire", json={"reason": "事项取消"}, headers=world.h("admin")
    )
    assert r.status_code == 200, r.text
    if signing_key:
        with unit_of_work() as s:
            certificates.create_key(s, "ZJ", audit.Actor(None, "test"))


def org_application(**over: Any) -> dict[str, Any]:
    return {
        "item": LICENCE,
        "applicant": {
            "type": "organisation",
            "name": "长沙岳麓小厨餐饮有限公司",
            "id_number": ORG_CODE,
            "phone": "13900001111",
        },
        "form": {
            "enterprise.name": "长沙岳麓小厨餐饮有限公司",
            "enterprise.credit_code": ORG_CODE,
            "food.category": "热食类食品制售",
        },
    } | over


def submit(
    world: World,
    user: str | None = "citizen",
    data: dict[str, Any] | None = None,
    files: Any = None,
    expect: int = 201,
) -> dict[str, Any]:
    headers = world.h(user) if user else {}
    body = data or org_application()
    parts = FILES if files is None else files
    parts = {k: v for k, v in parts.items()}
    parts["material.enterprise.business_licence"] = ("执照.png", png(), "image/png")
    r = world.client.post(
        "/api/v1/applications",
        data={"data": json.dumps(body, ensure_ascii=False)},
        files=list(parts.items()),
        headers=headers,
    )
    assert r.status_code == expect, r.text
    return dict(r.json())


def act(
    world: World, user: str, number: str, action: str, expect: int = 200, **fields: Any
) -> dict[str, Any]:
    r = world.client.post(
        f"/api/v1/cases/{number}/actions", json={"action": action, **fields}, headers=world.h(user)
    )
    assert r.status_code == expect, f"{action} by {user}: {r.status_code} {r.text}"
    return dict(r.json())


def app_of(world: World, number: str, user: str = "h_zj") -> dict[str, Any]:
    r = world.client.get(f"/api/v1/applications/{number}", headers=world.h(user))
    assert r.status_code == 200, r.text
    return dict(r.json())


CERT_FIELDS = {"经营场所": "长沙市岳麓区麓山南路 932 号一楼", "主体业态": "餐饮服务经营者"}
