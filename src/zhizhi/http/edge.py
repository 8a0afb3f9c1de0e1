"""Edge guards as ASGI middleware: security headers on every response, and the Origin/Referer
check on unsafe methods (docs/security.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# the pages' policy: every script is a file under /static, no inline script or handler, no CDN
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# FastAPI's /docs and /redoc load Swagger UI / ReDoc from a CDN with an inline start-up script
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
HSTS = "max-age=31536000; includeSubDomains"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def problem(status: int, code: str, zh: str, en: str, field: str | None = None) -> bytes:
    body: dict[str, object] = {
        "type": f"about:blank#{code}",
        "title": en,
        "status": status,
        "code": code,
        "detail": en,
        "message": {"zh": zh, "en": en},
    }
    if field:
        body |= {"field": field, "errors": [{"field": field, "zh": zh, "en": en}]}
    return json.dumps(body, ensure_ascii=False).encode()


async def send_problem(
    send: Send, status: int, body: bytes, extra_headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *extra_headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _raw(*pairs: tuple[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs)


_COMMON = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
# the headers of every response, encoded once: (pages, docs) × (without, with HSTS)
_HEADERS = {
    (docs, hsts): _raw(
        ("Content-Security-Policy", DOCS_CSP if docs else CSP),
        *_COMMON,
        *((("Strict-Transport-Security", HSTS),) if hsts else ()),
    )
    for docs in (False, True)
    for hsts in (False, True)
}


class SecurityHeaders:
    """CSP, X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy and (over HTTPS, or
    always in production) HSTS on every response that does not set its own."""

    def __init__(self, app: ASGIApp, *, hsts_always: bool) -> None:
        self.app = app
        self.hsts_always = hsts_always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = _HEADERS[path.startswith(DOCS_PATHS), self.hsts_always or scope.get("scheme") == "https"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class OriginCheck:
    """Refuse an unsafe method (POST, PUT, PATCH, DELETE) whose ``Origin`` — or, without one,
    ``Referer`` — names another site than the request's ``Host`` (or one of
    ``ZHIZHI_ALLOWED_ORIGINS``).  Requests with neither header (API clients, curl) pass: browsers
    send ``Origin`` on every cross-site POST."""

    def __init__(self, app: ASGIApp, *, allowed_origins: Sequence[str]) -> None:
        self.app = app
        self.allowed = {o.rstrip("/").lower() for o in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        source = headers.get(b"origin") or headers.get(b"referer")
        if source is not None and not self._same_site(source.decode("latin-1"), headers.get(b"host")):
            body = problem(
                403,
                "cross_origin",
                "拒绝来自其他网站的请求（Origin/Referer 校验失败）",
                "request from another site refused (Origin/Referer check failed)",
                field="origin",
            )
            await send_problem(send, 403, body)
            return
        await self.app(scope, receive, send)

    def _same_site(self, source: str, host: bytes | None) -> bool:
        parts = urlsplit(source.strip())
        if not parts.scheme or not parts.netloc:
            return False  # "null" (sandboxed frames, file: pages) and garbage
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin in self.allowed:
            return True
        return host is not None and parts.netloc.lower() == host.decode("latin-1").lower()
