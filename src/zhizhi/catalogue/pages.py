"""Catalogue's sections of the administration hub: time limits, the holiday calendar and the
categories. The handlers parse the form and call ``catalogue.service`` (as the API does)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.catalogue import service
from zhizhi.catalogue.enums import LIMIT_UNIT_LABELS, URGENCY_LABELS, LimitUnit, Urgency
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession
from zhizhi.ui import admin, csrf, i18n
from zhizhi.ui.session import Staff

router = APIRouter(include_in_schema=False)


def limits_section(session: Session, lang: str) -> Mapping[str, Any]:
    names = {c.id: c.name for c in service.all_categories(session)}
    return {
        "limits": [
            (
                names.get(row.category_id or 0, "（默认）"),
                i18n.pick(URGENCY_LABELS[Urgency(row.urgency)], lang),
                row,
            )
            for row in service.time_limits(session)
        ],
        "categories": [(c.code, c.name) for c in service.categories(session)],
        "urgencies": [(u.value, i18n.pick(v, lang)) for u, v in URGENCY_LABELS.items()],
        "units": [(u.value, i18n.pick(v, lang)) for u, v in LIMIT_UNIT_LABELS.items()],
        "unit_labels": {u.value: v for u, v in LIMIT_UNIT_LABELS.items()},
    }


def calendar_section(session: Session, lang: str) -> Mapping[str, Any]:
    return {"years": service.published_years(session)}


def categories_section(session: Session, lang: str) -> Mapping[str, Any]:
    return {"cats": service.all_categories(session)}


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


@router.post("/admin/categories", dependencies=[Depends(csrf.verify)])
def create_category(
    request: Request,
    session: DbSession,
    principal: Staff,
    code: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    form = {"code": code, "name": name, "name_en": name_en}
    try:
        service.create_category(session, code=code, name=name, name_en=name_en, actor=principal.actor)
    except DomainError as exc:
        return admin.refused(request, session, principal, "category", exc, form)
    return RedirectResponse("/admin?done=category#categories", status_code=303)


@router.post("/admin/categories/{code}/retire", dependencies=[Depends(csrf.verify)])
def retire_category(request: Request, session: DbSession, principal: Staff, code: str) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    try:
        service.retire_category(session, code[:40], actor=principal.actor)
    except DomainError as exc:
        return admin.refused(request, session, principal, "category", _above_form(exc), {})
    return RedirectResponse("/admin?done=category#categories", status_code=303)
