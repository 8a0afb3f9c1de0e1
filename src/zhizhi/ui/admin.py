"""The administration hub (``/admin``): one page whose sections the capabilities contribute.

Each :class:`~zhizhi.http.capability.AdminSection` brings its table and form (a template and a
context function); the owning capability's page module handles the section's POSTs through its
own service and, on a refused form, answers :func:`refused` (the hub again, with that section's
errors and posted values).  The hub is for holders of ``org:manage`` (系统管理员).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

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
HUB_NAV = NavEntry("nav.admin", "/admin", "staff", HUB_PERMISSION, order=90)

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
    lang = i18n.lang_of(request)
    shown = [
        {
            "name": s.name,
            "anchor": s.anchor,
            "title": s.title,
            "template": s.template,
            "data": s.context(session, lang),
            "errors": errors if section == s.name and errors else FormErrors(lang),
            "form": form if section == s.name and form else {},
        }
        for s in _sections
    ]
    ctx = {"sections": shown, "done": request.query_params.get("done")}
    return render(request, "admin.html", ctx, status_code=status_code, principal=principal)


def refused(
    request: Request,
    session: DbSession,
    principal: Principal,
    section: str,
    exc: DomainError,
    form: dict[str, Any],
) -> Response:
    """The hub after a refused write: nothing of it is kept, the section shows why."""
    session.rollback()
    errors = FormErrors(i18n.lang_of(request)).from_domain(exc)
    return render_hub(
        request, session, principal, section=section, errors=errors, form=form, status_code=exc.status
    )


@router.get("/admin")
def admin(request: Request, session: DbSession, principal: Staff) -> Response:
    if not principal.can(HUB_PERMISSION):
        return error_page(request, ADMINS_ONLY, 403, principal)
    return render_hub(request, session, principal)
