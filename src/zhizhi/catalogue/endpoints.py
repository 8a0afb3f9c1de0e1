"""The catalogue API: working-day due dates and calendar years, categories, time limits."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import Field

from zhizhi.catalogue import excel, service, tree
from zhizhi.catalogue.enums import Urgency
from zhizhi.catalogue.schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    DueOut,
    ImportOut,
    TimeLimitIn,
    YearIn,
)
from zhizhi.core import audit
from zhizhi.core.errors import NotFound
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.core.workdays import MAX_WORKING_DAYS
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, require

router = APIRouter(prefix="/api/v1", tags=["catalogue & calendar 目录与日历"])


@router.get("/calendar/due", response_model=DueOut, summary="Working-day due date 工作日到期日")
def due(
    session: DbSession, start: date, working_days: Annotated[int, Query(ge=0, le=MAX_WORKING_DAYS)]
) -> DueOut:
    result = service.due_date(session, start, working_days)
    return DueOut(
        start=start, working_days=working_days, due_date=result.due_date, provisional=result.provisional
    )


@router.get("/calendar/years", summary="Published calendar years 已发布年份")
def years(session: DbSession) -> dict[str, list[int]]:
    return {"years": service.published_years(session)}


@router.put("/calendar/{year}", summary="Import a year (holiday notice) 导入年度节假日")
def import_year(
    year: Annotated[int, Field(ge=2000, le=2100)],
    body: YearIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.CALENDAR_MANAGE))],
) -> dict[str, int]:
    result = service.import_calendar_year(
        session,
        year,
        source=body.source,
        holidays=body.holidays,
        makeup_workdays=body.makeup_workdays,
        actor=principal.actor,
    )
    return {"year": year, "days": result.days}


def _out(session: DbSession, node: tree.TreeNode) -> CategoryOut:
    parent = service.category_info(session, node.info.parent_id) if node.info.parent_id else None
    return CategoryOut(
        code=node.info.code,
        name=node.info.name,
        name_en=node.info.name_en,
        parent=parent.code if parent else None,
        path=node.path,
        depth=node.depth,
        active=node.info.active,
    )


@router.get("/categories", response_model=list[CategoryOut], summary="Categories (the tree) 诉求分类树")
def categories(session: DbSession, include_retired: Annotated[bool, Query()] = False) -> list[CategoryOut]:
    """Every active category in tree order (depth first) with its parent, path and depth."""
    return [_out(session, n) for n in tree.tree(session, include_retired=include_retired, fresh=True)]


Manager = Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))]


@router.post("/categories", response_model=CategoryOut, status_code=201, summary="Add a category 新增分类")
def create_category(body: CategoryIn, session: DbSession, principal: Manager) -> CategoryOut:
    cat = service.create_category(
        session,
        code=body.code,
        name=body.name,
        name_en=body.name_en,
        parent_code=body.parent,
        actor=principal.actor,
    )
    return _node(session, cat.code)


def _node(session: DbSession, code: str) -> CategoryOut:
    node = next((n for n in tree.tree(session, fresh=True) if n.info.code == code), None)
    if node is None:  # pragma: no cover - just written
        raise NotFound("分类不存在", "category not found", field="code")
    return _out(session, node)


@router.patch("/categories/{code}", response_model=CategoryOut, summary="Rename or move 重命名或移动分类")
def change_category(
    code: Annotated[str, Path(max_length=40)], body: CategoryPatch, session: DbSession, principal: Manager
) -> CategoryOut:
    if body.name is not None:
        service.rename_category(session, code, name=body.name, name_en=body.name_en, actor=principal.actor)
    if body.move:
        service.move_category(session, code, parent_code=body.parent, actor=principal.actor)
    return _node(session, code)


@router.post("/categories/{code}/retire", summary="Retire (with its subtree) 停用分类")
def retire_category(
    code: Annotated[str, Path(max_length=40)], session: DbSession, principal: Manager
) -> dict[str, list[str]]:
    return {"retired": [c.code for c in tree.retire_category(session, code, actor=principal.actor)]}


@router.get("/categories/history", summary="Changes of the tree 分类变更记录")
def category_history(
    session: DbSession, _: Manager, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[dict[str, object]]:
    return [h | {"at": h["at"].isoformat()} for h in tree.history(session, limit)]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/categories/export.xlsx", summary="Export the tree (.xlsx) 导出分类")
def export_categories(session: DbSession, principal: Manager) -> Response:
    data = excel.export_xlsx(session)
    audit.record(
        session, "catalogue.categories_exported", principal.actor, object_type="category", object_id="*"
    )
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="categories.xlsx"'}
    )


@router.post("/categories/import", response_model=ImportOut, summary="Import the tree (.xlsx) 导入分类")
def import_categories(session: DbSession, principal: Manager, file: UploadFile) -> ImportOut:
    data = file.file.read(excel.MAX_BYTES + 1)
    return ImportOut(**asdict(excel.import_xlsx(session, data, actor=principal.actor)))


@router.put("/time-limits", summary="Set a time limit 设置办理时限")
def set_time_limit(
    body: TimeLimitIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))],
) -> dict[str, object]:
    row = service.set_time_limit(
        session,
        category_code=body.category,
        urgency=body.urgency,
        amount=body.amount,
        unit=body.unit,
        warning_ratio=body.warning_ratio,
        actor=principal.actor,
    )
    return {"id": row.id, "amount": row.amount, "unit": row.unit}


@router.get("/time-limits/effective", summary="Effective limit for a category × urgency 生效时限")
def effective_limit(
    session: DbSession,
    _: CurrentPrincipal,
    urgency: Urgency,
    category: Annotated[str | None, Query(max_length=80)] = None,
) -> dict[str, object]:
    limit = service.effective_limit(session, category, urgency)
    return {"amount": limit.amount, "unit": limit.unit.value, "warning_ratio": limit.warning_ratio}
