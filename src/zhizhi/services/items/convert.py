"""Rows → frozen views and API answers (pure: no session, no SQL)."""

from __future__ import annotations

from typing import Any

from zhizhi.services.items.enums import ITEM_TYPE_LABELS, ItemType
from zhizhi.services.items.models import ServiceItemField, ServiceItemMaterial, ServiceItemVersion
from zhizhi.services.items.rules import parse_source
from zhizhi.services.items.schemas import (
    DepartmentView,
    FaqView,
    FeeView,
    FieldView,
    ItemVersionView,
    LimitView,
    MaterialView,
    ResultView,
    SpecialProcedureView,
    StepView,
)


def material_view(m: ServiceItemMaterial) -> MaterialView:
    source = parse_source(m.source)
    return MaterialView(
        code=m.code,
        name=m.name,
        form=m.form,
        required=m.required,
        source=m.source,
        source_kind=source.kind.value,
        source_code=source.code,
        original=m.original,
        copies=m.copies,
        blank_form=m.blank_form,
        sample=m.sample,
        acceptance_standard=m.acceptance_standard,
        basis=m.basis,
        note=m.note,
    )


def field_view(f: ServiceItemField) -> FieldView:
    return FieldView(f.code, f.label, f.label_en, f.type, f.required, tuple(f.options or ()))


def _limit(raw: Any) -> LimitView | None:
    if not isinstance(raw, dict):
        return None
    return LimitView(int(raw["value"]), str(raw["unit"]))


def version_view(
    v: ServiceItemVersion,
    department: DepartmentView,
    materials: list[ServiceItemMaterial],
    fields: list[ServiceItemField],
) -> ItemVersionView:
    return ItemVersionView(
        id=v.id,
        item_id=v.item_id,
        version=v.version,
        status=v.status,
        implementation_code=v.implementation_code,
        basic_code=v.basic_code,
        name=v.name,
        type=v.type,
        level=v.level,
        department=department,
        applicant_types=tuple(v.applicant_types),
        audiences=tuple(v.audiences),
        life_events=tuple(v.life_events),
        acceptance_conditions=v.acceptance_conditions,
        legal_basis=v.legal_basis,
        case_type=v.case_type,
        legal_limit=LimitView(v.legal_limit_value, v.legal_limit_unit),
        promised_limit=LimitView(v.promised_limit_value, v.promised_limit_unit),
        handling_forms=tuple(v.handling_forms),
        visits=v.visits,
        special_procedures=tuple(
            SpecialProcedureView(p["kind"], p.get("name", ""), _limit(p.get("limit")), p.get("basis", ""))
            for p in v.special_procedures
        ),
        fees=tuple(FeeView(f["name"], f.get("standard", ""), f.get("basis", "")) for f in v.fees),
        process=tuple(StepView(s["name"], s.get("description", "")) for s in v.process),
        place=v.place,
        hours=v.hours,
        consultation=v.consultation,
        complaint=v.complaint,
        online_depth=v.online_depth,
        result=ResultView(v.result_type, v.result_name, v.result_certificate_type),
        faq=tuple(FaqView(q["question"], q["answer"]) for q in v.faq),
        materials=tuple(material_view(m) for m in materials),
        fields=tuple(field_view(f) for f in fields),
        note=v.note,
        created_at=v.created_at,
        published_at=v.published_at,
    )


def type_name(code: str, lang: str = "zh") -> str:
    zh, en = ITEM_TYPE_LABELS[ItemType(code)]
    return en if lang == "en" else zh


def _material(m: MaterialView, *, note: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": m.code,
        "name": m.name,
        "form": m.form,
        "required": m.required,
        "source": m.source,
        "original": m.original,
        "copies": m.copies,
        "blank_form": m.blank_form,
        "sample": m.sample,
        "acceptance_standard": m.acceptance_standard,
        "basis": m.basis,
    }
    if note:  # a steward's body keeps the internal note; the public API does not show it
        out["note"] = m.note
    return out


def _special(p: SpecialProcedureView) -> dict[str, Any]:
    return {"kind": p.kind, "name": p.name, "limit": p.limit.as_dict() if p.limit else None, "basis": p.basis}


def _field(f: FieldView) -> dict[str, Any]:
    return {
        "code": f.code,
        "label": f.label,
        "label_en": f.label_en,
        "type": f.type,
        "required": f.required,
        "options": list(f.options),
    }


def item_out(view: ItemVersionView, lang: str = "zh", *, detail: bool = False) -> dict[str, Any]:
    """The API's item (``ItemOut`` / ``ItemDetailOut``)."""
    out: dict[str, Any] = {
        "basic_code": view.basic_code,
        "implementation_code": view.implementation_code,
        "name": view.name,
        "type": view.type,
        "type_name": type_name(view.type, lang),
        "level": view.level,
        "department": {"code": view.department.code, "name": view.department.name},
        "status": view.status,
        "version": view.version,
        "version_id": view.id,
        "case_type": view.case_type,
        "legal_limit": view.legal_limit.as_dict(),
        "promised_limit": view.promised_limit.as_dict(),
        "online_depth": view.online_depth,
        "handling_forms": list(view.handling_forms),
        "visits": view.visits,
        "audiences": list(view.audiences),
        "life_events": list(view.life_events),
        "applies_online": view.applies_online,
        "result_certificate_type": view.result.certificate_type,
        "materials": [_material(m) for m in view.materials],
    }
    if detail:
        out.update(
            applicant_types=list(view.applicant_types),
            acceptance_conditions=view.acceptance_conditions,
            legal_basis=view.legal_basis,
            special_procedures=[_special(p) for p in view.special_procedures],
            fees=[{"name": f.name, "standard": f.standard, "basis": f.basis} for f in view.fees],
            process=[{"name": s.name, "description": s.description} for s in view.process],
            place=view.place,
            hours=view.hours,
            consultation=view.consultation,
            complaint=view.complaint,
            result_type=view.result.type,
            result_name=view.result.name,
            faq=[{"question": q.question, "answer": q.answer} for q in view.faq],
            fields=[_field(f) for f in view.fields],
            published_at=view.published_at,
        )
    return out


def body_of(view: ItemVersionView) -> dict[str, Any]:
    """A version as a steward's body (to write its next draft)."""
    return {
        "basic_code": view.basic_code,
        "implementation_code": view.implementation_code,
        "name": view.name,
        "type": view.type,
        "level": view.level,
        "department": view.department.code,
        "applicant_types": list(view.applicant_types),
        "audiences": list(view.audiences),
        "life_events": list(view.life_events),
        "acceptance_conditions": view.acceptance_conditions,
        "legal_basis": view.legal_basis,
        "case_type": view.case_type,
        "legal_limit": view.legal_limit.as_dict(),
        "promised_limit": view.promised_limit.as_dict(),
        "handling_forms": list(view.handling_forms),
        "visits": view.visits,
        "special_procedures": [_special(p) for p in view.special_procedures],
        "fees": [{"name": f.name, "standard": f.standard, "basis": f.basis} for f in view.fees],
        "process": [{"name": s.name, "description": s.description} for s in view.process],
        "place": view.place,
        "hours": view.hours,
        "consultation": view.consultation,
        "complaint": view.complaint,
        "online_depth": view.online_depth,
        "result_type": view.result.type,
        "result_name": view.result.name,
        "result_certificate_type": view.result.certificate_type,
        "faq": [{"question": q.question, "answer": q.answer} for q in view.faq],
        "materials": [_material(m, note=True) for m in view.materials],
        "fields": [_field(f) for f in view.fields],
    }
