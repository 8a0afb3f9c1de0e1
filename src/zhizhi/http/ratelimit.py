"""Rate limits on the public endpoints, per source address, counted in the database
(``core.throttle``) so every web process shares them; 429 with ``Retry-After`` and a message in
both languages.  Groups and limits: ``ZHIZHI_RATE_LIMITS`` (docs/security.md)."""

from __future__ import annotations

import html

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from zhizhi.core import throttle
from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import TooManyRequests
from zhizhi.http.edge import problem, send_problem

_PAGE = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求过于频繁 Too many requests</title>'
    '<link rel="stylesheet" href="/static/app.css"><main class="container"><h1>请求过于频繁</h1>'
    '<p role="alert">{zh}</p><p lang="en">{en}</p><p><a href="/">返回首页 Home</a></p></main></html>'
)
LOOKUP_PREFIXES = ("/api/v1/divisions", "/api/v1/addresses", "/api/v1/grids")


def group_of(method: str, path: str, has_credentials: bool) -> str | None:
    """The rate-limit group of a request, or ``None`` for unlimited ones."""
    if path.startswith("/login/oidc"):  # each start writes a row; each callback calls the provider
        return "login"
    if method == "POST":
        if path in ("/login", "/api/v1/auth/token", "/my/code", "/my/login", "/my/password"):
            return "login"
        if path in ("/api/v1/citizen/code", "/api/v1/citizen/token"):  # citizens' SMS sign-in
            return "login"
        if path == "/submit" or (path == "/api/v1/cases" and not has_credentials):
            return "intake"  # staff intake (a bearer token) is never limited
        if path in ("/track", "/track/rate") or (path.startswith("/my/cases/") and path.endswith("/rate")):
            return "track"
    if path.startswith(LOOKUP_PREFIXES):
        return "lookup"
    return None


def _count(group: str, address: str) -> None:
    with unit_of_work() as session:
        throttle.limit(session, group, address)


class RateLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_credentials = any(name == b"authorization" for name, _ in scope.get("headers", []))
        group = group_of(scope["method"], scope.get("path", ""), has_credentials)
        if group is not None:
            client = scope.get("client")
            address = client[0] if client else "unknown"
            try:
                await anyio.to_thread.run_sync(_count, group, address)
            except TooManyRequests as exc:
                retry = str(exc.extra["retry_after"]).encode()
                if scope.get("path", "").startswith("/api/"):
                    body = problem(429, exc.code, exc.zh, exc.en)
                    await send_problem(send, 429, body, [(b"retry-after", retry)])
                else:  # a page: a short page in both languages, not JSON
                    page = _PAGE.format(zh=html.escape(exc.zh), en=html.escape(exc.en))
                    await _send_page(send, page, retry)
                return
        await self.app(scope, receive, send)


async def _send_page(send: Send, page: str, retry: bytes) -> None:
    body = page.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", retry),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
