"""Signed double-submit CSRF tokens bound to the session: a random nonce +
HMAC-SHA256(secret_key, nonce, session binding), the binding being a digest of the session cookie
(or "anonymous").  A token fetched without a session (or with another session) is worthless with
a victim's session cookie.

The token lives in an HttpOnly cookie and is repeated in every POST form (``csrf_token``) or,
for htmx requests, in the ``X-CSRF-Token`` header (``hx-headers`` on ``<body>``). A POST is
accepted only when both are present, equal, and carry a valid signature for the request's
session.  ``http.edge.OriginCheck`` also refuses unsafe methods from other sites.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from zhizhi.core.settings import get_settings
from zhizhi.ui.session import SESSION_COOKIE

COOKIE = "zz_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfFailed(Exception):
    """Rendered as a 403 HTML page by the pages' exception handler."""

    zh = "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试"
    en = "Form expired or of unknown origin (CSRF check failed); reload the page and retry"


def binding(request: Request) -> str:
    """What a token is bound to: a digest of the session cookie, or "anonymous"."""
    session = request.cookies.get(SESSION_COOKIE)
    return hashlib.sha256(session.encode()).hexdigest() if session else "anonymous"


def _sign(nonce: str, bound_to: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"csrf:{bound_to}:{nonce}".encode(), hashlib.sha256).hexdigest()


def new_token(bound_to: str = "anonymous") -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(nonce, bound_to)}"


def is_valid(token: str | None, bound_to: str = "anonymous") -> bool:
    if not token or "." not in token or len(token) > 200:
        return False
    nonce, sig = token.rsplit(".", 1)
    return hmac.compare_digest(sig, _sign(nonce, bound_to))


def token_for(request: Request) -> str:
    """The request's token (from the cookie when valid for this session, else a fresh one set by
    ``render``)."""
    existing: str | None = getattr(request.state, "csrf", None)
    if existing:
        return existing
    bound_to = binding(request)
    cookie = request.cookies.get(COOKIE)
    token = cookie if cookie and is_valid(cookie, bound_to) else new_token(bound_to)
    request.state.csrf = token
    return token


async def verify(request: Request) -> None:
    """Dependency for every page POST: refuse with 403 unless the double submit matches."""
    cookie = request.cookies.get(COOKIE)
    sent = request.headers.get(HEADER)
    if not sent:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not (cookie and sent and is_valid(cookie, binding(request)) and hmac.compare_digest(cookie, sent)):
        raise CsrfFailed
