"""The cockpit's services tab (一网通办): 好差评 per item, department and window with the open and
overdue rectifications, window throughput, and the electronic supervision lists beside the cases'
SLA lists. The cockpit sits above ``services`` and reads it through its service functions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from zhizhi.cases import queries
from zhizhi.cases.enums import SlaState
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Permission
from zhizhi.http.deps import DbSession
from zhizhi.services.ratings import service as ratings
from zhizhi.services.supervision import service as supervision
from zhizhi.services.window import service as window
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
SPANS = (7, 30, 90, 365)


@router.get("/cockpit/services")
def services_tab(
    request: Request, session: DbSession, principal: Staff, days: Annotated[str, Query(max_length=3)] = "30"
) -> Response:
    if not principal.can(Permission.COCKPIT_READ):
        return error_page(
            request,
            ("驾驶舱仅对领导和督办员开放", "the cockpit is for leaders and supervisors"),
            403,
            principal,
        )
    span = int(days) if days.isdigit() and int(days) in SPANS else 30
    try:
        figures = ratings.figures(session, principal, span)
        watch = supervision.overview(session, principal, limit=20)
        windows = window.statistics(session, principal, days=span)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    _, case_overdue = queries.sla_cases(session, principal, SlaState.OVERDUE)
    _, case_warning = queries.sla_cases(session, principal, SlaState.WARNING)
    ctx = {
        "days": span,
        "spans": SPANS,
        "r": figures,
        "s": watch,
        "w": windows,
        "case_overdue": case_overdue,
        "case_warning": case_warning,
    }
    return render(request, "cockpit/services.html", ctx, principal=principal)
