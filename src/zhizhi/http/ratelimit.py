"""Rate limits on the public endpoints, per source address, counted in the database
(``core.throttle``) so every web process shares them; 429 with ``Retry-After`` and a message in
both languages.  Groups and limits: ``ZHIZHI_RATE_LIMITS`` (docs/security.md)."""

from __future__ import annotations

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from zhizhi.core import throttle
from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import TooManyRequests
from zhizhi.http.edge import problem, send_problem

LOOKUP_PREFIXES = ("/api/v1/divisions", "/api/v1/addresses", "/api/v1/grids")


def group_of(method: str, path: str, has_credentials: bool) -> str | None:
    """The rate-limit group of a request, or ``None`` for unlimited ones."""
    if method == "POST":
        if path in ("/login", "/api/v1/auth/token"):
            return "login"
        if path == "/submit" or (path == "/api/v1/cases" and not has_credentials):
            return "intake"  # staff intake (a bearer token) is never limited
        if path in ("/track", "/track/rate"):
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
                body = problem(429, exc.code, exc.zh, exc.en)
                retry = str(exc.extra["retry_after"]).encode()
                await send_problem(send, 429, body, [(b"retry-after", retry)])
                return
        await self.app(scope, receive, send)
