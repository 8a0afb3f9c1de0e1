"""Reject request bodies above a size limit with a 413 problem, before they are read whole.

Multipart uploads to the paths named by ``upload_paths`` (regular expressions, given by the
composition root) may be up to ``upload_bytes`` instead (a case's attachments, docs/attachments.md);
each file is then checked against its own limit by the endpoint."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _problem(limit: int, upload: bool = False) -> bytes:
    if upload:  # a multipart upload: name the files and the limit in MB
        mb = f"{limit / 1_000_000:g}"
        zh, en = f"上传的文件合计超过 {mb} MB 上限", f"the uploaded files exceed {mb} MB in total"
        return json.dumps(
            {
                "type": "about:blank#payload_too_large",
                "title": en,
                "status": 413,
                "code": "payload_too_large",
                "detail": en,
                "message": {"zh": zh, "en": en},
                "field": "files",
            },
            ensure_ascii=False,
        ).encode()
    return json.dumps(
        {
            "type": "about:blank#payload_too_large",
            "title": "Request body too large",
            "status": 413,
            "code": "payload_too_large",
            "detail": f"request body exceeds {limit} bytes",
            "message": {"zh": f"请求体超过 {limit} 字节上限", "en": f"request body exceeds {limit} bytes"},
            "field": "body",
        },
        ensure_ascii=False,
    ).encode()


class BodySizeLimit:
    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_bytes: int = 0, upload_paths: Sequence[str] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = max(upload_bytes, max_bytes)
        self.upload = re.compile("|".join(f"(?:{p})" for p in upload_paths)) if upload_paths else None

    def _limit(self, scope: Scope) -> int:
        if self.upload is None or not self.upload.fullmatch(scope.get("path", "")):
            return self.max_bytes
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        return self.upload_bytes if content_type.startswith(b"multipart/form-data") else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(send, limit)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._reject(send, limit)

    async def _reject(self, send: Send, limit: int) -> None:
        body = _problem(limit, upload=limit != self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
