"""Open311 posting clients on the administration hub (接入客户端): the list, the creation form,
one client with its scope (area, services), key rotation and revocation. Thin: parse, call
``open311.clients``, render. A new key is shown once, in the answer to the POST that made it
(never in a URL; every page is ``Cache-Control: no-store``); only its prefix is kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.catalogue import tree
from zhizhi.core.errors import DomainError
from zhizhi.core.principal import Principal
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession
from zhizhi.open311 import clients
from zhizhi.org import service as org
from zhizhi.ui import admin, csrf, i18n
from zhizhi.ui.forms import FormErrors
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
BASE = "/admin/open311-clients"
DONE = ("created", "rotated", "scoped", "revoked")


def service_choices(session: Session, lang: str) -> list[tuple[str, str]]:
    """The first-level services (a client allowed one may post to its whole subtree)."""
    return [
        (n.info.code, i18n.data_name(n.info.name, n.info.name_en, lang))
        for n in tree.tree(session, include_retired=False)
        if n.depth == 0
    ]


def clients_section(session: Session, lang: str) -> Mapping[str, Any]:
    return {"rows": clients.list_clients(session), "services": service_choices(session, lang)}


ADMIN_SECTIONS = (
    AdminSection(
        "open311", "open311-clients", "o3.clients", "open311/admin_clients.html", clients_section, 95
    ),
)


def _codes(values: list[str] | None) -> list[str]:
    return [v[:80] for v in (values or [])[:50]]


def _detail(
    request: Request, session: DbSession, principal: Principal, name: str, status: int = 200, **extra: Any
) -> Response:
    try:
        info = clients.client_info(session, principal, name)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    lang = i18n.lang_of(request)
    done = (request.query_params.get("done") or "")[:12]
    ctx = {
        "c": info,
        "created_by": org.display_names(session, [info.created_by]).get(info.created_by, info.created_by),
        "area": clients.area_name(session, info.division_prefix),
        "services": service_choices(session, lang),
        "done": done if done in DONE else "",
        "errors": FormErrors(lang),
        "form": {"division_prefix": info.division_prefix or "", "service_codes": list(info.service_codes)},
        **extra,
    }
    return render(request, "open311/client.html", ctx, status_code=status, principal=principal)


@router.post(BASE, dependencies=[Depends(csrf.verify)])
def create(
    request: Request,
    session: DbSession,
    principal: Staff,
    name: Annotated[str, Form(max_length=200)] = "",
    division_prefix: Annotated[str, Form(max_length=40)] = "",
    service_codes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    codes = _codes(service_codes)
    form = {"name": name[:80], "division_prefix": division_prefix[:20], "service_codes": codes}
    try:
        client, key = clients.admin_create(
            session, principal, name, division_prefix=division_prefix, service_codes=codes
        )
    except DomainError as exc:
        if exc.status == 403:
            return error_page(request, (exc.zh, exc.en), 403, principal)
        return admin.refused(request, session, principal, "open311", exc, form)
    return _detail(request, session, principal, client.name, key=key, done="created")


@router.get(BASE + "/{name}")
def client_page(request: Request, session: DbSession, principal: Staff, name: str) -> Response:
    return _detail(request, session, principal, name[:80])


@router.post(BASE + "/{name}/rotate", dependencies=[Depends(csrf.verify)])
def rotate(request: Request, session: DbSession, principal: Staff, name: str) -> Response:
    try:
        client, key = clients.rotate_key(session, principal, name[:80])
    except DomainError as exc:
        return _failed(request, session, principal, name, exc)
    return _detail(request, session, principal, client.name, key=key, done="rotated")


@router.post(BASE + "/{name}/scope", dependencies=[Depends(csrf.verify)])
def scope(
    request: Request,
    session: DbSession,
    principal: Staff,
    name: str,
    division_prefix: Annotated[str, Form(max_length=40)] = "",
    service_codes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        client = clients.set_scope(session, principal, name[:80], division_prefix, _codes(service_codes))
    except DomainError as exc:
        form = {"division_prefix": division_prefix[:20], "service_codes": _codes(service_codes)}
        return _failed(request, session, principal, name, exc, form)
    return RedirectResponse(f"{BASE}/{client.name}?done=scoped", status_code=303)


@router.post(BASE + "/{name}/revoke", dependencies=[Depends(csrf.verify)])
def revoke(
    request: Request,
    session: DbSession,
    principal: Staff,
    name: str,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirm != "yes":
        errors = FormErrors(i18n.lang_of(request))
        errors.add("confirm", "请勾选确认后再吊销", "tick the confirmation before revoking")
        return _detail(request, session, principal, name[:80], 422, errors=errors)
    try:
        client = clients.admin_revoke(session, principal, name[:80])
    except DomainError as exc:
        return _failed(request, session, principal, name, exc)
    return RedirectResponse(f"{BASE}/{client.name}?done=revoked", status_code=303)


def _failed(
    request: Request,
    session: DbSession,
    principal: Principal,
    name: str,
    exc: DomainError,
    form: dict[str, Any] | None = None,
) -> Response:
    session.rollback()
    if exc.status in (403, 404):
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    errors = FormErrors(i18n.lang_of(request)).from_domain(exc)
    extra: dict[str, Any] = {"errors": errors} | ({"form": form} if form else {})
    return _detail(request, session, principal, name[:80], exc.status, **extra)
