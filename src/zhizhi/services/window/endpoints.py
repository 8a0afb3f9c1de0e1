"""The window API: windows and seats (administrators), the checklist of an item, receiving at
the clerk's window, reprinting a receipt, and the statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal
from zhizhi.services.window import schemas as s
from zhizhi.services.window import service

router = APIRouter(prefix="/api/v1/window", tags=["services 一窗受理"])
Code = Annotated[str, Path(min_length=1, max_length=20)]


@router.post("/windows", status_code=201, response_model=s.WindowOut)
def create_window(session: DbSession, principal: CurrentPrincipal, body: s.WindowIn) -> s.WindowOut:
    return service.to_out(session, service.create_window(session, principal, body))


@router.get("/windows", response_model=list[s.WindowOut])
def list_windows(session: DbSession, principal: CurrentPrincipal) -> list[s.WindowOut]:
    return [service.to_out(session, w) for w in service.visible_windows(session, principal)]


@router.post("/windows/{code}/clerks", response_model=s.WindowOut)
def assign_clerk(session: DbSession, principal: CurrentPrincipal, code: Code, body: s.ClerkIn) -> s.WindowOut:
    seat = service.assign_clerk(session, principal, code, body.username)
    _ = seat
    return service.to_out(session, service.get_window(session, code))


@router.get("/items/{code}/checklist")
def checklist(
    session: DbSession, principal: CurrentPrincipal, code: Annotated[str, Path(min_length=1, max_length=40)]
) -> dict[str, Any]:
    """The materials of the item's published version, to tick at the window."""
    item = service.checklist(session, principal, code)
    return {
        "item": item.code,
        "name": item.name,
        "version_id": item.version_id,
        "department": item.department_name,
        "case_type": item.case_type,
        "promised_limit": item.promised_limit,
        "materials": [{"code": m.code, "name": m.name, "required": m.required} for m in item.materials],
    }


@router.post("/receptions", response_model=s.ReceiptOut, responses={200: {"model": s.ReceiptOut}})
def receive(session: DbSession, principal: CurrentPrincipal, body: s.ReceiveIn) -> JSONResponse:
    """201 with the receipt when the application was created and forwarded; 200 with the
    one-time notice (``outcome: notice``, ``missing``) when materials are missing — then no
    application exists."""
    _row, receipt = service.receive(session, principal, body)
    return JSONResponse(
        receipt.model_dump(mode="json"), status_code=201 if receipt.outcome == "forwarded" else 200
    )


@router.get("/receptions/{number}", response_model=s.ReceiptOut)
def receipt(
    session: DbSession, principal: CurrentPrincipal, number: Annotated[str, Path(min_length=4, max_length=24)]
) -> s.ReceiptOut:
    return service.receipt_of(session, service.reception(session, principal, number))


@router.get("/statistics")
def statistics(
    session: DbSession,
    principal: CurrentPrincipal,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    window: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    data = service.statistics(session, principal, days=days, window=window)
    return {
        "days": data["days"],
        "since": data["since"].isoformat(),
        "until": data["until"].isoformat(),
        "total": data["total"],
        "windows": [_row(r) for r in data["windows"]],
        "clerks": [_row(r) for r in data["clerks"]],
        "items": [_row(r) for r in data["items"]],
    }


def _row(r: service.StatRow) -> dict[str, Any]:
    return {
        "key": r.key,
        "name": r.name,
        "received": r.received,
        "forwarded": r.forwarded,
        "notices": r.notices,
        "average_seconds": r.average_seconds,
    }
