"""Consuming systems' screens (接入系统管理): the list and the registration form, one system with
its grants and last calls, and its secret rotation, certificate binding and retirement.  Thin:
parse, call ``sharing.clients``, render.  A new secret is shown once, in the answer to the POST
that made it (never in a URL; every page is ``Cache-Control: no-store``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.sharing import clients
from zhizhi.sharing.pages import LABELS
from zhizhi.sharing.schemas import CertificateIn, ClientIn
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
DONE = ("registered", "rotated", "retired", "bound", "unbound")


def _page(
    request: Request, name: str, principal: Principal, ctx: dict[str, Any], status: int = 200
) -> Response:
    # render() answers with Cache-Control: no-store, so a secret shown once is not kept either
    return render(request, name, {"L": LABELS, **ctx}, status_code=status, principal=principal)


def _list_page(
    request: Request, session: DbSession, principal: Principal, status: int = 200, **extra: Any
) -> Response:
    try:
        rows = clients.list_clients(session, principal)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    if principal.role == Role.ADMIN:
        choices = org.department_choices(session)
    else:
        own = org.department(session, principal.department_id)
        choices = [(own.code, own.name)] if own else []
    ctx = {"rows": rows, "departments": choices, **extra}
    return _page(request, "sharing/clients.html", principal, ctx, status)


def _detail_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    client_id: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    try:
        view, grants, calls = clients.client_detail(session, principal, client_id)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    done = (request.query_params.get("done") or "")[:12]
    ctx = {
        "c": view,
        "grants": grants,
        "rows": calls,
        "done": done if done in DONE else "",
        **extra,
    }
    return _page(request, "sharing/client.html", principal, ctx, status)


@router.get("/sharing/clients")
def clients_page(request: Request, session: DbSession, principal: Staff) -> Response:
    return _list_page(request, session, principal)


@router.post("/sharing/clients", dependencies=[Depends(csrf.verify)])
def register(
    request: Request,
    session: DbSession,
    principal: Staff,
    name: Annotated[str, Form(max_length=200)] = "",
    department: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    form = {"name": name[:120], "department": department[:40]}
    try:
        body = ClientIn(name=name, department=department)
        client, secret = clients.register_client(session, principal, body.name, body.department)
    except ValidationError as exc:
        return _list_page(request, session, principal, 422, errors=errors.from_validation(exc), form=form)
    except DomainError as exc:
        if exc.status == 403 and not principal.can(Permission.SHARING_CLIENTS):
            return error_page(request, (exc.zh, exc.en), 403, principal)
        return _list_page(request, session, principal, 422, errors=errors.from_domain(exc), form=form)
    return _detail_page(request, session, principal, client.client_id, secret=secret, done="registered")


@router.get("/sharing/clients/{client_id}")
def client_page(request: Request, session: DbSession, principal: Staff, client_id: str) -> Response:
    return _detail_page(request, session, principal, client_id[:64])


@router.post("/sharing/clients/{client_id}/rotate", dependencies=[Depends(csrf.verify)])
def rotate(request: Request, session: DbSession, principal: Staff, client_id: str) -> Response:
    try:
        client, secret = clients.rotate_secret(session, principal, client_id[:64])
    except DomainError as exc:
        return _failed(request, session, principal, client_id, exc)
    return _detail_page(request, session, principal, client.client_id, secret=secret, done="rotated")


@router.post("/sharing/clients/{client_id}/retire", dependencies=[Depends(csrf.verify)])
def retire(
    request: Request,
    session: DbSession,
    principal: Staff,
    client_id: str,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirm != "yes":
        errors = FormErrors(i18n.lang_of(request))
        errors.add("confirm", "请勾选确认后再停用", "tick the confirmation before retiring")
        return _detail_page(request, session, principal, client_id[:64], 422, errors=errors)
    try:
        client = clients.retire_client(session, principal, client_id[:64])
    except DomainError as exc:
        return _failed(request, session, principal, client_id, exc)
    return RedirectResponse(f"/sharing/clients/{client.client_id}?done=retired", status_code=303)


@router.post("/sharing/clients/{client_id}/certificate", dependencies=[Depends(csrf.verify)])
def certificate(
    request: Request,
    session: DbSession,
    principal: Staff,
    client_id: str,
    fingerprint: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    try:
        body = CertificateIn(fingerprint=fingerprint or None)
        client = clients.bind_certificate(session, principal, client_id[:64], body.fingerprint)
    except ValidationError as exc:
        errors = errors.from_validation(exc)
        return _detail_page(request, session, principal, client_id[:64], 422, errors=errors)
    except DomainError as exc:
        return _failed(request, session, principal, client_id, exc)
    done = "bound" if client.cert_sha256 else "unbound"
    return RedirectResponse(f"/sharing/clients/{client.client_id}?done={done}", status_code=303)


def _failed(
    request: Request, session: DbSession, principal: Principal, client_id: str, exc: DomainError
) -> Response:
    if exc.status in (403, 404):
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    errors = FormErrors(i18n.lang_of(request)).from_domain(exc)
    return _detail_page(request, session, principal, client_id[:64], exc.status, errors=errors)
