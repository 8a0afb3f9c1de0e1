"""The case attachments API: upload (multipart), list, download (with Content-Disposition,
the type we recognised, nosniff)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUpload

from zhizhi.attachments.schemas import AttachmentOut
from zhizhi.attachments.service import Upload
from zhizhi.cases import files
from zhizhi.core.errors import PayloadTooLarge, ValidationFailed
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal

router = APIRouter(prefix="/api/v1/cases", tags=["attachments 附件"])


def read_uploads(items: Sequence[object] | None, field: str = files.FIELD) -> list[Upload]:
    """The posted files (empty file inputs skipped), each read up to the size limit + 1 byte."""
    limit = get_settings().attachment_max_bytes
    out = []
    for item in items or []:
        if not isinstance(item, StarletteUpload):
            raise ValidationFailed("附件须以文件形式上传", "attachments must be sent as files", field=field)
        if not item.filename and not item.size:
            continue  # a file input left empty
        data = item.file.read(limit + 1)
        if len(data) > limit:
            mb = f"{limit / 1_000_000:g}"
            raise PayloadTooLarge(
                f"文件超过 {mb} MB 上限，请压缩后重新上传",
                f"the file exceeds the {mb} MB limit; shrink it and retry",
                field=field,
                limit=limit,
            )
        out.append(Upload(item.filename, data))
    return out


def file_response(out: AttachmentOut, data: bytes, content_type: str, *, inline: bool) -> Response:
    disposition = "inline" if inline and content_type.startswith("image/") else "attachment"
    ascii_name = out.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(out.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@router.post(
    "/{number}/attachments",
    response_model=list[AttachmentOut],
    status_code=201,
    summary="Add photos or files to a case 上传附件 (multipart: files, stage, public)",
)
def upload(
    number: str,
    session: DbSession,
    principal: CurrentPrincipal,
    files_: Annotated[list[UploadFile], File(alias="files", description="JPEG/PNG/WebP/PDF")],
    stage: Annotated[
        str, Form(pattern="^(intake|reply)$", description="intake (before) | reply (after)")
    ] = "intake",
    public: Annotated[bool, Form(description="shown to the citizen on the tracking page")] = True,
) -> list[AttachmentOut]:
    uploads = read_uploads(files_)
    if not uploads:
        raise ValidationFailed("请选择要上传的文件", "choose a file to upload", field=files.FIELD)
    return files.add(session, principal, number, uploads, stage=stage, public=public)


@router.get(
    "/{number}/attachments", response_model=list[AttachmentOut], summary="A case's attachments 附件列表"
)
def list_attachments(number: str, session: DbSession, principal: CurrentPrincipal) -> list[AttachmentOut]:
    return files.listing(session, principal, number)


@router.get("/{number}/attachments/{attachment_id}", summary="Download an attachment 下载附件")
def download(
    number: str,
    attachment_id: int,
    session: DbSession,
    principal: CurrentPrincipal,
    thumbnail: Annotated[bool, Query(description="the 320-px JPEG thumbnail of a photo")] = False,
) -> Response:
    out, data, content_type = files.download(session, principal, number, attachment_id, thumbnail=thumbnail)
    return file_response(out, data, content_type, inline=False)
