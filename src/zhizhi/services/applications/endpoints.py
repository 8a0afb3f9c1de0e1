"""The applications API: submit (JSON, or multipart with the material files), read, supplement,
public tracking. Lifecycle actions go through the case action API
(``POST /api/v1/cases/{number}/actions``), which reads them by the case's kind; the list is the
cases list (``GET /api/v1/cases?kind=application``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.datastructures import UploadFile

from zhizhi.attachments.service import Upload
from zhizhi.core.errors import PayloadTooLarge, ValidationFailed
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, OptionalPrincipal
from zhizhi.services.applications import schemas as s
from zhizhi.services.applications import service, views

router = APIRouter(prefix="/api/v1/applications", tags=["applications 办件"])
Number = Annotated[str, Path(min_length=1, max_length=20)]
FILE_PREFIX = "material."  # multipart parts "material.<code>": that material's files


def _multipart_doc(schema: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": f"{schema} (docs/services.md)"}
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "data": {"type": "string", "description": f"the {schema} as JSON"},
                            "material.<code>": {"type": "string", "format": "binary"},
                        },
                        "required": ["data"],
                    }
                },
            },
            "required": True,
        }
    }


def _validate(adapter: TypeAdapter[Any], raw: Any) -> Any:
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        raise RequestValidationError([dict(e) | {"loc": ("body", *e["loc"])} for e in exc.errors()]) from None


def _read_file(item: UploadFile, field: str) -> Upload:
    limit = get_settings().attachment_max_bytes
    data = item.file.read(limit + 1)
    if len(data) > limit:
        mb = f"{limit / 1_000_000:g}"
        raise PayloadTooLarge(
            f"文件超过 {mb} MB 上限，请压缩后重新上传",
            f"the file exceeds the {mb} MB limit",
            field=field,
            limit=limit,
        )
    return Upload(item.filename, data)


async def _body(request: Request, adapter: TypeAdapter[Any]) -> tuple[Any, service.Files]:
    """The JSON body, or the multipart ``data`` part and the files of ``material.<code>`` parts."""
    files = service.Files()
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        raw = form.get("data")
        if not isinstance(raw, str):
            raise ValidationFailed("缺少 data 部分（JSON）", "the data part (JSON) is missing", field="data")
        for key, value in form.multi_items():
            if key.startswith(FILE_PREFIX) and isinstance(value, UploadFile):
                if not value.filename and not value.size:
                    continue
                code = key[len(FILE_PREFIX) :][:60]
                files.by_code.setdefault(code, []).append(_read_file(value, f"materials.{code}"))
    else:
        raw = (await request.body()).decode("utf-8", "replace")
    try:
        data = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        raise ValidationFailed("请求体不是合法的 JSON", "the body is not valid JSON", field="body") from None
    return _validate(adapter, data), files


_APPLICATION = TypeAdapter(s.ApplicationIn)
_SUPPLEMENT = TypeAdapter(s.Supplement)


@router.post(
    "",
    status_code=201,
    response_model=s.ApplicationOut,
    summary="Submit an application 网上申请 / 窗口收件 (JSON, or multipart with material.<code> files)",
    openapi_extra=_multipart_doc("ApplicationIn"),
)
async def submit(request: Request, session: DbSession, principal: OptionalPrincipal) -> s.ApplicationOut:
    body, files = await _body(request, _APPLICATION)

    def work() -> s.ApplicationOut:
        done = service.submit(
            session,
            principal,
            body.item,
            body.applicant,
            body.form,
            body.materials,
            body.channel,
            agent=body.agent,
            files=files,
            language=body.language,
            consent=body.consent,
        )
        return views.application_out(
            session,
            principal,
            done.case,
            done.application,
            reveal=principal is not None,
            version=done.version,
        )

    return await run_in_threadpool(work)


@router.post(
    "/prefill", response_model=s.PrefillOut, summary="免提交: what shared data provides (with consent)"
)
def prefill(body: s.PrefillIn, session: DbSession, principal: OptionalPrincipal) -> s.PrefillOut:
    """The form values and materials data provides for this applicant; each read is logged in
    the exchange log and the audit trail.  A member of the public gets person data only for the
    ID number verified on their account."""
    return service.preview(session, principal, body)


@router.get("/{number}", response_model=s.ApplicationOut, summary="One application 办件详情")
def read(number: Number, session: DbSession, principal: CurrentPrincipal) -> s.ApplicationOut:
    return views.read(session, principal, number)


@router.post(
    "/{number}/supplement",
    response_model=s.ApplicationOut,
    summary="Supplement after the one-time notice 补正 (JSON, or multipart with material.<code> files)",
    openapi_extra=_multipart_doc("Supplement"),
)
async def supplement(
    number: Number, request: Request, session: DbSession, principal: CurrentPrincipal
) -> s.ApplicationOut:
    raw, files = await _body(request, TypeAdapter(dict[str, Any]))
    body = _validate(_SUPPLEMENT, {"action": "supplement"} | raw)

    def work() -> s.ApplicationOut:
        service.supplement(session, principal, number, body, files)
        return views.read(session, principal, number)

    return await run_in_threadpool(work)


class TrackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: Annotated[str, Field(min_length=1, max_length=20)]
    id_number: Annotated[str, Field(min_length=1, max_length=18)]


@router.post(
    "/track", response_model=s.TrackingOut, summary="Track by number and ID number 办件进度查询 (no login)"
)
def track(body: TrackIn, session: DbSession) -> s.TrackingOut:
    return views.track(session, body.number, body.id_number)


@router.get("", summary="我的办件: the signed-in applicant's applications")
def mine(session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    rows = views.mine(session, user_id=principal.user_id or None, phone=None)
    return {"items": rows, "total": len(rows)}
