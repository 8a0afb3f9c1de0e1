"""The item stewards' pages (事项管理): the list with import and export, one item with its
versions and actions (publish the draft, discard it, retire), and the form that writes a draft.

The form's list-valued elements use the spreadsheet's cell syntax (``layout``) so stewards
write them the same way in the form and in the workbook; materials and form fields are rows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from zhizhi.core import audit
from zhizhi.core.errors import DomainError
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.services.items import excel, layout, service
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
    ONLINE_DEPTH_LABELS,
    RESULT_TYPE_LABELS,
    VERSION_STATUS_LABELS,
    ItemStatus,
    LimitUnit,
)
from zhizhi.services.items.guide_pages import card
from zhizhi.services.items.schemas import ItemIn
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
Code = Annotated[str, Path(min_length=1, max_length=40)]
BLANK_ROWS = 3
_SCALARS = (
    "basic_code",
    "implementation_code",
    "name",
    "type",
    "level",
    "department",
    "acceptance_conditions",
    "legal_basis",
    "case_type",
    "visits",
    "place",
    "hours",
    "consultation",
    "complaint",
    "online_depth",
    "result_type",
    "result_name",
    "result_certificate_type",
    "note",
)
_CELLS = ("special_procedures", "fees", "process", "faq")
_MATERIAL = (
    "code",
    "name",
    "form",
    "required",
    "source",
    "original",
    "copies",
    "blank_form",
    "sample",
    "acceptance_standard",
    "basis",
    "note",
)
_FIELD = ("code", "label", "label_en", "type", "required", "options")


def _choices(labels: dict[Any, tuple[str, str]]) -> list[tuple[str, tuple[str, str]]]:
    return [(str(k.value), pair) for k, pair in labels.items()]


def _options(session: DbSession) -> dict[str, Any]:
    return {
        "types": _choices(ITEM_TYPE_LABELS),
        "levels": _choices(LEVEL_LABELS),
        "case_types": _choices(CASE_TYPE_LABELS),
        "units": _choices(LIMIT_UNIT_LABELS),
        "handling_forms": _choices(HANDLING_FORM_LABELS),
        "applicant_types": _choices(APPLICANT_TYPE_LABELS),
        "audiences": _choices(AUDIENCE_LABELS),
        "life_events": _choices(LIFE_EVENT_LABELS),
        "depths": _choices(ONLINE_DEPTH_LABELS),
        "result_types": _choices(RESULT_TYPE_LABELS),
        "material_forms": _choices(MATERIAL_FORM_LABELS),
        "field_types": _choices(FIELD_TYPE_LABELS),
        "departments": org.department_choices(session),
    }


@router.get("/services/items")
def items_page(
    request: Request,
    session: DbSession,
    principal: Staff,
    q: Annotated[str, Query(max_length=100)] = "",
    status: Annotated[str, Query(max_length=12)] = "",
    done: Annotated[str, Query(max_length=12)] = "",
    n: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    service.require_manage(principal)
    return _list(request, session, principal, q, status, imported=n if done == "imported" else 0)


def _list(
    request: Request, session: DbSession, principal: Staff, q: str, status: str, **extra: Any
) -> Response:
    lang = i18n.lang_of(request)
    statuses = (status,) if status in {s.value for s in ItemStatus} else tuple(s.value for s in ItemStatus)
    f = service.ItemFilter(
        q=q.strip() or None, statuses=statuses, department_ids=service.scope_ids(session, principal)
    )
    views, total = service.search(session, f, limit=200)
    states = service.item_statuses(session, [v.item_id for v in views])
    rows = [
        card(v, lang)
        | {
            "status": ITEM_STATUS_LABELS[ItemStatus(states[v.item_id][0])],
            "draft": states[v.item_id][1],
            "href": f"/services/items/view/{v.implementation_code}",
        }
        for v in views
    ]
    ctx = {
        "rows": rows,
        "total": total,
        "q": q,
        "status": status,
        "statuses": [(s.value, lbl) for s, lbl in ITEM_STATUS_LABELS.items()],
        "sheet_names": [zh for zh, _en in layout.SHEETS.values()],  # the workbook's own (Chinese) names
    } | extra
    return render(
        request,
        "services/items_list.html",
        ctx,
        status_code=422 if extra.get("problems") else 200,
        principal=principal,
    )


@router.get("/services/items/export.xlsx")
def export(session: DbSession, principal: Staff, all: Annotated[bool, Query()] = False) -> Response:
    service.require_manage(principal)
    statuses = tuple(s.value for s in ItemStatus) if all else ()
    data = excel.export_xlsx(session, principal, statuses=statuses)
    audit.record(
        session, "services.items_exported", principal.actor, object_type="service_item", object_id="*"
    )
    return Response(
        data,
        media_type=excel_media(),
        headers={"Content-Disposition": 'attachment; filename="service-items.xlsx"'},
    )


def excel_media() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/services/items/import", dependencies=[Depends(csrf.verify)])
async def import_page(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    service.require_manage(principal)
    upload = form.get("file")
    errors = FormErrors(i18n.lang_of(request))
    if not isinstance(upload, UploadFile):
        errors.add("file", "请选择要导入的 Excel 文件", "choose the Excel file to import")
        return _list(
            request, session, principal, "", "", problems=errors.general or list(errors.by_field.values())
        )
    data = await upload.read(excel.MAX_BYTES + 1)
    try:
        result = excel.import_xlsx(session, principal, data, publish=bool(form.get("publish")))
    except DomainError as exc:
        session.rollback()
        lang = i18n.lang_of(request)
        problems = [p.en if lang == "en" else p.zh for p in exc.errors] or [
            exc.en if lang == "en" else exc.zh
        ]
        return _list(request, session, principal, "", "", problems=problems)
    return RedirectResponse(
        f"/services/items?done=imported&n={result.created + result.drafts}", status_code=303
    )


@router.get("/services/items/view/{code}")
def item_page(request: Request, session: DbSession, principal: Staff, code: Code, done: str = "") -> Response:
    service.require_manage(principal)
    item, versions = service.item_state(session, code)
    service.check_scope(session, principal, item.department_id, field="item")
    lang = i18n.lang_of(request)
    ctx = {
        "item": item,
        "item_status": ITEM_STATUS_LABELS[ItemStatus(item.status)],
        "versions": [
            card(v, lang)
            | {"status": VERSION_STATUS_LABELS[next(k for k in VERSION_STATUS_LABELS if k.value == v.status)]}
            for v in versions
        ],
        "has_draft": item.draft_version_id is not None,
        "done": done if done in ("saved", "published", "retired", "discarded") else "",
    }
    return render(request, "services/item_view.html", ctx, principal=principal)


@router.post("/services/items/view/{code}/publish", dependencies=[Depends(csrf.verify)])
def publish(session: DbSession, principal: Staff, code: Code) -> Response:
    view = service.publish(session, principal, code)
    return RedirectResponse(
        f"/services/items/view/{view.implementation_code}?done=published", status_code=303
    )


@router.post("/services/items/view/{code}/retire", dependencies=[Depends(csrf.verify)])
def retire(session: DbSession, principal: Staff, code: Code, form: Posted) -> Response:
    reason = str(form.get("reason", "")).strip()[:500]
    if len(reason) < 2:
        from zhizhi.core.errors import ValidationFailed

        raise ValidationFailed("请填写停用原因", "give the reason for retiring", field="reason")
    view = service.retire(session, principal, code, reason)
    return RedirectResponse(f"/services/items/view/{view.implementation_code}?done=retired", status_code=303)


@router.post("/services/items/view/{code}/discard", dependencies=[Depends(csrf.verify)])
def discard(session: DbSession, principal: Staff, code: Code) -> Response:
    service.discard_draft(session, principal, code)
    return RedirectResponse(f"/services/items/view/{code.upper()}?done=discarded", status_code=303)


# ---- the form --------------------------------------------------------------------------------


def _unit_word(unit: str, lang: str) -> str:
    """A limit's unit as the steward writes it in a cell: 工作日 in Chinese (the parser reads both)."""
    if lang == "zh" and unit in set(LimitUnit):
        return LIMIT_UNIT_LABELS[LimitUnit(unit)][0].removeprefix("个")
    return f" {unit}"


