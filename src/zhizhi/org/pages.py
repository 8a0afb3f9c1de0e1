"""Org's screens: staff login / logout (an HttpOnly session cookie holding a bearer token) and the
departments and users sections of the administration hub. Writes go through ``org.service``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.core.errors import DomainError, TooManyRequests
from zhizhi.core.permissions import ROLE_LABELS, Permission, Role
from zhizhi.core.settings import get_settings
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession, client_address
from zhizhi.org import oidc, service
from zhizhi.org.enums import DEPARTMENT_KIND_LABELS, DepartmentKind
from zhizhi.ui import admin, csrf, i18n, nav
from zhizhi.ui.session import SESSION_COOKIE, MaybeStaff, Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)


# ---- login / logout ---------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """A local path to go to after signing in; "" (the role's landing page) for anything else."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


@router.get("/login")
def login_page(request: Request, principal: MaybeStaff, next: str | None = None) -> Response:
    ctx = {"next": _safe_next(next), "oidc": oidc.enabled()}
    return render(request, "org/login.html", ctx, principal=principal)


@router.post("/login", dependencies=[Depends(csrf.verify)])
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    address = client_address(request)
    ctx = {"next": _safe_next(next), "failed": True, "form": {"username": username}, "oidc": oidc.enabled()}
    try:
        issued = (
            service.log_in(session, username.strip(), password, address=address, staff_only=True)
            if password
            else None
        )
    except TooManyRequests as exc:
        return _locked_page(request, ctx, exc)
    if issued is None:
        # the page returns normally, so the unit of work commits the counted failure
        locked = service.lockout(session, username.strip(), address) if password else None
        if locked is not None:
            return _locked_page(request, ctx, locked)
        return render(request, "org/login.html", ctx, status_code=401)
    token, ttl = issued
    target = _safe_next(next) or nav.landing(service.principal_for_username(session, username.strip()))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ttl,
        httponly=True,
        samesite="lax",
        path="/",
        secure=get_settings().secure_cookies,
    )
    return response


def _locked_page(request: Request, ctx: dict[str, Any], exc: TooManyRequests) -> Response:
    message = i18n.pick((exc.zh, exc.en), i18n.lang_of(request))
    response = render(request, "org/login.html", {**ctx, "locked": message}, status_code=429)
    response.headers["Retry-After"] = str(exc.extra["retry_after"])
    return response


@router.post("/logout", dependencies=[Depends(csrf.verify)])
def logout(request: Request, session: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.revoke_token(session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- administration: departments and users ----------------------------------------------------


def departments_section(session: Session, lang: str) -> Mapping[str, Any]:
    depts = service.departments(session, active_only=False)
    names = {d.id: d.name for d in depts}
    return {
        "depts": [(d, d.path.count("/") - 2, names.get(d.parent_id or 0, "")) for d in depts],
        "kinds": [(k.value, i18n.pick(v, lang)) for k, v in DEPARTMENT_KIND_LABELS.items()],
        "kind_labels": {k.value: i18n.pick(v, lang) for k, v in DEPARTMENT_KIND_LABELS.items()},
        "departments": [(d.code, d.name) for d in depts],
    }


def users_section(session: Session, lang: str) -> Mapping[str, Any]:
    depts = service.departments(session, active_only=False)
    names = {d.id: d.name for d in depts}
    return {
        "users": [
            (u, i18n.pick(ROLE_LABELS[Role(u.role)], lang), names.get(u.department_id or 0, "—"))
            for u in service.users(session)
        ],
        "roles": [(r.value, i18n.pick(v, lang)) for r, v in ROLE_LABELS.items()],
        "departments": [(d.code, d.name) for d in depts],
    }


ADMIN_SECTIONS = (
    AdminSection(
        "department",
        "departments",
        "admin.departments",
        "org/admin_departments.html",
        departments_section,
        10,
    ),
    AdminSection("user", "users", "admin.users", "org/admin_users.html", users_section, 20),
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
    admin.require(principal, Permission.ORG_MANAGE)
    form = {"code": code, "name": name, "kind": kind, "parent": parent, "division_code": division_code}
    try:
        service.create_department(
            session,
            code=code,
            name=name,
            kind=kind or DepartmentKind.FUNCTIONAL,
            parent_code=parent or None,
            division_code=division_code or None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return admin.refused(request, session, principal, "department", exc, form)
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
    admin.require(principal, Permission.USERS_MANAGE)
    form = {"username": username, "display_name": display_name, "role": role, "department": department}
    try:
        service.create_user(
            session,
            username=username,
            password=password,
            role=role,
            department_code=department or None,
            display_name=display_name or None,
            actor=principal.actor,
        )
    except DomainError as exc:
        return admin.refused(request, session, principal, "user", exc, form)
    return RedirectResponse("/admin?done=user", status_code=303)
