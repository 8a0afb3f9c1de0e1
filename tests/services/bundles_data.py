"""A test bundle "open a restaurant": three published items of the test city and the bundle
over them.  ``licence`` (营业执照, open to people and firms) → ``food`` (食品经营许可, firms only,
depends on ``licence``) → ``hygiene`` (公共场所卫生许可, optional, depends on ``food``)."""

from __future__ import annotations

from typing import Any

from tests.builders import World
from tests.services.items_data import code_for, item

LICENCE = code_for("000117001000")
FOOD = code_for("000117009000")
HYGIENE = code_for("000117020000")

_PHONE = {"code": "applicant.phone", "label": "联系电话", "label_en": "Phone", "type": "phone"}
_NAME = {"code": "enterprise.name", "label": "经营者名称", "label_en": "Business name"}
_ID_CARD = {
    "code": "applicant.id_card",
    "name": "身份证明",
    "form": "electronic",
    "source": "shared:GA-RK-001",
}
_LICENCE_DOC = {
    "code": "enterprise.business_licence",
    "name": "营业执照",
    "form": "electronic",
    "source": "certificate:business_licence",
}

ITEMS: list[dict[str, Any]] = [
    item(
        basic_code="000117001000",
        implementation_code=LICENCE,
        name="个体工商户设立登记",
        applicant_types=["1", "2"],
        result_type="licence",
        result_name="营业执照",
        result_certificate_type="business_licence",
        materials=[_ID_CARD, {"code": "premises.proof", "name": "经营场所使用证明", "form": "both"}],
        fields=[
            _NAME,
            _PHONE,
            {"code": "applicant.name", "label": "姓名", "label_en": "Name"},
            {
                "code": "applicant.household_address",
                "label": "户籍地址",
                "label_en": "Household address",
                "required": False,
            },
        ],
    ),
    item(
        materials=[
            {"code": "food.application_form", "name": "食品经营许可申请书", "form": "both"},
            _LICENCE_DOC,
            {"code": "premises.proof", "name": "经营场所使用证明", "form": "both"},
        ],
        fields=[
            _NAME,
            {
                "code": "food.category",
                "label": "经营项目",
                "label_en": "Food category",
                "type": "choice",
                "options": ["预包装食品销售", "热食类食品制售"],
            },
        ],
    ),
    item(
        basic_code="000117020000",
        implementation_code=HYGIENE,
        name="公共场所卫生许可",
        result_certificate_type=None,
        result_type="licence",
        materials=[_LICENCE_DOC, _ID_CARD],
        fields=[
            _NAME,
            _PHONE,
            {"code": "premises.area", "label": "营业面积", "label_en": "Floor area", "type": "number"},
        ],
    ),
]

BUNDLE: dict[str, Any] = {
    "code": "open-restaurant",
    "name": "开办餐馆",
    "name_en": "Opening a restaurant",
    "description": "营业执照、食品经营许可、公共场所卫生许可一次办。",
    "audience": "legal",
    "life_event": "open_restaurant",
    "lead_department": "ZJ",
    "items": [
        {"part": "licence", "item": LICENCE},
        {
            "part": "food",
            "item": FOOD,
            "depends_on": ["licence"],
            "applicant_types": ["2", "5"],
            "condition": "限法人",
        },
        {"part": "hygiene", "item": HYGIENE, "depends_on": ["food"], "optional": True},
    ],
}


def publish_items(world: World, user: str = "istew") -> None:
    for body in ITEMS:
        r = world.client.post("/api/v1/service-items", json=body, headers=world.h(user))
        assert r.status_code == 201, r.text
        code = body["implementation_code"]
        r = world.client.post(f"/api/v1/service-items/{code}/publish", headers=world.h(user))
        assert r.status_code == 200, r.text


def save_bundle(
    world: World, body: dict[str, Any] | None = None, user: str = "istew", expect: int = 200
) -> dict[str, Any]:
    body = body or BUNDLE
    r = world.client.put(f"/api/v1/bundles/{body['code']}", json=body, headers=world.h(user))
    assert r.status_code == expect, r.text
    return dict(r.json())
