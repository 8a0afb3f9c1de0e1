"""The signed-in staff member of a page request, through a port the composition root fills.

The session cookie holds a bearer token; resolving it is ``org``'s job, which sits above the
shell, so ``org``'s manifest registers its resolver here (:func:`set_resolver`) when the app is
built.  The resolved principal is also left on ``request.state.principal`` for the API
dependencies (``org.deps``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from zhizhi.core.errors import Unauthorized
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession

SESSION_COOKIE = "zz_session"
LOGIN_URL = "/login"

Resolver = Callable[[Session, str], Principal]  # raises Unauthorized for a bad token
_resolver: Resolver | None = None


def set_resolver(resolver: Resolver) -> None:
    """Install the function that turns a session token into a principal."""
    global _resolver
    _resolver = resolver


class LoginRequired(Exception):
    """Raised by ``staff`` when no valid session cookie is present (→ redirect to /login)."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def optional_staff(request: Request, session: DbSession) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    if _resolver is None:
        raise RuntimeError("no session resolver installed (org's manifest installs it)")
    try:
        principal = _resolver(session, token)
    except Unauthorized:
        return None
    if principal.role is Role.PUBLIC:
        return None  # a citizen's API token is no staff session: staff pages send it to /login
    request.state.principal = principal  # honoured by zhizhi.org.deps.optional_principal
    return principal


def staff(request: Request, principal: Annotated[Principal | None, Depends(optional_staff)]) -> Principal:
    if principal is None:
        raise LoginRequired(str(request.url.path))
    return principal


Staff = Annotated[Principal, Depends(staff)]
MaybeStaff = Annotated[Principal | None, Depends(optional_staff)]
