"""The implementation list's spreadsheet layout (the columns provinces exchange): the items
sheet, the materials sheet keyed by implementation code, and an optional sheet of form fields.

Pure: headers, how a cell's text becomes a value of ``ItemIn`` (codes or Chinese names are both
accepted: ``01`` or ``行政许可``, ``working_day`` or ``工作日``; lists split on ``；;，,、`` and new
lines), and how a version becomes a row again (export writes what import reads)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zhizhi.services.items.enums import (
    APPLICANT_TYPE_LABELS,
    AUDIENCE_LABELS,
    CASE_TYPE_LABELS,
    FIELD_TYPE_LABELS,
    HANDLING_FORM_LABELS,
    ITEM_STATUS_LABELS,
    ITEM_TYPE_LABELS,
    LEVEL_LABELS,
    LIFE_EVENT_LABELS,
    LIMIT_UNIT_LABELS,
    MATERIAL_FORM_LABELS,
    RESULT_TYPE_LABELS,
    SOURCE_LABELS,
    SPECIAL_PROCEDURE_LABELS,
    SourceKind,
)
from zhizhi.services.items.schemas import ItemVersionView


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the ItemIn path (or a helper key) the column fills
    zh: str  # the header provinces use
    en: str
    required: bool = False
    export_only: bool = False


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("basic_code", "基本编码", "basic code", True),
    Column("implementation_code", "实施编码", "implementation code", True),
    Column("name", "事项名称", "name", True),
    Column("type", "事项类型", "type", True),
    Column("level", "行使层级", "level", True),
    Column("department", "实施主体编码", "department code", True),
    Column("department_name", "实施主体", "department", export_only=True),
    Column("applicant_types", "服务对象", "applicant types", True),
    Column("audiences", "面向对象", "audiences", True),
    Column("life_events", "人生事件主题", "life events"),
    Column("acceptance_conditions", "受理条件", "acceptance conditions"),
    Column("legal_basis", "设定依据", "legal basis"),
    Column("case_type", "办件类型", "case type", True),
    Column("legal_limit.value", "法定办结时限", "legal limit", True),
    Column("legal_limit.unit", "法定时限单位", "legal limit unit"),
    Column("promised_limit.value", "承诺办结时限", "promised limit", True),
    Column("promised_limit.unit", "承诺时限单位", "promised limit unit"),
    Column("handling_forms", "办理形式", "handling forms", True),
    Column("visits", "到办事现场次数", "visits"),
    Column("special_procedures", "特别程序", "special procedures"),
    Column("fees", "收费标准", "fees"),
    Column("process", "办理流程", "process"),
    Column("place", "办理地点", "place"),
    Column("hours", "办理时间", "hours"),
    Column("consultation", "咨询方式", "consultation"),
    Column("complaint", "监督投诉方式", "complaint"),
    Column("online_depth", "网上办理深度", "online depth"),
    Column("result_type", "审批结果类型", "result type"),
    Column("result_name", "审批结果名称", "result name"),
    Column("result_certificate_type", "电子证照类型", "certificate type"),
    Column("faq", "常见问题", "faq"),
    Column("note", "备注", "note"),
    Column("status", "状态", "status", export_only=True),
    Column("version", "版本", "version", export_only=True),
)
MATERIAL_COLUMNS: tuple[Column, ...] = (
    Column("implementation_code", "实施编码", "implementation code", True),
    Column("code", "材料编码", "material code", True),
    Column("name", "材料名称", "material name", True),
    Column("form", "材料形式", "form"),
    Column("required", "是否必要", "required"),
    Column("source", "来源渠道", "source"),
    Column("original", "是否需要原件", "original"),
    Column("copies", "复印件份数", "copies"),
    Column("blank_form", "空白表格", "blank form"),
    Column("sample", "示例样表", "sample"),
    Column("acceptance_standard", "受理标准", "acceptance standard"),
    Column("basis", "材料依据", "basis"),
    Column("note", "备注", "note"),
)
FIELD_COLUMNS: tuple[Column, ...] = (
    Column("implementation_code", "实施编码", "implementation code", True),
    Column("code", "字段编码", "field code", True),
    Column("label", "字段名称", "label", True),
    Column("label_en", "英文名称", "English label"),
    Column("type", "字段类型", "type"),
    Column("required", "是否必填", "required"),
    Column("options", "选项", "options"),
)
SHEETS = {
    "items": ("事项清单", "items"),
    "materials": ("申请材料", "materials"),
    "fields": ("表单字段", "fields"),
}
SHEET_LABELS = {
    "items": ("事项清单表", "items sheet"),
    "materials": ("申请材料表", "materials sheet"),
    "fields": ("表单字段表", "fields sheet"),
}

_SPLIT = re.compile(r"[;；,，、\n]+")
_LIMIT = re.compile(r"\s*(\d{1,4})\s*(个)?\s*(工作日|自然日|日|天|小时|working_day|calendar_day|hour)?\s*")
YES = {"是", "必要", "必须", "需要", "y", "yes", "true", "1", "√"}
NO = {"否", "非必要", "不需要", "n", "no", "false", "0", ""}


class CellError(ValueError):
    """A cell's text is not a value of its column (zh, en)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def _lookup(labels: dict[Any, tuple[str, str]], extra: dict[str, str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, (zh, en) in labels.items():
        code = str(value.value)
        out[code] = code
        out[zh] = code
        out[en.lower()] = code
        out[str(value.name).lower()] = code
    out.update(extra or {})
    return out


