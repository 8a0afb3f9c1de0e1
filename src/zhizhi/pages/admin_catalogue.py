"""Administration of the dispatch catalogue (派单目录) and the categories (诉求分类).

Every write goes through a service (``routing.service.create_dispatch_rule`` /
``retire_dispatch_rule``, ``catalogue.service.create_category`` / ``retire_category``), which
validates and audits exactly as the JSON API does; the page only parses the form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from zhizhi.catalogue import service as catalogue
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.http.deps import DbSession
from zhizhi.pages import csrf
from zhizhi.pages.admin import _fail, _require
from zhizhi.pages.common import Staff
from zhizhi.routing import service as routing

router = APIRouter(include_in_schema=False)


def _above_form(exc: DomainError) -> DomainError:
    """A retire button has no field of its own: show its error above the section's form."""
    return type(exc)(exc.zh, exc.en)


def _priority(text: str) -> int:
    value = text.strip() or "100"
    if not value.isdigit() or int(value) > 100_000:
        raise ValidationFailed(
            "优先级应为 0–100000 的整数", "the priority is a whole number 0–100000", field="priority"
        )
    return int(value)


@router.post("/admin/rules", dependencies=[Depends(csrf.verify)])
def create_rule(
    request: Request,
    session: DbSession,
    principal: Staff,
    priority: Annotated[str, Form(max_length=10)] = "100",
    category: Annotated[str, Form(max_length=40)] = "",
    division_prefix: Annotated[str, Form(max_length=40)] = "",
    lead_department: Annotated[str, Form(max_length=40)] = "",
    co_departments: Annotated[list[str] | None, Form()] = None,
    use_territorial: Annotated[str | None, Form()] = None,
    note: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    _require(principal, Permission.CATALOGUE_MANAGE)
    co = [c for c in (co_departments or [])[:10] if c]
    form = {
        "priority": priority,
        "category": category,
        "division_prefix": division_prefix,
        "lead_department": lead_department,
        "use_territorial": "on" if use_territorial else "",
        "note": note,
    }
    try:
        prefix = division_prefix.strip()
        if not (prefix.isdigit() or prefix == "") or len(prefix) > 12:
            raise ValidationFailed(
                "区划代码前缀为最多 12 位数字", "the area prefix is up to 12 digits", field="division_prefix"
            )
        if len(note.strip()) > 200:
            raise ValidationFailed("说明最多 200 字", "the note is at most 200 characters", field="note")
        routing.create_dispatch_rule(
            session,
            priority=_priority(priority),
            category=category or None,
            division_prefix=prefix,
            lead_department=lead_department or None,
            co_departments=co,
            use_territorial=bool(use_territorial),
            note=note.strip() or None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return _fail(request, session, principal, "rule", exc, form)
    return RedirectResponse("/admin?done=rule#rules", status_code=303)


@router.post("/admin/rules/{rule_id}/retire", dependencies=[Depends(csrf.verify)])
def retire_rule(request: Request, session: DbSession, principal: Staff, rule_id: int) -> Response:
    _require(principal, Permission.CATALOGUE_MANAGE)
    try:
        if not 1 <= rule_id < 2**31:
            raise ValidationFailed("规则编号无效", "invalid rule id", field="rule_id")
        routing.retire_dispatch_rule(session, rule_id, actor=principal.actor)
    except DomainError as exc:
        return _fail(request, session, principal, "rule", _above_form(exc), {})
    return RedirectResponse("/admin?done=rule#rules", status_code=303)


@router.post("/admin/categories", dependencies=[Depends(csrf.verify)])
def create_category(
    request: Request,
    session: DbSession,
    principal: Staff,
    code: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    name_en: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    _require(principal, Permission.CATALOGUE_MANAGE)
    form = {"code": code, "name": name, "name_en": name_en}
    try:
        catalogue.create_category(session, code=code, name=name, name_en=name_en, actor=principal.actor)
    except DomainError as exc:
        return _fail(request, session, principal, "category", exc, form)
    return RedirectResponse("/admin?done=category#categories", status_code=303)


@router.post("/admin/categories/{code}/retire", dependencies=[Depends(csrf.verify)])
def retire_category(request: Request, session: DbSession, principal: Staff, code: str) -> Response:
    _require(principal, Permission.CATALOGUE_MANAGE)
    try:
        catalogue.retire_category(session, code[:40], actor=principal.actor)
    except DomainError as exc:
        return _fail(request, session, principal, "category", _above_form(exc), {})
    return RedirectResponse("/admin?done=category#categories", status_code=303)
