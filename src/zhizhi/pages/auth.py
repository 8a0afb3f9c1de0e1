"""Staff login / logout with an HttpOnly session cookie holding a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from zhizhi.core.permissions import Role
from zhizhi.http.deps import DbSession
from zhizhi.org.service import authenticate, issue_token, revoke_token
from zhizhi.pages import csrf
from zhizhi.pages.common import SESSION_COOKIE, MaybeStaff, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/work"
    return target


@router.get("/login")
def login_page(request: Request, principal: MaybeStaff, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next)}, principal=principal)


@router.post("/login", dependencies=[Depends(csrf.verify)])
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=300)] = "/work",
) -> Response:
    user = authenticate(session, username.strip(), password) if username and password else None
    if user is None or user.role == Role.PUBLIC.value:
        # the page returns normally, so the unit of work commits the failed attempt's audit entry
        ctx = {"next": _safe_next(next), "failed": True, "form": {"username": username}}
        return render(request, "login.html", ctx, status_code=401)
    token, ttl = issue_token(session, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=ttl, httponly=True, samesite="lax", path="/", secure=False
    )
    return response


@router.post("/logout", dependencies=[Depends(csrf.verify)])
def logout(request: Request, session: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        revoke_token(session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
