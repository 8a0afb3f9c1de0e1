"""Administration pages: departments, users, time limits and the holiday calendar (admin only).

The dispatch catalogue and the categories have their routes in ``admin_catalogue``; this module
builds the one page (``_page``) for all sections.

Writes go through the domain services (``org.service``, ``catalogue.service``,
``core.calendar_store``) with the caller as the audited actor; the lists here are read-only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import LIMIT_UNIT_LABELS, URGENCY_LABELS, LimitUnit, Urgency
from zhizhi.catalogue.models import TimeLimit
from zhizhi.core import audit
from zhizhi.core.calendar_store import days_from_notice, published_years, replace_year
from zhizhi.core.errors import DomainError, Forbidden, ValidationFailed
from zhizhi.core.permissions import ROLE_LABELS, Permission, Role
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.org.enums import DEPARTMENT_KIND_LABELS, DepartmentKind
from zhizhi.org.models import Department, User
from zhizhi.org.schemas import Principal
from zhizhi.pages import csrf, i18n
from zhizhi.pages.common import FormErrors, Staff, render
from zhizhi.routing import service as routing

router = APIRouter(include_in_schema=False)
SECTIONS = ("department", "user", "limit", "calendar", "rule", "category")


def _require(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise Forbidden("仅系统管理员可用", "administrators only")


def _rule_rows(rules: list[Any], depts: dict[int, str], cats: dict[int, str], lang: str) -> list[Any]:
    anywhere = i18n.translate("rule.any", lang)
    return [
        {
            "id": r.id,
            "priority": r.priority,
            "category": cats.get(r.category_id or 0, anywhere),
            "prefix": r.division_prefix or anywhere,
            "lead": i18n.translate("rule.territorial", lang)
            if r.use_territorial
            else depts.get(r.lead_department_id or 0, "—"),
            "co": "、".join(depts[i] for i in r.co_department_ids if i in depts),
            "note": r.note or "",
        }
        for r in rules
    ]


def _page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    section: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    lang = i18n.lang_of(request)
    depts = session.execute(select(Department).order_by(Department.path)).scalars().all()
    names = {d.id: d.name for d in depts}
    users = session.execute(select(User).order_by(User.username).limit(500)).scalars().all()
    all_cats = catalogue.all_categories(session)
    cats = {c.id: c.name for c in all_cats}
    limits = session.scalars(select(TimeLimit).order_by(TimeLimit.category_id, TimeLimit.urgency)).all()
    empty = FormErrors(lang)
    ctx = {
        "depts": [(d, d.path.count("/") - 2, names.get(d.parent_id or 0, "")) for d in depts],
        "users": [
            (u, i18n.pick(ROLE_LABELS[Role(u.role)], lang), names.get(u.department_id or 0, "—"))
            for u in users
        ],
        "limits": [
            (
                cats.get(row.category_id or 0, "（默认）"),
                i18n.pick(URGENCY_LABELS[Urgency(row.urgency)], lang),
                row,
            )
            for row in limits
        ],
        "rules": _rule_rows(routing.active_rules(session), names, cats, lang),
        "cats": all_cats,
        "years": published_years(session),
        "opts": {
            "kinds": [(k.value, i18n.pick(v, lang)) for k, v in DEPARTMENT_KIND_LABELS.items()],
            "roles": [(r.value, i18n.pick(v, lang)) for r, v in ROLE_LABELS.items()],
            "departments": [(d.code, d.name) for d in depts],
            "categories": [(c.code, c.name) for c in catalogue.categories(session)],
            "urgencies": [(u.value, i18n.pick(v, lang)) for u, v in URGENCY_LABELS.items()],
            "units": [(u.value, i18n.pick(v, lang)) for u, v in LIMIT_UNIT_LABELS.items()],
        },
        "unit_labels": {u.value: v for u, v in LIMIT_UNIT_LABELS.items()},
        "e": {s: (errors if section == s and errors else empty) for s in SECTIONS},
        "f": {s: (form if section == s and form else {}) for s in SECTIONS},
        "done": request.query_params.get("done"),
    }
    return render(request, "admin.html", ctx, status_code=status_code, principal=principal)


@router.get("/admin")
def admin(request: Request, session: DbSession, principal: Staff) -> Response:
    if not principal.can(Permission.ORG_MANAGE):
        message = i18n.pick(("仅系统管理员可用", "administrators only"), i18n.lang_of(request))
        return render(request, "error.html", {"message": message}, status_code=403, principal=principal)
    return _page(request, session, principal)


def _fail(
    request: Request,
    session: DbSession,
    principal: Principal,
    section: str,
    exc: DomainError,
    form: dict[str, Any],
) -> Response:
    session.rollback()
    errors = FormErrors(i18n.lang_of(request)).from_domain(exc)
    return _page(
        request, session, principal, section=section, errors=errors, form=form, status_code=exc.status
    )


@router.post("/admin/departments", dependencies=[Depends(csrf.verify)])
def create_department(
    request: Request,
    session: DbSession,
    principal: Staff,
    code: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    kind: Annotated[str, Form()] = "",
    parent: Annotated[str, Form()] = "",
    division_code: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    _require(principal, Permission.ORG_MANAGE)
    form = {"code": code, "name": name, "kind": kind, "parent": parent, "division_code": division_code}
    try:
        if not code.strip() or not name.strip():
            raise ValidationFailed(
                "编码和名称必填", "code and name are required", field="code" if not code.strip() else "name"
            )
        up = org.department_by_code(session, parent) if parent else None
        org.create_department(
            session,
            code=code.strip(),
            name=name.strip(),
            kind=kind or DepartmentKind.FUNCTIONAL,
            parent=up,
            division_code=division_code or None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return _fail(request, session, principal, "department", exc, form)
    return RedirectResponse("/admin?done=department", status_code=303)


@router.post("/admin/users", dependencies=[Depends(csrf.verify)])
def create_user(
    request: Request,
    session: DbSession,
    principal: Staff,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
) -> Response:
    _require(principal, Permission.USERS_MANAGE)
    form = {"username": username, "display_name": display_name, "role": role, "department": department}
    try:
        if not username.strip():
            raise ValidationFailed("用户名必填", "username is required", field="username")
        dept = org.department_by_code(session, department) if department else None
        org.create_user(
            session,
            username=username.strip(),
            password=password,
            role=role,
            department=dept,
            display_name=display_name.strip() or None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return _fail(request, session, principal, "user", exc, form)
    return RedirectResponse("/admin?done=user", status_code=303)


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
    _require(principal, Permission.CATALOGUE_MANAGE)
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
        catalogue.set_time_limit(
            session,
            category_code=category or None,
            urgency=urgency_v,
            amount=int(amount),
            unit=unit_v,
            warning_ratio=None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return _fail(request, session, principal, "limit", exc, form)
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
    _require(principal, Permission.CALENDAR_MANAGE)
    form = {"year": year, "holidays": holidays, "makeup_workdays": makeup_workdays}
    try:
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise ValidationFailed("年份应在 2000–2100 之间", "the year must be 2000–2100", field="year")
        days = days_from_notice(
            int(year), _dates(holidays, "holidays"), _dates(makeup_workdays, "makeup_workdays")
        )
        replace_year(session, int(year), days, "notice")
        audit.record(
            session,
            "calendar.import",
            principal.actor,
            object_type="calendar",
            object_id=int(year),
            source="notice",
        )
    except DomainError as exc:
        return _fail(request, session, principal, "calendar", exc, form)
    return RedirectResponse("/admin?done=calendar", status_code=303)
