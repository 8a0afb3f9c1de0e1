"""The service item API: the public catalogue (search and one item, no sign-in) and the
stewards' writes (save a draft, publish, retire, discard a draft, versions)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session

from zhizhi.core import audit
from zhizhi.core.errors import ValidationFailed
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.org.deps import CurrentPrincipal
from zhizhi.services.items import convert, excel, service
from zhizhi.services.items.enums import Audience, ItemStatus, ItemType, LifeEvent
from zhizhi.services.items.schemas import ItemDetailOut, ItemIn, ItemPage, RetireIn

router = APIRouter(prefix="/api/v1/service-items", tags=["services 办事事项"])
Code = Annotated[str, Path(min_length=1, max_length=40)]


def _lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"


def department_filter(session: Session, department: str | None) -> list[int] | None:
    """A department code (or exact name): its items and those of the departments below it (422
    if unknown)."""
    if not department:
        return None
    wanted = department.strip()
    found = org.find_department(session, wanted)
    if found is None:  # a department's exact name is accepted too (长沙市市场监督管理局)
        exact = [u for u in org.search_units(session, wanted, limit=50) if u["name"] == wanted]
        found = org.find_department(session, exact[0]["code"]) if len(exact) == 1 else None
    if found is None:
        raise ValidationFailed(
            f"部门 {department[:40]} 不存在", f"department {department[:40]} not found", field="department"
        )
    return org.subtree_ids(session, found.id)


def parse_type(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ItemType(value.strip()).value
    except ValueError:
        raise ValidationFailed(
            "事项类型应为 01–11 或 20", "the item type must be 01 to 11 or 20", field="type"
        ) from None


def parse_topic(value: str | None) -> str | None:
    if not value:
        return None
    topic = value.strip()
    if topic not in {a.value for a in Audience} | {e.value for e in LifeEvent}:
        raise ValidationFailed(
            "主题应为 personal、legal 或一个人生事件编码（如 newborn）",
            "the topic must be personal, legal or a life-event code (e.g. newborn)",
            field="topic",
        )
    return topic


@router.get("", response_model=ItemPage)
def list_items(
    request: Request,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=100)] = None,
    type: Annotated[str | None, Query(max_length=4)] = None,
    department: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    place: Annotated[str | None, Query(max_length=60)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Published items (the implementation list in force), no sign-in needed.

    ``q``: words of the name or codes; ``type``: 01–11 or 20; ``department``: a department code
    (its subtree included); ``topic``: ``personal``, ``legal`` or a life event; ``place``."""
    f = service.ItemFilter(
        q=(q or "").strip() or None,
        type=parse_type(type),
        department_ids=department_filter(session, department),
        topic=parse_topic(topic),
        place=(place or "").strip() or None,
    )
    views, total = service.search(session, f, limit=page_size, offset=(page - 1) * page_size)
    lang = _lang(request)
    return {
        "items": [convert.item_out(v, lang) for v in views],
        "total": total,
        "page": page,
        "page_size": page_size,
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/export.xlsx", summary="Export the implementation list (.xlsx) 导出实施清单")
def export_items(
    session: DbSession,
    principal: CurrentPrincipal,
    status: Annotated[list[ItemStatus] | None, Query()] = None,
) -> Response:
    """Stewards: the items (published by default; ``status`` may add drafts and retired ones) in
    the layout the import reads."""
    service.require_manage(principal)
    statuses = tuple(s.value for s in status) if status else ()
    data = excel.export_xlsx(session, principal, statuses=statuses)
    audit.record(
        session, "services.items_exported", principal.actor, object_type="service_item", object_id="*"
    )
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="service-items.xlsx"'}
    )


@router.post("/import", summary="Import the implementation list (.xlsx) 导入实施清单")
def import_items(
    session: DbSession,
    principal: CurrentPrincipal,
    file: UploadFile,
    publish: Annotated[bool, Query()] = False,
) -> dict[str, int]:
    """The whole workbook or nothing: every row is checked first; a failing cell is named
    (``items.N5``) in a 422 with up to 50 problems.  Items are written as drafts (``publish=true``
    publishes each)."""
    service.require_manage(principal)
    data = file.file.read(excel.MAX_BYTES + 1)
    return asdict(excel.import_xlsx(session, principal, data, publish=publish))


@router.get("/{implementation_code}", response_model=ItemDetailOut)
def read_item(request: Request, session: DbSession, implementation_code: Code) -> dict[str, Any]:
    """One published item with every element of its version in force (404 unknown, 409 retired)."""
    view = service.published_version(session, implementation_code)
    return convert.item_out(view, _lang(request), detail=True)


@router.post("", response_model=ItemDetailOut, status_code=201)
def save_draft(
    request: Request, session: DbSession, principal: CurrentPrincipal, body: ItemIn
) -> dict[str, Any]:
    """A new item (version 1, draft), or the draft of an existing one (the published version is
    not touched).  Stewards of the item's department subtree only."""
    saved = service.save_draft(session, principal, body)
    return convert.item_out(saved.view, _lang(request), detail=True)


@router.post("/{implementation_code}/publish", response_model=ItemDetailOut)
def publish(
    request: Request, session: DbSession, principal: CurrentPrincipal, implementation_code: Code
) -> dict[str, Any]:
    return convert.item_out(
        service.publish(session, principal, implementation_code), _lang(request), detail=True
    )


@router.post("/{implementation_code}/retire", response_model=ItemDetailOut)
def retire(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    implementation_code: Code,
    body: RetireIn,
) -> dict[str, Any]:
    view = service.retire(session, principal, implementation_code, body.reason)
    return convert.item_out(view, _lang(request), detail=True)


@router.delete("/{implementation_code}/draft", status_code=204)
def discard_draft(session: DbSession, principal: CurrentPrincipal, implementation_code: Code) -> None:
    service.discard_draft(session, principal, implementation_code)


@router.get("/{implementation_code}/versions")
def versions(session: DbSession, principal: CurrentPrincipal, implementation_code: Code) -> dict[str, Any]:
    """Every version of an item (stewards): number, status, dates, limits."""
    service.require_manage(principal)
    item, views = service.item_state(session, implementation_code)
    service.check_scope(session, principal, item.department_id, field="item")
    return {
        "implementation_code": item.implementation_code,
        "status": ItemStatus(item.status).value,
        "versions": [
            {
                "id": v.id,
                "version": v.version,
                "status": v.status,
                "name": v.name,
                "legal_limit": v.legal_limit.as_dict(),
                "promised_limit": v.promised_limit.as_dict(),
                "created_at": v.created_at,
                "published_at": v.published_at,
                "note": v.note,
            }
            for v in views
        ],
    }
