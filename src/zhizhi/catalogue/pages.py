"""Catalogue's sections of the administration hub: time limits, the holiday calendar and the
categories. The handlers parse the form and call ``catalogue.service`` (as the API does)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.catalogue import excel, service, tree
from zhizhi.catalogue.enums import LIMIT_UNIT_LABELS, URGENCY_LABELS, LimitUnit, Urgency
from zhizhi.core import audit
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession
from zhizhi.ui import admin, csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

HISTORY_LABELS = {
    "created": ("新增", "added"),
    "renamed": ("重命名", "renamed"),
    "moved": ("移动", "moved"),
    "retired": ("停用", "retired"),
}

router = APIRouter(include_in_schema=False)


def limits_section(session: Session, lang: str) -> Mapping[str, Any]:
    names = {c.id: i18n.data_name(c.name, c.name_en, lang) for c in service.all_categories(session)}
    default = i18n.translate("limit.default", lang)
    return {
        "limits": [
            (
                names.get(row.category_id or 0, default),
                i18n.pick(URGENCY_LABELS[Urgency(row.urgency)], lang),
                row,
            )
            for row in service.time_limits(session)
        ],
        "categories": [
            (c.code, i18n.data_name(c.name, c.name_en, lang)) for c in service.categories(session)
        ],
        "urgencies": [(u.value, i18n.pick(v, lang)) for u, v in URGENCY_LABELS.items()],
        "units": [(u.value, i18n.pick(v, lang)) for u, v in LIMIT_UNIT_LABELS.items()],
        "unit_labels": {u.value: v for u, v in LIMIT_UNIT_LABELS.items()},
    }


def calendar_section(session: Session, lang: str) -> Mapping[str, Any]:
    return {"years": service.published_years(session)}


def categories_section(session: Session, lang: str) -> Mapping[str, Any]:
    nodes = tree.tree(session, fresh=True)
    return {
        "active": sum(1 for n in nodes if n.info.active),
        "retired": sum(1 for n in nodes if not n.info.active),
        "top": [n.info for n in nodes if n.depth == 0 and n.info.active],
        "depth": 1 + max((n.depth for n in nodes), default=-1),
    }


ADMIN_SECTIONS = (
    AdminSection("limit", "limits", "admin.limits", "catalogue/admin_limits.html", limits_section, 30),
    AdminSection(
        "calendar", "calendar", "admin.calendar", "catalogue/admin_calendar.html", calendar_section, 40
    ),
    AdminSection(
        "category",
        "categories",
        "admin.categories",
        "catalogue/admin_categories.html",
        categories_section,
        60,
    ),
)


def _above_form(exc: DomainError) -> DomainError:
    """A retire button has no field of its own: show its error above the section's form."""
    return type(exc)(exc.zh, exc.en)


