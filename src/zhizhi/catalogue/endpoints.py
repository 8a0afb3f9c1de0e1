from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.catalogue import service
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.core import audit
from zhizhi.core.calendar_store import (
    days_from_chinese_calendar,
    days_from_notice,
    load_calendar,
    published_years,
    replace_year,
)
from zhizhi.core.errors import ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.core.workdays import MAX_DATE, MAX_WORKING_DAYS, MIN_DATE
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, require
from zhizhi.org.schemas import Principal

router = APIRouter(prefix="/api/v1", tags=["catalogue & calendar 目录与日历"])


class DueOut(BaseModel):
    start: date
    working_days: int
    due_date: date
    provisional: bool


@router.get("/calendar/due", response_model=DueOut, summary="Working-day due date 工作日到期日")
def due(
    session: DbSession, start: date, working_days: Annotated[int, Query(ge=0, le=MAX_WORKING_DAYS)]
) -> DueOut:
    if not MIN_DATE <= start <= MAX_DATE:
        raise ValidationFailed(
            f"起始日期应在 {MIN_DATE} 至 {MAX_DATE} 之间",
            f"start must be within {MIN_DATE}..{MAX_DATE}",
            field="start",
        )
    result = load_calendar(session).add_working_days(start, working_days)
    return DueOut(
        start=start, working_days=working_days, due_date=result.due_date, provisional=result.provisional
    )


@router.get("/calendar/years", summary="Published calendar years 已发布年份")
def years(session: DbSession) -> dict[str, list[int]]:
    return {"years": published_years(session)}


class YearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Literal["chinese_calendar", "notice"] = "notice"
    holidays: Annotated[list[date], Field(max_length=60)] = []
    makeup_workdays: Annotated[list[date], Field(max_length=30)] = []


@router.put("/calendar/{year}", summary="Import a year (holiday notice) 导入年度节假日")
def import_year(
    year: Annotated[int, Field(ge=2000, le=2100)],
    body: YearIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.CALENDAR_MANAGE))],
) -> dict[str, int]:
    days = (
        days_from_chinese_calendar(year)
        if body.source == "chinese_calendar"
        else days_from_notice(year, body.holidays, body.makeup_workdays)
    )
    count = replace_year(session, year, days, body.source)
    audit.record(
        session,
        "calendar.import",
        principal.actor,
        object_type="calendar",
        object_id=year,
        source=body.source,
        holidays=len(body.holidays),
        makeup=len(body.makeup_workdays),
    )
    return {"year": year, "days": count}


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    name_en: str | None


@router.get("/categories", response_model=list[CategoryOut], summary="Categories 诉求分类")
def categories(session: DbSession) -> list[object]:
    return list(service.categories(session))


class TimeLimitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Annotated[str, Field(max_length=80)] | None = None
    urgency: Urgency
    amount: Annotated[int, Field(ge=1, le=3660)]
    unit: LimitUnit
    warning_ratio: Annotated[float, Field(gt=0, lt=1)] | None = None


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
    cat = service.category_by_code(session, category) if category else None
    limit = service.time_limit_for(session, cat.id if cat else None, urgency)
    return {"amount": limit.amount, "unit": limit.unit.value, "warning_ratio": limit.warning_ratio}
