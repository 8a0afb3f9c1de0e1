"""The bundle API (一件事一次办): the bundles with their items (contract), one bundle's merged
form, the 免提交 preview, the one submission, and the status of a bundle application."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from zhizhi.core.errors import ValidationFailed
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


@router.get("/bundles", response_model=BundleList)
def list_bundles(session: DbSession) -> BundleList:
    """The "one thing" bundles with their items (public, like the guide)."""
    items = service.list_bundles(session)
    return BundleList(items=items, total=len(items))


@router.put("/bundles/{code}", response_model=BundleOut)
def save_bundle(session: DbSession, principal: CurrentPrincipal, code: Code, body: BundleIn) -> BundleOut:
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


@router.post(
    "/bundles/{code}/applications", response_model=BundleApplicationOut, status_code=status.HTTP_201_CREATED
)
def submit(
    session: DbSession, principal: CurrentPrincipal, code: Code, body: BundleApplicationIn
) -> BundleApplicationOut:
    """One submission: the bundle application and one application per part, all or none."""
    return submission.submit(session, principal, code, body)


@router.get("/bundle-applications", response_model=list[BundleApplicationOut])
def my_applications(session: DbSession, principal: CurrentPrincipal) -> list[BundleApplicationOut]:
    return submission.my_applications(session, principal)


@router.get("/bundle-applications/{number}", response_model=BundleApplicationOut)
def application(session: DbSession, principal: CurrentPrincipal, number: Number) -> BundleApplicationOut:
    return submission.get_application(session, principal, number)