@router.post("/admin/limits", dependencies=[Depends(csrf.verify)])
def set_limit(
    request: Request,
    session: DbSession,
    principal: Staff,
    category: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "normal",
    amount: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "working_days",
) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    form = {"category": category, "urgency": urgency, "amount": amount, "unit": unit}
    try:
        if not amount.strip().isdigit():
            raise ValidationFailed(
                "时限应为正整数", "the limit must be a positive whole number", field="amount"
            )
        try:
            urgency_v, unit_v = Urgency(urgency), LimitUnit(unit)
        except ValueError:
            raise ValidationFailed("取值不在允许范围内", "unknown urgency or unit", field="unit") from None
        service.set_time_limit(
            session,
            category_code=category or None,
            urgency=urgency_v,
            amount=int(amount),
            unit=unit_v,
            warning_ratio=None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return admin.refused(request, session, principal, "limit", exc, form)
    return RedirectResponse("/admin?done=limit", status_code=303)


def _dates(text: str, field: str) -> list[date]:
    out = []
    for token in text.replace(",", " ").replace("，", " ").split():
        try:
            out.append(date.fromisoformat(token))
        except ValueError:
            raise ValidationFailed(
                f"日期格式应为 YYYY-MM-DD：{token[:20]}", f"dates are YYYY-MM-DD: {token[:20]}", field=field
            ) from None
    return out


@router.post("/admin/calendar", dependencies=[Depends(csrf.verify)])
def import_calendar(
    request: Request,
    session: DbSession,
    principal: Staff,
    year: Annotated[str, Form()] = "",
    holidays: Annotated[str, Form(max_length=5000)] = "",
    makeup_workdays: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    admin.require(principal, Permission.CALENDAR_MANAGE)
    form = {"year": year, "holidays": holidays, "makeup_workdays": makeup_workdays}
    try:
        if not year.isdigit():
            raise ValidationFailed("年份应在 2000–2100 之间", "the year must be 2000–2100", field="year")
        service.import_calendar_year(
            session,
            service.check_calendar_year(int(year)),
            source="notice",
            holidays=_dates(holidays, "holidays"),
            makeup_workdays=_dates(makeup_workdays, "makeup_workdays"),
            actor=principal.actor,
        )
    except DomainError as exc:
        return admin.refused(request, session, principal, "calendar", exc, form)
    return RedirectResponse("/admin?done=calendar", status_code=303)


# ---- the category tree page (/admin/categories/tree) ---------------------------------------------

TREE_URL = "/admin/categories/tree"


def _tree_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    errors: FormErrors | None = None,
    form: dict[str, Any] | None = None,
    edit: str | None = None,
    status_code: int = 200,
    result: Mapping[str, int] | None = None,
    problems: list[str] | None = None,
) -> Response:
    lang = i18n.lang_of(request)
    nodes = tree.tree(session, fresh=True)
    selected = next((n for n in nodes if n.info.code == edit), None) if edit else None
    parent = (
        service.category_info(session, selected.info.parent_id)
        if selected and selected.info.parent_id
        else None
    )
    ctx = {
        "nodes": nodes,
        "choices": service.category_choices(session),
        "selected": selected,
        "selected_parent": parent.code if parent else "",
        "history": tree.history(session, 50),
        "e": errors or FormErrors(lang),
        "f": form or {},
        "done": request.query_params.get("done"),
        "result": result,
        "problems": problems or [],
        "active_count": sum(1 for n in nodes if n.info.active),
        "action_labels": HISTORY_LABELS,
    }
    return render(request, "catalogue/category_tree.html", ctx, status_code=status_code, principal=principal)


def _refused(
    request: Request,
    session: Session,
    principal: Principal,
    exc: DomainError,
    form: dict[str, Any],
    edit: str | None,
) -> Response:
    session.rollback()
    lang = i18n.lang_of(request)
    errors = FormErrors(lang).from_domain(exc)
    rows = [p.en if lang == "en" else p.zh for p in exc.errors if p.field.startswith("rows.")]
    return _tree_page(
        request,
        session,
        principal,
        errors=errors,
        form=form,
        edit=edit,
        status_code=exc.status,
        problems=rows,
    )


def _done(what: str, code: str = "") -> RedirectResponse:
    suffix = f"&edit={quote(code)}" if code else ""
    return RedirectResponse(f"{TREE_URL}?done={what}{suffix}", status_code=303)


@router.get(TREE_URL)
def category_tree(
    request: Request, session: DbSession, principal: Staff, edit: str | None = None
) -> Response:
    if not principal.can(Permission.CATALOGUE_MANAGE):
        return error_page(request, admin.ADMINS_ONLY, 403, principal)
    return _tree_page(request, session, principal, edit=(edit or "")[:40] or None)


@router.post("/admin/categories", dependencies=[Depends(csrf.verify)])
def create_category(
    request: Request,
    session: DbSession,
    principal: Staff,
    code: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=300)] = "",
    parent: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    form = {"code": code, "name": name, "name_en": name_en, "parent": parent}
    try:
        service.create_category(
            session, code=code, name=name, name_en=name_en, parent_code=parent or None, actor=principal.actor
        )
    except DomainError as exc:
        return _refused(request, session, principal, exc, form, None)
    return _done("created", code.strip())


@router.post("/admin/categories/{code}/rename", dependencies=[Depends(csrf.verify)])
def rename_category(
    request: Request,
    session: DbSession,
    principal: Staff,
    code: str,
    name: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    try:
        service.rename_category(session, code[:40], name=name, name_en=name_en, actor=principal.actor)
    except DomainError as exc:
        return _refused(request, session, principal, exc, {"name": name, "name_en": name_en}, code[:40])
    return _done("renamed", code[:40])


@router.post("/admin/categories/{code}/move", dependencies=[Depends(csrf.verify)])
def move_category(
    request: Request,
    session: DbSession,
    principal: Staff,
    code: str,
    parent: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    try:
        service.move_category(session, code[:40], parent_code=parent or None, actor=principal.actor)
    except DomainError as exc:
        return _refused(request, session, principal, exc, {"parent": parent}, code[:40])
    return _done("moved", code[:40])


@router.post("/admin/categories/{code}/retire", dependencies=[Depends(csrf.verify)])
def retire_category(request: Request, session: DbSession, principal: Staff, code: str) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    try:
        service.retire_category(session, code[:40], actor=principal.actor)
    except DomainError as exc:
        return _refused(request, session, principal, _above_form(exc), {}, code[:40])
    return _done("retired", code[:40])


@router.get("/admin/categories/export.xlsx")
def export_categories(request: Request, session: DbSession, principal: Staff) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    data = excel.export_xlsx(session)
    audit.record(
        session, "catalogue.categories_exported", principal.actor, object_type="category", object_id="*"
    )
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="categories.xlsx"'},
    )


@router.post("/admin/categories/import", dependencies=[Depends(csrf.verify)])
def import_categories(request: Request, session: DbSession, principal: Staff, posted: Posted) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    upload = posted.get("file")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise ValidationFailed(
                "请选择要导入的 .xlsx 文件", "choose an .xlsx file to import", field="file"
            )
        result = excel.import_xlsx(session, upload.file.read(excel.MAX_BYTES + 1), actor=principal.actor)
    except DomainError as exc:
        return _refused(request, session, principal, exc, {}, None)
    return _tree_page(request, session, principal, result=asdict(result))