TYPE = _lookup(ITEM_TYPE_LABELS, {str(int(t.value)): t.value for t in ITEM_TYPE_LABELS})
LEVEL = _lookup(
    LEVEL_LABELS, {"国家": "1", "省": "2", "市": "3", "县": "4", "区": "4", "乡镇": "5", "街道": "5"}
)
UNIT = _lookup(
    LIMIT_UNIT_LABELS,
    {
        "工作日": "working_day",
        "自然日": "calendar_day",
        "日": "calendar_day",
        "天": "calendar_day",
        "小时": "hour",
    },
)
CASE = _lookup(CASE_TYPE_LABELS)
FORMS = _lookup(HANDLING_FORM_LABELS, {"窗口": "window", "网上": "online", "快递": "post", "邮寄": "post"})
APPLICANTS = _lookup(APPLICANT_TYPE_LABELS, {"法人": "2", "企业": "2", "个人": "1"})
AUDIENCES = _lookup(
    AUDIENCE_LABELS, {"个人": "personal", "法人": "legal", "自然人": "personal", "企业": "legal"}
)
EVENTS = _lookup(
    LIFE_EVENT_LABELS, {"住房保障": "housing", "社保": "social_security", "开办餐饮店": "open_restaurant"}
)
RESULTS = _lookup(RESULT_TYPE_LABELS, {"证照": "licence", "批文": "approval", "证明": "certification"})
MATERIAL_FORMS = _lookup(MATERIAL_FORM_LABELS, {"纸质和电子": "both", "电子或纸质": "both"})
PROCEDURES = _lookup(
    SPECIAL_PROCEDURE_LABELS,
    {
        "现场勘验": "inspection",
        "检验": "testing",
        "检测": "testing",
        "检疫": "testing",
        "招标": "auction",
        "拍卖": "auction",
    },
)
FIELD_TYPES = _lookup(FIELD_TYPE_LABELS)
SOURCES = {
    zh: kind.value
    for kind, (zh, _en) in SOURCE_LABELS.items()
    if kind in (SourceKind.APPLICANT, SourceKind.ISSUED)
}


def one(table: dict[str, str], text: str, what: tuple[str, str]) -> str:
    key = text.strip()
    found = table.get(key) or table.get(key.lower())
    if found is None:
        raise CellError(f"无法识别的{what[0]}：{key[:40]}", f"unknown {what[1]}: {key[:40]}")
    return found


def many(table: dict[str, str], text: str, what: tuple[str, str]) -> list[str]:
    return list(dict.fromkeys(one(table, part, what) for part in _SPLIT.split(text) if part.strip()))


