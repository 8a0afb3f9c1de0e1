"""The user's saved queues (自定义队列) as an API: list, save, delete; the same service as the
workbench page (``cases.search``), per user, audited, errors in both languages.

``GET /api/v1/queues/saved`` lists the caller's queues with the filter of each and the link that
runs it (``GET /api/v1/cases?…``); ``POST`` saves ``{"name": …, "filter": {…}}`` (the filter's
fields are the search's, ``cases.filters.CaseFilter``); ``DELETE /{id}`` removes one of the
caller's own (another user's is 404, as if it did not exist)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.cases import search
from zhizhi.cases.filters import CaseFilter
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal

router = APIRouter(prefix="/api/v1/queues", tags=["cases 工单"])


class SavedQueueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=40)]
    filter: CaseFilter


class SavedQueueOut(BaseModel):
    id: int
    name: str
    filter: dict[str, str]
    url: str
    created_at: datetime


def _out(row: Any) -> SavedQueueOut:
    query = dict(row.query)
    return SavedQueueOut(
        id=row.id,
        name=row.name,
        filter=query,
        url="/api/v1/cases?" + urlencode(query),
        created_at=row.created_at,
    )


@router.get("/saved", response_model=list[SavedQueueOut], summary="My saved queues 我的自定义队列")
def list_saved(session: DbSession, principal: CurrentPrincipal) -> list[SavedQueueOut]:
    search.require_staff(principal)
    return [_out(r) for r in search.saved_queues(session, principal)]


@router.post("/saved", response_model=SavedQueueOut, status_code=201, summary="Save a queue 保存队列")
def save(body: SavedQueueIn, session: DbSession, principal: CurrentPrincipal) -> SavedQueueOut:
    search.require_staff(principal)
    row = search.save_queue(session, principal, body.name, body.filter.as_query())
    session.flush()
    return _out(row)


@router.delete("/saved/{queue_id}", status_code=204, summary="Delete a saved queue 删除队列")
def delete(
    queue_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: DbSession, principal: CurrentPrincipal
) -> None:
    search.require_staff(principal)
    search.delete_queue(session, principal, queue_id)
