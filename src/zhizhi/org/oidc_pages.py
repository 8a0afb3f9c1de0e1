"""The staff login through the identity provider (统一身份认证登录): ``/login/oidc`` starts it
(redirect to the provider, the state in an HttpOnly cookie) and ``/login/oidc/callback`` ends
it (``org.oidc.finish``).  A refused callback answers 400 with the login page and a bilingual
message; the unit of work commits, so the refusal's audit entry and the used state are kept."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.org import oidc, service
from zhizhi.ui import nav
from zhizhi.ui.session import SESSION_COOKIE
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
STATE_COOKIE = "zz_oidc"
CALLBACK = "/login/oidc/callback"
log = logging.getLogger("zhizhi.oidc")


def _redirect_uri(request: Request) -> str:
    return get_settings().oidc_redirect_url or str(request.base_url).rstrip("/") + CALLBACK


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


def _failed(request: Request, status: int, key: str) -> Response:
    ctx = {"next": "", "oidc": oidc.enabled(), "oidc_failed": key}
    response = render(request, "org/login.html", ctx, status_code=status)
    response.delete_cookie(STATE_COOKIE, path="/login/oidc")
    return response


@router.get("/login/oidc")
def start(request: Request, session: DbSession, next: Annotated[str, Query(max_length=300)] = "") -> Response:
    if not oidc.enabled():
        return _failed(request, 404, "login.oidc.off")
    try:
        url, state = oidc.start(session, redirect_uri=_redirect_uri(request), next_path=_safe_next(next))
    except Exception:  # the provider cannot be reached: say so, local login still works
        log.exception("identity provider unreachable")
        return _failed(request, 502, "login.oidc.down")
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(oidc.LOGIN_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        path="/login/oidc",
        secure=get_settings().secure_cookies,
    )
    return response


@router.get(CALLBACK)
def callback(
    request: Request,
    session: DbSession,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if not oidc.enabled():
        return _failed(request, 404, "login.oidc.off")
    try:
        done = oidc.finish(
            session,
            state=state,
            cookie_state=request.cookies.get(STATE_COOKIE),
            code=code,
            error=error,
            redirect_uri=_redirect_uri(request),
        )
    except oidc.OidcRefused as exc:
        log.warning("OIDC login refused: %s", exc.reason)
        return _failed(request, 400, "login.oidc.refused")
    token, ttl = service.log_in_oidc(session, done.username)
    target = done.next_path or nav.landing(service.principal_for_username(session, done.username))
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(STATE_COOKIE, path="/login/oidc")
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