def integer(text: str, what: tuple[str, str]) -> int:
    t = text.strip()
    if t.endswith(".0"):
        t = t[:-2]
    if not t.isdigit() or len(t) > 6:
        raise CellError(f"{what[0]}应为非负整数：{t[:20]}", f"{what[1]} must be a whole number: {t[:20]}")
    return int(t)


def flag(text: str, default: bool) -> bool:
    t = text.strip().lower()
    if not t:
        return default
    if t in YES:
        return True
    if t in NO:
        return False
    raise CellError(f"应填“是”或“否”：{t[:20]}", f"expected yes or no: {t[:20]}")


def limit_of(text: str) -> dict[str, Any] | None:
    m = _LIMIT.fullmatch(text)
    if m is None:
        raise CellError(
            f"时限应写作“10个工作日”：{text[:30]}", f"a limit is written like '10 working_day': {text[:30]}"
        )
    unit = UNIT[m.group(3)] if m.group(3) else "working_day"
    return {"value": int(m.group(1)), "unit": unit}


def procedures(text: str) -> list[dict[str, Any]]:
    out = []
    for part in re.split(r"[;；\n]+", text):
        if not part.strip():
            continue
        name, _, limit = part.partition(":") if ":" in part else part.partition("：")
        kind = one(PROCEDURES, name, ("特别程序", "special procedure"))
        out.append({"kind": kind, "name": name.strip(), "limit": limit_of(limit) if limit.strip() else None})
    return out


def fees(text: str) -> list[dict[str, str]]:
    if text.strip() in {"", "不收费", "免费", "无", "free"}:
        return []
    out = []
    for part in re.split(r"[;；\n]+", text):
        if part.strip():
            name, _, standard = part.partition("：") if "：" in part else part.partition(":")
            out.append({"name": name.strip()[:200], "standard": standard.strip()[:300]})
    return out


def steps(text: str) -> list[dict[str, str]]:
    out = []
    for part in re.split(r"[→\n]+|->", text):
        if part.strip():
            name, _, description = part.partition("：") if "：" in part else part.partition(":")
            out.append({"name": name.strip()[:100], "description": description.strip()})
    return out


