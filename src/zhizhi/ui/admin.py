"""The administration hub (``/admin``): an index of the sections the capabilities contribute,
each section on a page of its own (``/admin/<anchor>``).

Each :class:`~zhizhi.http.capability.AdminSection` brings its table and form (a template and a
context function); the owning capability's page module handles the section's POSTs through its
own service and, on a refused form, answers :func:`refused` (that section's page again, with its
errors and posted values).  A section's POST redirects to ``/admin?done=<name>``, which sends the
browser on to the section's page (only that section's context is computed: one page, one
section's queries).  The hub is for holders of ``org:manage`` (系统管理员).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from zhizhi.core.errors import DomainError, Forbidden
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.http.capability import AdminSection, NavEntry
from zhizhi.http.deps import DbSession
from zhizhi.ui import i18n
from zhizhi.ui.forms import FormErrors
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

HUB_PERMISSION = Permission.ORG_MANAGE
ADMINS_ONLY = ("仅系统管理员可用", "administrators only")
HUB_NAV = NavEntry("nav.admin", "/admin", "staff", HUB_PERMISSION, order=90, landing=frozenset({"admin"}))

router = APIRouter(include_in_schema=False)
_sections: list[AdminSection] = []


def use_sections(sections: Iterable[AdminSection]) -> None:
    _sections[:] = sorted(sections, key=lambda s: s.order)


def require(principal: Principal, permission: Permission) -> None:
    """Refuse a section's write to a caller without ``permission`` (403)."""
    if not principal.can(permission):
        raise Forbidden(*ADMINS_ONLY)


def render_hub(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    section: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The page of one section (``section``: its name), or the index of all (``None``)."""
    lang = i18n.lang_of(request)
    index = [{"name": s.name, "anchor": s.anchor, "title": s.title} for s in _sections]
    ctx: dict[str, Any] = {"index": index, "done": request.query_params.get("done"), "current": None}
    chosen = next((s for s in _sections if s.name == section), None)
    if chosen is not None:
        ctx["current"] = {
            "name": chosen.name,
            "anchor": chosen.anchor,
            "title": chosen.title,
            "template": chosen.template,
            "data": chosen.context(session, lang),
            "errors": errors if errors else FormErrors(lang),
            "form": form or {},
        }
    return render(request, "admin.html", ctx, status_code=status_code, principal=principal)


def refused(
    request: Request,
    session: DbSession,
    principal: Principal,
    section: str,
    exc: DomainError,
    form: dict[str, Any],
) -> Response:
    """The section's page after a refused write: nothing of it is kept, the section shows why."""
    session.rollback()
    errors = FormErrors(i18n.lang_of(request)).from_domain(exc)
    return render_hub(
        request, session, principal, section=section, errors=errors, form=form, status_code=exc.status
    )


@router.get("/admin")
def admin(request: Request, session: DbSession, principal: Staff, done: str = "") -> Response:
    if not principal.can(HUB_PERMISSION):
        return error_page(request, ADMINS_ONLY, 403, principal)
    target = next((s for s in _sections if s.name == done), None)
    if target is not None:  # a section's write went well: show that section's page
        return RedirectResponse(f"/admin/{target.anchor}?done={target.name}", status_code=303)
    return render_hub(request, session, principal)


@router.get("/admin/{anchor}")
def admin_section(request: Request, session: DbSession, principal: Staff, anchor: str) -> Response:
    if not principal.can(HUB_PERMISSION):
        return error_page(request, ADMINS_ONLY, 403, principal)
    chosen = next((s for s in _sections if s.anchor == anchor), None)
    if chosen is None:
        return error_page(request, ("没有这个管理页面", "no such administration page"), 404, principal)
    return render_hub(request, session, principal, section=chosen.name)
