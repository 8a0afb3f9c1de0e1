"""The supervision API: the same three lists as the page."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal
from zhizhi.services.supervision import service

router = APIRouter(prefix="/api/v1/service-supervision", tags=["services 电子监察"])


@router.get("")
def overview(session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    """Applications overdue or at risk (promised and legal deadlines), items whose median real
    handling time exceeds the promise, refusals and denials without a cited legal basis."""
    data = service.overview(session, principal)
    return {
        "late": [
            {
                "number": r.a.number,
                "status": r.a.status,
                "item_code": r.a.item_code,
                "item_name": r.a.item_name,
                "department": r.department,
                "promised_due": r.a.promised_due,
                "legal_due": r.a.legal_due,
                "promised": r.j.promised,
                "legal": r.j.legal,
                "days_left": r.j.days_left,
            }
            for r in data["late"]
        ],
        "overdue_total": data["overdue_total"],
        "at_risk_total": data["at_risk_total"],
        "slow_items": [asdict(r) for r in data["slow"]],
        "unfounded": [
            {
                "number": r.r.number,
                "kind": r.r.kind,
                "item_code": r.r.item_code,
                "item_name": r.r.item_name,
                "department": r.department,
                "basis": r.r.basis,
                "at": r.r.at,
            }
            for r in data["unfounded"]
        ],
    }
