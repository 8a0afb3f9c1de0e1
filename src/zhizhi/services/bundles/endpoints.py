"""The bundle API (一件事一次办): the bundles with their items (contract), one bundle's merged
form, the 免提交 preview, the one submission (JSON, or multipart with the material files), and
the status of bundle applications."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile

from zhizhi.attachments.service import Upload
from zhizhi.core.errors import PayloadTooLarge, ValidationFailed
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal
from zhizhi.services.bundles import service, submission
from zhizhi.services.bundles.schemas import (
    BundleApplicationIn,
    BundleApplicationOut,
    BundleFormOut,
    BundleIn,
    BundleList,
    BundleOut,
    PrefillIn,
)

router = APIRouter(prefix="/api/v1", tags=["bundles 一件事一次办"])
Code = Annotated[str, Path(min_length=1, max_length=40)]
Number = Annotated[str, Path(min_length=1, max_length=24)]
FILE_PREFIX = "material."  # multipart parts "material.<code>": that material's files
_APPLICATION = TypeAdapter(BundleApplicationIn)


@router.get("/bundles", response_model=BundleList)
def list_bundles(session: DbSession) -> BundleList:
    """The "one thing" bundles with their items (public, like the guide)."""
    items = service.list_bundles(session)
    return BundleList(items=items, total=len(items))


@router.put("/bundles/{code}", response_model=BundleOut)
def save_bundle(session: DbSession, principal: CurrentPrincipal, code: Code, body: BundleIn) -> BundleOut:
    """Create or replace a bundle (item stewards)."""
    if body.code != code:
        raise ValidationFailed(
            "路径与内容中的编码不一致", "the code in the path and the body differ", field="code"
        )
    service.save_bundle(session, principal, body)
    return service.bundle(session, code)


@router.get("/bundles/{code}", response_model=BundleFormOut)
def bundle_form(session: DbSession, code: Code) -> BundleFormOut:
    """The merged form: each field asked once, materials deduplicated."""
    return service.form(session, code)


@router.post("/bundles/{code}/prefill", response_model=BundleFormOut)
def prefill(session: DbSession, principal: CurrentPrincipal, code: Code, body: PrefillIn) -> BundleFormOut:
    """The merged form pre-filled from shared data (with consent; every read logged)."""
    return submission.preview(session, principal, code, body)


def _read_file(item: UploadFile, field: str) -> Upload:
    limit = get_settings().attachment_max_bytes
    data = item.file.read(limit + 1)
    if len(data) > limit:
        mb = f"{limit / 1_000_000:g}"
        raise PayloadTooLarge(f"文件超过 {mb} MB 上限", f"the file exceeds the {mb} MB limit", field=field)
    return Upload(item.filename, data)


async def _body(request: Request) -> tuple[BundleApplicationIn, dict[str, list[Upload]]]:
    """The JSON body, or the multipart ``data`` part (JSON) and the ``material.<code>`` files."""
    files: dict[str, list[Upload]] = {}
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        raw = form.get("data")
        if not isinstance(raw, str):
            raise ValidationFailed("缺少 data 部分（JSON）", "the data part (JSON) is missing", field="data")
        for key, value in form.multi_items():
            if (
                key.startswith(FILE_PREFIX)
                and isinstance(value, UploadFile)
                and (value.filename or value.size)
            ):
                code = key[len(FILE_PREFIX) :][:40]
                files.setdefault(code, []).append(_read_file(value, f"materials.{code}"))
    else:
        raw = (await request.body()).decode("utf-8", "replace")
    try:
        data = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        raise ValidationFailed("请求体不是合法的 JSON", "the body is not valid JSON", field="body") from None
    try:
        return _APPLICATION.validate_python(data), files
    except ValidationError as exc:
        raise RequestValidationError([dict(e) | {"loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post(
    "/bundles/{code}/applications",
    response_model=BundleApplicationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Submit a bundle 一件事一次办 (JSON, or multipart: data + material.<code> files)",
)
async def submit(
    request: Request, session: DbSession, principal: CurrentPrincipal, code: Code
) -> BundleApplicationOut:
    """One submission: the bundle application and one application per part, all or none."""
    body, files = await _body(request)
    return await run_in_threadpool(submission.submit, session, principal, code, body, files)


@router.get("/bundle-applications", response_model=list[BundleApplicationOut])
def my_applications(session: DbSession, principal: CurrentPrincipal) -> list[BundleApplicationOut]:
    """One's own bundle applications (the public), or those one may see (staff)."""
    return submission.my_applications(session, principal)


@router.get("/bundle-applications/{number}", response_model=BundleApplicationOut)
def application(session: DbSession, principal: CurrentPrincipal, number: Number) -> BundleApplicationOut:
    return submission.get_application(session, principal, number)
