"""The attachments' pages: the case page's upload form, staff downloads (session login) and the
tracking page's signed photo links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from zhizhi.cases import files
from zhizhi.cases.file_endpoints import file_response, read_uploads
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.http.deps import DbSession
from zhizhi.ui import csrf
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page

router = APIRouter(include_in_schema=False)


@router.post("/work/cases/{number}/attachments", dependencies=[Depends(csrf.verify)])
def upload(
    request: Request,
    session: DbSession,
    principal: Staff,
    number: str,
    photos: Annotated[list[UploadFile] | None, File()] = None,
    stage: Annotated[str, Form()] = "reply",
    public: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        uploads = read_uploads(photos)
        if not uploads:
            raise ValidationFailed("请选择要上传的文件", "choose a file to upload", field=files.FIELD)
        if stage not in ("intake", "reply"):
            raise ValidationFailed("附件阶段无效", "invalid attachment stage", field="stage")
        files.add(session, principal, number, uploads, stage=stage, public=bool(public))
    except DomainError as exc:
        session.rollback()  # nothing of a refused upload is kept (the files are deleted with it)
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    return RedirectResponse(f"/work/cases/{number}?done=attach#attachments", status_code=303)


def _staff_file(
    session: DbSession, principal: Staff, number: str, attachment_id: int, thumb: bool
) -> Response:
    out, data, content_type = files.download(session, principal, number, attachment_id, thumbnail=thumb)
    return file_response(out, data, content_type, inline=True)


@router.get("/work/cases/{number}/attachments/{attachment_id}")
def staff_file(session: DbSession, principal: Staff, number: str, attachment_id: int) -> Response:
    return _staff_file(session, principal, number, attachment_id, False)


@router.get("/work/cases/{number}/attachments/{attachment_id}/thumb")
def staff_thumb(session: DbSession, principal: Staff, number: str, attachment_id: int) -> Response:
    return _staff_file(session, principal, number, attachment_id, True)


Expires = Annotated[int, Query(alias="e", ge=0, le=10**11)]
Signature = Annotated[str, Query(alias="s", max_length=64)]


@router.get("/track/photos/{number}/{attachment_id}")
def public_photo(session: DbSession, number: str, attachment_id: int, e: Expires, s: Signature) -> Response:
    out, data, content_type = files.public_photo(session, number, attachment_id, e, s, thumbnail=False)
    return file_response(out, data, content_type, inline=True)


@router.get("/track/photos/{number}/{attachment_id}/thumb")
def public_thumb(session: DbSession, number: str, attachment_id: int, e: Expires, s: Signature) -> Response:
    out, data, content_type = files.public_photo(session, number, attachment_id, e, s, thumbnail=True)
    return file_response(out, data, content_type, inline=True)
