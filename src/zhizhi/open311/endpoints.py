"""Open311 GeoReport v2 under ``/open311/v2/`` (docs/open311.md): every path in ``.json`` and
``.xml``; every error in the spec's format (400/403/404, never a 500 for what a client sent)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhizhi.core.errors import BadRequest, DomainError
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import request_transaction
from zhizhi.open311 import clients, formats, service
from zhizhi.open311.schemas import RequestQuery

PREFIX = "/open311/v2"
router = APIRouter(prefix=PREFIX, tags=["open311 GeoReport v2"])
SINGLE = {"jurisdiction_id", "api_key"}


def _format(fmt: str) -> str:
    if fmt not in formats.FORMATS:
        raise BadRequest("格式应为 json 或 xml", "format must be json or xml", field="format")
    return fmt


def _query(request: Request, allowed: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            raise BadRequest(f"未知参数 {key[:40]}", f"unknown parameter {key[:40]!r}", field=key[:40])
        if key in out:
            raise BadRequest(f"参数 {key} 重复", f"parameter {key!r} given twice", field=key)
        out[key] = value
    return out


def _read(request: Request, session: Session, params: dict[str, str]) -> None:
    """GET calls: the jurisdiction, and the client's key when reads are not public."""
    service.check_jurisdiction(params.get("jurisdiction_id"))
    if not get_settings().open311_public_read:
        clients.authenticate(session, params.get("api_key") or request.headers.get("X-Api-Key"))


def _answer(
    request: Request, fmt: str, root: str, item: str, work: Callable[[Session], Any], status: int = 200
) -> Response:
    try:
        fmt = _format(fmt)
        with request_transaction() as session:
            data = work(session)
    except DomainError as exc:
        return formats.error(exc, fmt)
    return formats.render(data, fmt, root, item, status)


@router.get("/discovery.{fmt}", summary="Discovery 服务发现")
def discovery(request: Request, fmt: str) -> Response:
    url = str(request.base_url).rstrip("/") + PREFIX + "/"

    def work(session: Session) -> Any:
        _query(request, set())
        return service.discovery(url)

    return _answer(request, fmt, "discovery", "endpoint", work)


@router.get("/services.{fmt}", summary="Service list 服务（诉求分类）列表")
def services(request: Request, fmt: str) -> Response:
    def work(session: Session) -> Any:
        _read(request, session, _query(request, SINGLE))
        return service.services(session)

    return _answer(request, fmt, "services", "service", work)


@router.get("/services/{code}.{fmt}", summary="Service definition 服务定义")
def service_definition(request: Request, code: str, fmt: str) -> Response:
    def work(session: Session) -> Any:
        _read(request, session, _query(request, SINGLE))
        return service.service_definition(session, code[:80])

    return _answer(request, fmt, "service_definition", "attribute", work)


def _parse_query(params: dict[str, str]) -> RequestQuery:
    try:
        return RequestQuery.model_validate(params)
    except ValidationError as exc:
        raise service.bad_input(exc) from None


@router.get("/requests.{fmt}", summary="Service requests 诉求列表（不含个人信息）")
def requests(request: Request, fmt: str) -> Response:
    def work(session: Session) -> Any:
        params = _query(request, set(RequestQuery.model_fields))
        _read(request, session, params)
        return service.list_requests(session, _parse_query(params))

    return _answer(request, fmt, "service_requests", "request", work)


@router.get("/requests/{number}.{fmt}", summary="One service request 单个诉求")
def one_request(request: Request, number: str, fmt: str) -> Response:
    def work(session: Session) -> Any:
        params = _query(request, SINGLE)
        _read(request, session, params)
        return service.get_request(session, number)

    return _answer(request, fmt, "service_requests", "request", work)


@router.get("/tokens/{token}.{fmt}", summary="Request id from a token 由令牌查编号")
def token(request: Request, token: str, fmt: str) -> Response:
    def work(session: Session) -> Any:
        params = _query(request, SINGLE)
        _read(request, session, params)
        return service.token_status(session, token)

    return _answer(request, fmt, "service_requests", "request", work)


async def _fields(request: Request) -> dict[str, Any]:
    """The POST's fields: form-encoded (the spec) or a JSON object; ``attribute[code]``
    fields gathered into ``attributes``."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw: list[tuple[str, Any]]
    if kind == "application/json":
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise BadRequest("请求体不是有效的 JSON", "the body is not valid JSON", field="body") from None
        if not isinstance(body, dict):
            raise BadRequest("请求体应为 JSON 对象", "the body must be a JSON object", field="body")
        raw = list(body.items())
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        form = await request.form(max_files=0, max_fields=60)
        raw = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    else:
        raise BadRequest(
            "请以表单（application/x-www-form-urlencoded）或 JSON 提交",
            "post a form (application/x-www-form-urlencoded) or JSON",
            field="content-type",
        )
    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for key, value in raw:
        if key.startswith("attribute[") and key.endswith("]"):
            attributes[key[10:-1]] = value
        elif key in fields:
            raise BadRequest(f"字段 {key[:40]} 重复", f"field {key[:40]!r} given twice", field=key[:40])
        else:
            fields[key] = value
    if attributes:
        fields.setdefault("attributes", attributes)
    return fields


@router.post("/requests.{fmt}", status_code=201, summary="Post a service request 提交诉求（需 API 密钥）")
async def post_request(request: Request, fmt: str) -> Response:
    try:
        fields = await _fields(request)
    except DomainError as exc:
        return formats.error(exc, fmt)
    except Exception:  # a form the parser cannot read (bad multipart, too many fields)
        unreadable = BadRequest("表单无法解析", "the form could not be parsed", field="body")
        return formats.error(unreadable, fmt)
    key = fields.pop("api_key", None) or request.headers.get("X-Api-Key")
    idem = request.headers.get("Idempotency-Key")

    api_key = key if isinstance(key, str) else None
    return await run_in_threadpool(_post, request, fmt, fields, api_key, idem)


def _post(request: Request, fmt: str, fields: dict[str, Any], key: str | None, idem: str | None) -> Response:
    """The key is checked and the POST counted against its rate limit in a unit of work of its
    own, so a refused or malformed request counts too; then the request in another."""
    try:
        with request_transaction() as session:
            clients.count_post(session, clients.authenticate(session, key)[0])
    except DomainError as exc:
        return formats.error(exc, fmt)

    def work(session: Session) -> Any:
        return service.post_request(session, fields, key, idem)

    return _answer(request, fmt, "service_requests", "request", work, 201)