def _form_values(body: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """A body (``editable_body``) as the form's values (cells in the sheet syntax)."""
    out: dict[str, Any] = {k: "" if body.get(k) is None else str(body.get(k)) for k in _SCALARS}
    for key in ("legal_limit", "promised_limit"):
        out[f"{key}.value"] = str(body[key]["value"])
        out[f"{key}.unit"] = body[key]["unit"]
    for key in ("handling_forms", "applicant_types", "audiences", "life_events"):
        out[key] = list(body.get(key) or [])
    out["special_procedures"] = "\n".join(
        p["name"] + (f":{lim['value']}{_unit_word(lim['unit'], lang)}" if (lim := p.get("limit")) else "")
        for p in body.get("special_procedures", [])
    )
    out["fees"] = "\n".join(
        f"{f['name']}:{f['standard']}" if f.get("standard") else f["name"] for f in body.get("fees", [])
    )
    out["process"] = "\n".join(
        f"{s['name']}:{s['description']}" if s.get("description") else s["name"]
        for s in body.get("process", [])
    )
    out["faq"] = "\n".join(f"{q['question']}|{q['answer']}" for q in body.get("faq", []))
    out["materials"] = [
        {
            k: ("是" if m.get(k) else "否") if k in ("required", "original") else str(m.get(k, ""))
            for k in _MATERIAL
        }
        for m in body.get("materials", [])
    ] + [{} for _ in range(BLANK_ROWS)]
    out["fields"] = [
        {
            k: ("是" if f.get(k) else "否")
            if k == "required"
            else "；".join(f.get(k, []))
            if k == "options"
            else str(f.get(k, ""))
            for k in _FIELD
        }
        for f in body.get("fields", [])
    ] + [{} for _ in range(BLANK_ROWS)]
    return out


def _rows(form: FormData, prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for i in range(200):
        if f"{prefix}-{i}-code" not in form:
            break
        row = {k: str(form.get(f"{prefix}-{i}-{k}", "")).strip() for k in keys}
        if row["code"] or row.get("name") or row.get("label"):
            out.append(row)
    return out


def _body(
    form: FormData,
) -> tuple[dict[str, Any], dict[str, Any], FormErrors | None, list[tuple[str, str, str]]]:
    """(ItemIn body, the form's values to show again, parse problems as (field, zh, en))."""
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in _SCALARS}
    problems: list[tuple[str, str, str]] = []
    body: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
    body["result_certificate_type"] = values["result_certificate_type"] or None
    for key in ("legal_limit", "promised_limit"):
        values[f"{key}.value"] = str(form.get(f"{key}.value", "")).strip()
        values[f"{key}.unit"] = str(form.get(f"{key}.unit", "working_day")).strip()
        body[key] = {"value": values[f"{key}.value"] or "0", "unit": values[f"{key}.unit"]}
    for key in ("handling_forms", "applicant_types", "audiences", "life_events"):
        values[key] = [str(v) for v in form.getlist(key)][:20]
        body[key] = values[key]
    parsers = {
        "special_procedures": layout.procedures,
        "fees": layout.fees,
        "process": layout.steps,
        "faq": layout.faq,
    }
    for key in _CELLS:
        values[key] = str(form.get(key, ""))[:8000]
        try:
            body[key] = parsers[key](values[key])
        except layout.CellError as exc:
            problems.append((key, exc.zh, exc.en))
    materials = _rows(form, "m", _MATERIAL)
    fields = _rows(form, "f", _FIELD)
    body["materials"] = []
    for i, m in enumerate(materials):
        try:
            body["materials"].append(
                m
                | {
                    k: layout.MATERIAL_PARSERS[k](m[k])
                    for k in ("form", "required", "source", "original", "copies")
                }
            )
        except layout.CellError as exc:
            problems.append((f"materials.{i}", exc.zh, exc.en))
    body["fields"] = []
    for i, f in enumerate(fields):
        try:
            body["fields"].append(
                f | {k: layout.FIELD_PARSERS[k](f[k]) for k in ("type", "required", "options")}
            )
        except layout.CellError as exc:
            problems.append((f"fields.{i}", exc.zh, exc.en))
    values["materials"] = materials + [{} for _ in range(BLANK_ROWS)]
    values["fields"] = fields + [{} for _ in range(BLANK_ROWS)]
    return body, values, None, problems


def _edit(
    request: Request,
    session: DbSession,
    principal: Staff,
    values: dict[str, Any],
    *,
    existing: str | None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    ctx = _options(session) | {
        "form": values,
        "existing": existing,
        "errors": errors or FormErrors(i18n.lang_of(request)),
    }
    return render(request, "services/item_edit.html", ctx, status_code=status, principal=principal)


@router.get("/services/items/new")
def new_page(request: Request, session: DbSession, principal: Staff) -> Response:
    service.require_manage(principal)
    values = {
        "case_type": "promised",
        "legal_limit.unit": "working_day",
        "promised_limit.unit": "working_day",
        "level": "3",
        "online_depth": "1",
        "visits": "1",
        "handling_forms": ["window"],
        "materials": [{} for _ in range(BLANK_ROWS + 2)],
        "fields": [{} for _ in range(BLANK_ROWS)],
    }
    return _edit(request, session, principal, values, existing=None)


@router.get("/services/items/edit/{code}")
def edit_page(request: Request, session: DbSession, principal: Staff, code: Code) -> Response:
    service.require_manage(principal)
    item, versions = service.item_state(session, code)
    service.check_scope(session, principal, item.department_id, field="item")
    current = next(
        v for v in versions if v.id == (item.draft_version_id or item.published_version_id or versions[0].id)
    )
    return _edit(
        request,
        session,
        principal,
        _form_values(service.editable_body(current), i18n.lang_of(request)),
        existing=item.implementation_code,
    )


@router.post("/services/items/save", dependencies=[Depends(csrf.verify)])
def save(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    service.require_manage(principal)
    body, values, _, problems = _body(form)
    existing = str(form.get("existing", "")).strip()[:40] or None
    errors = FormErrors(i18n.lang_of(request))
    for field, zh, en in problems:
        errors.add(field, zh, en)
    if not problems:
        try:
            saved = service.save_draft(session, principal, ItemIn.model_validate(body))
        except ValidationError as exc:
            errors.from_validation(exc)
        except DomainError as exc:
            session.rollback()
            errors.from_domain(exc)
        else:
            return RedirectResponse(
                f"/services/items/view/{saved.view.implementation_code}?done=saved", status_code=303
            )
    return _edit(request, session, principal, values, existing=existing, errors=errors, status=422)
