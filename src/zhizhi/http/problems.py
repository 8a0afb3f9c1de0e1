"""Render every error as ``application/problem+json`` with Chinese and English messages.

* :class:`~zhizhi.core.errors.DomainError` subclasses carry their own status and messages.
* Pydantic request validation errors become 422 with one entry per offending field.
* Malformed JSON becomes 400; HTTP errors raised by Starlette keep their status.
* Anything unexpected becomes a 500 problem without internals (and is logged).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from zhizhi.core.errors import DomainError, FieldProblem

log = logging.getLogger("zhizhi.http")

PROBLEM_JSON = "application/problem+json"

# Pydantic error types → Chinese wording.  English uses Pydantic's own message.
_ZH_BY_TYPE = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的未知字段",
    "string_too_short": "内容过短或为空",
    "string_too_long": "内容过长",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "string_type": "应为字符串",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不正确",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为数组",
    "value_error": "取值无效",
    "union_tag_invalid": "操作类型无效",
    "union_tag_not_found": "缺少操作类型",
}


def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_problems(errors: list[Any]) -> list[FieldProblem]:
    out: list[FieldProblem] = []
    for err in errors:
        etype = str(err.get("type", "value_error"))
        en = str(err.get("msg", "Invalid value"))
        ctx = err.get("ctx") or {}
        zh = _ZH_BY_TYPE.get(etype, "取值无效")
        if etype == "value_error" and isinstance(ctx.get("error"), DomainError):
            zh, en = ctx["error"].zh, ctx["error"].en
        elif etype == "value_error" and en.startswith("Value error, "):
            en = en.removeprefix("Value error, ")
            if " | " in en:  # validators may raise ValueError("中文 | English")
                zh, en = en.split(" | ", 1)
        loc = tuple(err.get("loc", ()))
        if etype in {"union_tag_invalid", "union_tag_not_found"} and ctx.get("discriminator"):
            loc = (*loc, str(ctx["discriminator"]).strip("'"))
        out.append(FieldProblem(_field_of(loc), zh, en))
    return out


def http_problem(exc: StarletteHTTPException) -> JSONResponse:
    """A framework HTTP error (unknown path, wrong method…) as a bilingual problem document."""
    zh = {404: "未找到", 405: "不支持的请求方法", 401: "未认证", 403: "无权限", 413: "请求体过大"}
    en = str(exc.detail) if exc.detail else "HTTP error"
    body = {
        "type": f"about:blank#http_{exc.status_code}",
        "title": en,
        "status": exc.status_code,
        "code": f"http_{exc.status_code}",
        "detail": en,
        "message": {"zh": zh.get(exc.status_code, "请求错误"), "en": en},
    }
    return problem_response(exc.status_code, body, getattr(exc, "headers", None))


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app`` (each API and page app calls this once)."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429 and "retry_after" in exc.extra:
            headers = {"Retry-After": str(exc.extra["retry_after"])}
        return problem_response(exc.status, exc.as_problem(), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        raw = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in raw):
            err = DomainError("请求体不是合法的 JSON", "Request body is not valid JSON", field="body")
            body = err.as_problem() | {"status": 400, "code": "malformed_json"}
            return problem_response(400, body)
        problems = validation_problems(raw)
        first = problems[0] if problems else FieldProblem("body", "请求无效", "Invalid request")
        body = {
            "type": "about:blank#validation_error",
            "title": "Validation failed",
            "status": 422,
            "code": "validation_error",
            "detail": f"{first.field}: {first.en}",
            "message": {"zh": f"字段 {first.field}：{first.zh}", "en": f"{first.field}: {first.en}"},
            "field": first.field,
            "errors": [p.as_dict() for p in problems],
        }
        return problem_response(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return http_problem(exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - safety net
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        body = {
            "type": "about:blank#internal_error",
            "title": "Internal error",
            "status": 500,
            "code": "internal_error",
            "detail": "Internal error",
            "message": {"zh": "服务器内部错误", "en": "Internal error"},
        }
        return problem_response(500, body)
