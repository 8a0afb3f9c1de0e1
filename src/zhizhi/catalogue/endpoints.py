"""The catalogue API: working-day due dates and calendar years, categories, time limits."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from zhizhi.catalogue import service
from zhizhi.catalogue.enums import Urgency
from zhizhi.catalogue.schemas import CategoryOut, DueOut, TimeLimitIn, YearIn
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


@router.get("/categories", response_model=list[CategoryOut], summary="Categories 诉求分类")
def categories(session: DbSession) -> list[object]:
    return list(service.categories(session))


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
