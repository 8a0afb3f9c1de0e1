"""The data sharing API: the catalogue, requests and decisions, grants, clients, the logs; and
the exchange itself (client credentials → bearer → ``GET /api/v1/exchange/{resource}``)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from zhizhi.core.errors import Unauthorized, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, require
from zhizhi.sharing import clients, dcat, excel, exchange, service, views
from zhizhi.sharing.schemas import (
    CertificateIn,
    ClientIn,
    ClientOut,
    ClientView,
    ConflictOut,
    DecisionIn,
    GrantOut,
    ReadOut,
    RequestIn,
    RequestOut,
    ResourceIn,
    ResourceOut,
    RevokeIn,
    SecretOut,
    SubjectIn,
)

router = APIRouter(prefix="/api/v1/sharing", tags=["data sharing 数据共享"])
exchange_router = APIRouter(prefix="/api/v1/exchange", tags=["data exchange 数据交换"])
CodePath = Annotated[str, Path(min_length=1, max_length=40)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2_000_000


# ---- the catalogue -----------------------------------------------------------------------------


@router.get("/resources", response_model=list[ResourceOut], summary="Search the catalogue 检索资源目录")
def resources(
    session: DbSession,
    principal: CurrentPrincipal,
    q: Annotated[str | None, Query(max_length=80)] = None,
    owner: Annotated[str | None, Query(max_length=40)] = None,
    share_type: Annotated[str | None, Query(max_length=16)] = None,
) -> list[ResourceOut]:
    service.require_staff(principal)
    return service.resource_outs(session, service.search(session, q, owner, share_type))


@router.get("/resources/{code}", response_model=ResourceOut, summary="A data resource 数据资源")
def resource(code: CodePath, session: DbSession, principal: CurrentPrincipal) -> ResourceOut:
    service.require_staff(principal)
    return service.resource_outs(session, [service.resource(session, code)])[0]


@router.put("/resources/{code}", response_model=ResourceOut, summary="Create or replace a resource 登记资源")
def put_resource(code: CodePath, body: ResourceIn, session: DbSession, principal: CurrentPrincipal) -> Any:
    if body.code != code:
        raise ValidationFailed(
            "路径与请求体中的编码不一致", "the code in the path and the body differ", field="code"
        )
    row, created = service.save_resource(session, principal, body)
    out = service.resource_outs(session, [row])[0]
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/conflicts", response_model=list[ConflictOut], summary="一数一源 conflicts 数源冲突")
def conflicts(session: DbSession, principal: CurrentPrincipal) -> list[ConflictOut]:
    service.require_staff(principal)
    return service.source_conflicts(session)


@router.get("/catalogue.xlsx", summary="Export the catalogue (Excel) 导出目录")
def export_xlsx(session: DbSession, principal: CurrentPrincipal) -> Response:
    service.require_staff(principal)
    headers = {"Content-Disposition": 'attachment; filename="sharing-catalogue.xlsx"'}
    return Response(excel.export_xlsx(session), media_type=XLSX, headers=headers)


@router.post("/catalogue.xlsx", summary="Import the catalogue (Excel) 导入目录")
async def import_xlsx(file: UploadFile, session: DbSession, principal: CurrentPrincipal) -> dict[str, int]:
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("文件过大（上限 2 MB）", "file too large (2 MB at most)", field="file")
    return excel.import_xlsx(session, principal, data)


@router.get("/catalogue.jsonld", summary="DCAT catalogue (JSON-LD), public part 开放目录")
def catalogue_jsonld(request: Request, session: DbSession) -> Response:
    body = dcat.catalogue(session, str(request.base_url).rstrip("/"))
    return JSONResponse(body, media_type="application/ld+json")


# ---- requests, decisions, grants --------------------------------------------------------------


@router.post("/requests", response_model=RequestOut, status_code=201, summary="Request a resource 共享申请")
def submit(body: RequestIn, session: DbSession, principal: CurrentPrincipal) -> RequestOut:
    row = service.submit_request(session, principal, body)
    return views.request_outs(session, [row])[0]


@router.get("/requests", response_model=list[RequestOut], summary="My department's requests 本部门申请")
def my_requests(
    session: DbSession,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(max_length=10)] = None,
) -> list[RequestOut]:
    return views.requests_for(session, principal, status)


@router.get("/requests/{number}", response_model=RequestOut, summary="A request 申请详情")
def one_request(
    number: Annotated[str, Path(max_length=24)], session: DbSession, principal: CurrentPrincipal
) -> RequestOut:
    return views.request_view(session, principal, number)


@router.post("/requests/{number}/decision", response_model=RequestOut, summary="Approve or refuse 审批")
def decide(
    number: Annotated[str, Path(max_length=24)],
    body: DecisionIn,
    session: DbSession,
    principal: CurrentPrincipal,
) -> RequestOut:
    row = service.decide_request(session, principal, number, body)
    return views.request_outs(session, [row])[0]


@router.get("/supervision", response_model=list[RequestOut], summary="Pending requests, overdue first 督办")
def supervision(session: DbSession, principal: CurrentPrincipal) -> list[RequestOut]:
    return views.supervision_queue(session, principal)


@router.get("/grants", response_model=list[GrantOut], summary="Grants held or given 授权")
def grants(session: DbSession, principal: CurrentPrincipal) -> list[GrantOut]:
    return views.grants_for(session, principal)


@router.post("/grants/{grant_id}/revoke", summary="Revoke a grant 撤销授权")
def revoke(
    grant_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: RevokeIn,
    session: DbSession,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    grant = service.revoke_grant(session, principal, grant_id, body.reason)
    return {"id": grant.id, "state": "revoked", "revoked_at": grant.revoked_at}


# ---- clients, subjects, logs ---------------------------------------------------------------


@router.post(
    "/clients", response_model=ClientOut, status_code=201, summary="Register a consuming system 接入系统"
)
def register_client(body: ClientIn, session: DbSession, principal: CurrentPrincipal) -> ClientOut:
    client, secret = clients.register_client(session, principal, body.name, body.department)
    return ClientOut(
        client_id=client.client_id, client_secret=secret, name=client.name, department=body.department
    )


ClientPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9_.\-]+$")]


@router.get("/clients", response_model=list[ClientView], summary="Consuming systems I manage 接入系统列表")
def list_clients(session: DbSession, principal: CurrentPrincipal) -> list[ClientView]:
    return clients.list_clients(session, principal)


@router.get("/clients/{client_id}", summary="A consuming system, its grants and last calls 接入系统详情")
def client_detail(client_id: ClientPath, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    view, grants, calls = clients.client_detail(session, principal, client_id)
    return {
        "client": view.model_dump(mode="json"),
        "grants": [g.model_dump(mode="json") for g in grants],
        "calls": [c.model_dump(mode="json") for c in calls],
    }


@router.post("/clients/{client_id}/rotate", response_model=SecretOut, summary="Rotate the secret 更换密钥")
def rotate_client_secret(client_id: ClientPath, session: DbSession, principal: CurrentPrincipal) -> SecretOut:
    client, secret = clients.rotate_secret(session, principal, client_id)
    return SecretOut(client_id=client.client_id, client_secret=secret)


@router.post("/clients/{client_id}/retire", response_model=ClientView, summary="Retire a system 停用接入系统")
def retire_client(client_id: ClientPath, session: DbSession, principal: CurrentPrincipal) -> ClientView:
    clients.retire_client(session, principal, client_id)
    return clients.client_detail(session, principal, client_id)[0]


@router.put(
    "/clients/{client_id}/certificate",
    response_model=ClientView,
    summary="Bind a client certificate 绑定证书",
)
def bind_client_certificate(
    client_id: ClientPath, body: CertificateIn, session: DbSession, principal: CurrentPrincipal
) -> ClientView:
    clients.bind_certificate(session, principal, client_id, body.fingerprint)
    return clients.client_detail(session, principal, client_id)[0]


@router.post("/subjects", status_code=201, summary="Record a verified data subject 实名登记")
def link_subject(
    body: SubjectIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
) -> dict[str, str]:
    row = exchange.link_subject(session, principal, body.username, body.id_number)
    return {"username": body.username, "id_number": row.id_number_masked}


@router.get("/reads", response_model=list[ReadOut], summary="Who read my department's data 数据被调用记录")
def reads(session: DbSession, principal: CurrentPrincipal) -> list[ReadOut]:
    return exchange.reads_of_my_data(session, principal)


@router.get("/me/reads", summary="Which departments read data about me 我的数据被谁查询")
def my_reads(session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    masked, rows = exchange.reads_about_me(session, principal)
    return {
        "id_number": masked,
        "reads": [r.model_dump(mode="json", exclude={"client_id", "grant_id"}) for r in rows],
    }


# ---- the exchange --------------------------------------------------------------------------


OAUTH_ZH = {  # RFC 6749 §5.2 codes, with our bilingual message beside them
    "invalid_request": "请求缺少参数或参数无效",
    "unsupported_grant_type": "只支持 client_credentials 授权方式",
    "invalid_client": "接入系统身份验证失败",
}


def _oauth_error(exc: exchange.OAuthError) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="zhizhi-exchange"'
    zh = OAUTH_ZH.get(exc.error, "请求无效")
    body = {
        "error": exc.error,
        "error_description": exc.description,
        "message": {"zh": zh, "en": exc.description},
    }
    return JSONResponse(body, status_code=exc.status, headers=headers)


def _basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = raw.partition(":")
    return (user, password) if sep else None


def _client_certificate(request: Request) -> str | None:
    """The fingerprint of the client certificate the mutual-TLS proxy verified, from the header
    named by ``SHARING_CLIENT_CERT_HEADER`` (None: no proxy configured, or no certificate)."""
    header = get_settings().sharing_client_cert_header
    value = request.headers.get(header) if header else None
    return value[:200] if value else None


@exchange_router.post("/token", summary="OAuth2 client credentials → bearer 获取令牌")
def token(
    request: Request,
    session: DbSession,
    grant_type: Annotated[str | None, Form(max_length=40)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    authorization: Annotated[str | None, Header(max_length=500)] = None,
) -> JSONResponse:
    """RFC 6749 §4.4; client authentication by HTTP Basic or in the form body (§2.3.1)."""
    try:
        basic = _basic(authorization)
        if basic is not None and client_id is not None:
            raise exchange.OAuthError("invalid_request", "use one client authentication method")
        if grant_type is None:
            raise exchange.OAuthError("invalid_request", "grant_type is required")
        if grant_type != "client_credentials":
            raise exchange.OAuthError("unsupported_grant_type", "only client_credentials is supported")
        cid, secret = basic if basic is not None else (client_id, client_secret)
        if not cid or not secret:
            raise exchange.OAuthError("invalid_client", "client credentials are required", 401)
        access, ttl = exchange.issue_token(session, cid, secret, _client_certificate(request))
    except exchange.OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(
        {"access_token": access, "token_type": "Bearer", "expires_in": ttl},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _consumer(session: DbSession, authorization: str | None) -> exchange.Consumer:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("缺少交换令牌（Bearer）", "a bearer token from /api/v1/exchange/token is required")
    consumer = exchange.consumer_from_token(session, authorization[7:].strip())
    if consumer is None:
        raise Unauthorized("交换令牌无效或已过期", "the bearer token is invalid or expired")
    return consumer


@exchange_router.get("/{resource}", summary="Read a record of a shared resource 数据交换")
def read(
    resource: CodePath,
    session: DbSession,
    key: Annotated[str, Query(min_length=1, max_length=64)],
    purpose: Annotated[str, Query(min_length=1, max_length=20)],
    fields: Annotated[str | None, Query(max_length=2000)] = None,
    authorization: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    try:
        consumer = _consumer(session, authorization)
    except Unauthorized as exc:
        return JSONResponse(
            exc.as_problem(),
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            media_type="application/problem+json",
        )
    names = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    try:
        body = exchange.call(session, consumer, resource, key, purpose, names)
    except exchange.ExchangeRefused as exc:  # logged: answer 403 and let the unit of work commit the log
        return JSONResponse(exc.as_problem(), status_code=403, media_type="application/problem+json")
    if not body["found"]:
        body["message"] = {"zh": "数据提供方没有该记录", "en": "the provider has no such record"}
    return JSONResponse(body, status_code=200 if body["found"] else 404)
