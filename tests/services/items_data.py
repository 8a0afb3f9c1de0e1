"""A valid item body for the tests of one-stop services (the other sub-capabilities' tests may
use it too): 食品经营许可 of the test city's 住建局 stand-in department ``ZJ``."""

from __future__ import annotations

import copy
from typing import Any

from zhizhi.services.items.rules import credit_code_check_char

_BODY17 = "11430100MB1504417"
BODY_CODE = _BODY17 + credit_code_check_char(_BODY17)  # the implementing body's credit code


def code_for(basic: str, variant: str = "0") -> str:
    """An implementation code (31) of the test body for ``basic`` (12)."""
    return BODY_CODE + variant + basic


BASIC = "000117009000"
ITEM: dict[str, Any] = {
    "basic_code": BASIC,
    "implementation_code": code_for(BASIC),
    "name": "食品经营许可（新办）",
    "type": "01",
    "level": 3,
    "department": "ZJ",
    "applicant_types": ["2", "5"],
    "audiences": ["legal"],
    "life_events": ["open_restaurant"],
    "acceptance_conditions": "申请人应当取得营业执照等合法主体资格；有与经营的食品品种相适应的场所。",
    "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
    "case_type": "promised",
    "legal_limit": {"value": 20, "unit": "working_day"},
    "promised_limit": {"value": 5, "unit": "working_day"},
    "handling_forms": ["window", "online"],
    "visits": 0,
    "special_procedures": [
        {
            "kind": "inspection",
            "name": "现场核查",
            "limit": {"value": 10, "unit": "working_day"},
            "basis": "办法第二十条",
        }
    ],
    "fees": [],
    "process": [{"name": "申请", "description": "网上或窗口提交"}, {"name": "审查"}, {"name": "决定"}],
    "place": "长沙市政务服务中心（岳麓区金星中路）市场监管窗口",
    "hours": "工作日 9:00-12:00，13:30-17:00",
    "consultation": "0731-12345",
    "complaint": "0731-12345",
    "online_depth": 4,
    "result_type": "licence",
    "result_name": "食品经营许可证",
    "result_certificate_type": "food_business_permit",
    "faq": [{"question": "多久能拿证？", "answer": "承诺 5 个工作日（现场核查时间不计算在内）。"}],
    "materials": [
        {
            "code": "food.application_form",
            "name": "食品经营许可申请书",
            "form": "both",
            "blank_form": "申请书.docx",
        },
        {
            "code": "enterprise.business_licence",
            "name": "营业执照",
            "form": "electronic",
            "source": "certificate:business_licence",
        },
        {"code": "food.safety_rules", "name": "食品安全管理制度", "required": False, "copies": 1},
    ],
    "fields": [
        {"code": "enterprise.name", "label": "经营者名称", "label_en": "Business name"},
        {"code": "enterprise.credit_code", "label": "统一社会信用代码", "type": "credit_code"},
        {
            "code": "food.category",
            "label": "经营项目",
            "type": "choice",
            "options": ["预包装食品销售", "热食类食品制售"],
        },
    ],
}


def item(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(ITEM)
    body.update(overrides)
    return body