def faq(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        if line.strip():
            question, sep, answer = line.partition("|")
            if not sep:
                raise CellError("常见问题每行写作“问题|答案”", "each FAQ line is written 'question|answer'")
            out.append({"question": question.strip(), "answer": answer.strip()})
    return out


def source(text: str) -> str:
    t = text.strip()
    return SOURCES.get(t, t or "applicant")


Parser = Callable[[str], Any]
ITEM_PARSERS: dict[str, Parser] = {
    "type": lambda t: one(TYPE, t, ("事项类型", "item type")),
    "level": lambda t: int(one(LEVEL, t, ("行使层级", "level"))),
    "applicant_types": lambda t: many(APPLICANTS, t, ("服务对象", "applicant type")),
    "audiences": lambda t: many(AUDIENCES, t, ("面向对象", "audience")),
    "life_events": lambda t: many(EVENTS, t, ("人生事件", "life event")),
    "case_type": lambda t: one(CASE, t, ("办件类型", "case type")),
    "legal_limit.value": lambda t: integer(t, ("法定办结时限", "the legal limit")),
    "legal_limit.unit": lambda t: one(UNIT, t or "working_day", ("时限单位", "limit unit")),
    "promised_limit.value": lambda t: integer(t, ("承诺办结时限", "the promised limit")),
    "promised_limit.unit": lambda t: one(UNIT, t or "working_day", ("时限单位", "limit unit")),
    "handling_forms": lambda t: many(FORMS, t, ("办理形式", "handling form")),
    "visits": lambda t: integer(t or "0", ("到办事现场次数", "visits")),
    "special_procedures": procedures,
    "fees": fees,
    "process": steps,
    "online_depth": lambda t: integer(t or "1", ("网上办理深度", "online depth")),
    "result_type": lambda t: one(RESULTS, t or "other", ("审批结果类型", "result type")),
    "result_certificate_type": lambda t: t.strip() or None,
    "faq": faq,
}
MATERIAL_PARSERS: dict[str, Parser] = {
    "form": lambda t: one(MATERIAL_FORMS, t or "paper", ("材料形式", "material form")),
    "required": lambda t: flag(t, True),
    "source": source,
    "original": lambda t: flag(t, False),
    "copies": lambda t: integer(t or "0", ("复印件份数", "copies")),
}
FIELD_PARSERS: dict[str, Parser] = {
    "type": lambda t: one(FIELD_TYPES, t or "text", ("字段类型", "field type")),
    "required": lambda t: flag(t, True),
    "options": lambda t: [p.strip() for p in re.split(r"[;；|\n]+", t) if p.strip()],
}


def _zh(labels: dict[Any, tuple[str, str]], value: Any) -> str:
    for key, (zh, _en) in labels.items():
        if str(key.value) == str(value):
            return zh
    return str(value)


def _limit_text(limit: Any) -> str:
    return f"{limit.value}{_zh(LIMIT_UNIT_LABELS, limit.unit).removeprefix('个')}"


def item_row(v: ItemVersionView, item_status: str) -> list[Any]:
    """One version as an items-sheet row (the columns of ``ITEM_COLUMNS``)."""
    values: dict[str, Any] = {
        "basic_code": v.basic_code,
        "implementation_code": v.implementation_code,
        "name": v.name,
        "type": v.type,
        "level": v.level,
        "department": v.department.code,
        "department_name": v.department.name,
        "applicant_types": "；".join(_zh(APPLICANT_TYPE_LABELS, a) for a in v.applicant_types),
        "audiences": "；".join(_zh(AUDIENCE_LABELS, a) for a in v.audiences),
        "life_events": "；".join(_zh(LIFE_EVENT_LABELS, e) for e in v.life_events),
        "acceptance_conditions": v.acceptance_conditions,
        "legal_basis": v.legal_basis,
        "case_type": _zh(CASE_TYPE_LABELS, v.case_type),
        "legal_limit.value": v.legal_limit.value,
        "legal_limit.unit": _zh(LIMIT_UNIT_LABELS, v.legal_limit.unit).removeprefix("个"),
        "promised_limit.value": v.promised_limit.value,
        "promised_limit.unit": _zh(LIMIT_UNIT_LABELS, v.promised_limit.unit).removeprefix("个"),
        "handling_forms": "；".join(_zh(HANDLING_FORM_LABELS, f) for f in v.handling_forms),
        "visits": v.visits,
        "special_procedures": "；".join(
            p.name + (f":{_limit_text(p.limit)}" if p.limit else "") for p in v.special_procedures
        ),
        "fees": "；".join(f"{f.name}：{f.standard}" if f.standard else f.name for f in v.fees) or "不收费",
        "process": "\n".join(f"{s.name}：{s.description}" if s.description else s.name for s in v.process),
        "place": v.place,
        "hours": v.hours,
        "consultation": v.consultation,
        "complaint": v.complaint,
        "online_depth": v.online_depth,
        "result_type": _zh(RESULT_TYPE_LABELS, v.result.type),
        "result_name": v.result.name,
        "result_certificate_type": v.result.certificate_type or "",
        "faq": "\n".join(f"{q.question}|{q.answer}" for q in v.faq),
        "note": v.note,
        "status": _zh(ITEM_STATUS_LABELS, item_status),
        "version": v.version,
    }
    return [values[c.key] for c in ITEM_COLUMNS]


def material_rows(v: ItemVersionView) -> list[list[Any]]:
    return [
        [
            v.implementation_code,
            m.code,
            m.name,
            _zh(MATERIAL_FORM_LABELS, m.form),
            "是" if m.required else "否",
            m.source if m.source_kind not in ("applicant", "issued") else _zh(SOURCE_LABELS, m.source_kind),
            "是" if m.original else "否",
            m.copies,
            m.blank_form,
            m.sample,
            m.acceptance_standard,
            m.basis,
            m.note,
        ]
        for m in v.materials
    ]


def field_rows(v: ItemVersionView) -> list[list[Any]]:
    return [
        [
            v.implementation_code,
            f.code,
            f.label,
            f.label_en,
            f.type,
            "是" if f.required else "否",
            "；".join(f.options),
        ]
        for f in v.fields
    ]
