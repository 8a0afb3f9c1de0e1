"""Reject text no database should store before any endpoint sees it: NUL and the other C0
control characters except tab, line feed and carriage return, and lone surrogates (or bytes
that are not UTF-8) — in the path, the query string, JSON bodies and form posts.  PostgreSQL
refuses NUL in text (a 500 before this guard); SQLite would store it.  Answer: 422 naming the
field, in both languages (docs/security.md).

Multipart bodies (file uploads) are left to their endpoints: the files are binary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhizhi.core.errors import ValidationFailed
from zhizhi.http.edge import problem, send_problem

BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_JSON_ESCAPE = b"\\u"


def _bad_in_json(value: Any, path: str) -> str | None:
    """The dotted path of the first string (key or value) holding bad text, or ``None``."""
    if isinstance(value, str):
        return path if BAD.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if BAD.search(key):
                return sub
            found = _bad_in_json(item, sub)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _bad_in_json(item, f"{path}.{i}" if path else str(i))
            if found is not None:
                return found
    return None


def _bad_in_pairs(raw: bytes, where: str) -> str | None:
    text = raw.decode("utf-8", errors="surrogateescape")
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="surrogateescape"):
        if BAD.search(name) or BAD.search(value):
            return where if BAD.search(name) else name
    return None


def _templates(routes: Any, prefix: str = "") -> list[str]:
    """Every route's path template, included routers walked (their own prefix added)."""
    out: list[str] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            out += _templates(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif hasattr(route, "routes") and not hasattr(route, "path_format"):
            out += _templates(route.routes, prefix)
        elif isinstance(getattr(route, "path", None), str) and "{" in route.path:
            out.append(prefix + route.path)
    return out


def _bad_path_param(scope: Scope) -> str:
    """The name of the path parameter holding the bad text ("path" when no route matches)."""
    app = scope.get("app")
    path = scope.get("path", "")
    for template in _templates(getattr(getattr(app, "router", None), "routes", ())):
        regex, _, _ = compile_path(template)
        match = regex.match(path)
        if match:
            for name, value in match.groupdict().items():
                if BAD.search(value) or "\ufffd" in value:
                    return name
    return "path"


def _refusal(field: str) -> bytes:
    return problem(
        422,
        "invalid_text",
        f"字段 {field} 含有不允许的控制字符（如 NUL）或无效编码",
        f"{field}: contains a control character (such as NUL) or invalid encoding",
        field=field,
    )


class TextGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or b""
        if BAD.search(scope.get("path", "")) or (b"%" in raw_path and _undecodable(raw_path)):
            await send_problem(send, 422, _refusal(_bad_path_param(scope)))
            return
        query: bytes = scope.get("query_string", b"")
        if query:
            field = _bad_in_pairs(query, "query")
            if field is not None:
                await send_problem(send, 422, _refusal(field))
                return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").split(b";")[0].strip()
        if content_type not in (b"application/json", b"application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        field = _bad_in_body(body, content_type)
        if field is not None:
            await send_problem(send, 422, _refusal(field))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await more()

        await self.app(scope, replay, send)


def _undecodable(raw_path: bytes) -> bool:
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: hand it on

            async def again(first: Message = message) -> Message:
                return first

            return b"".join(chunks), again
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), receive


def _bad_in_body(body: bytes, content_type: bytes) -> str | None:
    if content_type == b"application/x-www-form-urlencoded":
        return _bad_in_pairs(body, "body")
    if _JSON_ESCAPE not in body:
        return None  # nothing escaped: raw control characters are invalid JSON (400) anyway
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None  # the endpoint answers malformed JSON with its own 400
    return _bad_in_json(data, "")


def check_fields(values: Mapping[str, object]) -> None:
    """The same check for the text fields of a multipart form (which the middleware leaves to
    its endpoint because the files are binary): 422 naming the first field with bad text."""
    for name, value in values.items():
        if isinstance(value, str) and BAD.search(value):
            raise ValidationFailed(
                f"字段 {name} 含有不允许的控制字符（如 NUL）或无效编码",
                f"{name}: contains a control character (such as NUL) or invalid encoding",
                field=name,
            )
