"""Two test bundles over published items of the test city.

"open a restaurant" (firms): ``licence`` (企业设立登记) → ``food`` (食品经营许可, depends on
``licence``, firms and unincorporated businesses) → ``hygiene`` (公共场所卫生许可, optional,
depends on ``food``).  "a child is born" (people): ``birth`` (出生医学证明) → ``hukou`` (出生登记,
depends on ``birth``); ``insurance`` (城乡居民医保参保, optional, independent)."""

from __future__ import annotations

from typing import Any

from tests.builders import World
from tests.services.items_data import code_for, item

LICENCE = code_for("000117001000")
FOOD = code_for("000117009000")
HYGIENE = code_for("000117020000")

_PHONE = {"code": "person.phone", "label": "联系电话", "label_en": "Phone", "type": "phone"}
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
        name="企业设立登记",
        applicant_types=["2"],
        result_type="licence",
        result_name="营业执照",
        result_certificate_type="business_licence",
        materials=[_ID_CARD, {"code": "premises.proof", "name": "经营场所使用证明", "form": "both"}],
        fields=[
            _NAME,
            _PHONE,
            {"code": "person.name", "label": "姓名", "label_en": "Name"},
            {
                "code": "person.household_address",
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

BIRTH = code_for("000117031000")
HUKOU = code_for("000117032000")
INSURANCE = code_for("000117033000")
_CHILD = {"code": "child.name", "label": "新生儿姓名", "label_en": "Child's name"}
_APPLICANT = {"code": "person.name", "label": "申请人姓名", "label_en": "Applicant's name"}
_PERSON = {
    "applicant_types": ["1"],
    "audiences": ["personal"],
    "life_events": ["newborn"],
    "result_certificate_type": None,
}
ITEMS += [
    item(
        basic_code="000117031000",
        implementation_code=BIRTH,
        name="出生医学证明签发",
        **_PERSON,
        materials=[_ID_CARD, {"code": "hospital.record", "name": "分娩记录", "form": "paper"}],
        fields=[
            _APPLICANT,
            _CHILD,
            {"code": "child.birth_date", "label": "出生日期", "label_en": "Date of birth", "type": "date"},
            {
                "code": "person.household_address",
                "label": "户籍地址",
                "label_en": "Household address",
                "required": False,
            },
        ],
    ),
    item(
        basic_code="000117032000",
        implementation_code=HUKOU,
        name="出生登记（户口）",
        **_PERSON,
        materials=[_ID_CARD, {"code": "household.register", "name": "居民户口簿", "form": "paper"}],
        fields=[_APPLICANT, _CHILD, _PHONE],
    ),
    item(
        basic_code="000117033000",
        implementation_code=INSURANCE,
        name="城乡居民基本医疗保险参保登记",
        **_PERSON,
        materials=[_ID_CARD],
        fields=[_CHILD, _PHONE],
    ),
]
NEWBORN: dict[str, Any] = {
    "code": "newborn",
    "name": "新生儿出生",
    "name_en": "A child is born",
    "audience": "personal",
    "life_event": "newborn",
    "lead_department": "ZJ",
    "items": [
        {"part": "birth", "item": BIRTH},
        {"part": "hukou", "item": HUKOU, "depends_on": ["birth"]},
        {"part": "insurance", "item": INSURANCE, "optional": True},
    ],
}

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
