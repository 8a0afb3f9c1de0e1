"""Shared page plumbing: the Jinja2 environment (autoescaped), rendering, the session principal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.core import clock
from zhizhi.core.errors import DomainError, Unauthorized
from zhizhi.core.permissions import ROLE_LABELS, Permission
from zhizhi.http.deps import DbSession
from zhizhi.http.problems import validation_problems
from zhizhi.org.schemas import Principal
from zhizhi.org.service import principal_from_token
from zhizhi.pages import csrf, i18n

HERE = Path(__file__).parent
SESSION_COOKIE = "zz_session"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.to_local(moment).strftime(fmt) if moment else ""


_env.filters["local"] = local_time


class LoginRequired(Exception):
    """Raised by ``staff`` when no valid session cookie is present (→ redirect to /login)."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class FormErrors:
    """Errors by field (``field → message``) plus messages with no field, in the page language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.by_field: dict[str, str] = {}
        self.general: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def add(self, field: str | None, zh: str, en: str) -> None:
        text = en if self.lang == "en" else zh
        if field and field not in {"body", "csrf_token"}:
            self.by_field.setdefault(field.split(".")[0], text)
        else:
            self.general.append(text)

    def from_domain(self, exc: DomainError) -> FormErrors:
        if exc.errors:
            for problem in exc.errors:
                self.add(problem.field, problem.zh, problem.en)
        else:
            self.add(exc.field, exc.zh, exc.en)
        return self

    def from_validation(self, exc: ValidationError) -> FormErrors:
        for problem in validation_problems(list(exc.errors())):
            self.add(problem.field, problem.zh, problem.en)
        return self


def optional_staff(request: Request, session: DbSession) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        principal = principal_from_token(session, token)
    except Unauthorized:
        return None
    request.state.principal = principal  # honoured by zhizhi.org.deps.optional_principal
    return principal


def staff(request: Request, principal: Annotated[Principal | None, Depends(optional_staff)]) -> Principal:
    if principal is None:
        raise LoginRequired(str(request.url.path))
    return principal


Staff = Annotated[Principal, Depends(staff)]
MaybeStaff = Annotated[Principal | None, Depends(optional_staff)]


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    principal: Principal | None = None,
) -> Response:
    lang = i18n.lang_of(request)
    token = csrf.token_for(request)
    ctx: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **kw: i18n.translate(key, lang, **kw),
        "pick": lambda pair: i18n.pick(pair, lang),
        "csrf": token,
        "user": principal,
        "role_label": i18n.pick(ROLE_LABELS[principal.role], lang) if principal else "",
        "can_cockpit": bool(principal and principal.can(Permission.COCKPIT_READ)),
        "can_create": bool(principal and principal.can(Permission.CASE_CREATE)),
        "can_admin": bool(principal and principal.can(Permission.ORG_MANAGE)),
        "path": request.url.path,
        "errors": FormErrors(lang),
        "form": {},
    }
    ctx.update(context or {})
    response: HTMLResponse = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    if request.cookies.get(csrf.COOKIE) != token:
        response.set_cookie(csrf.COOKIE, token, httponly=True, samesite="lax", path="/")
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, asked, max_age=365 * 86400, samesite="lax", path="/")
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
