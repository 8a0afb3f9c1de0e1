"""The supervision page (电子监察) for supervisors and leaders; the cockpit shows the same lists."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from zhizhi.core.errors import DomainError
from zhizhi.http.deps import DbSession
from zhizhi.services.supervision import service
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)


@router.get("/services/supervision")
def supervision(request: Request, session: DbSession, principal: Staff) -> Response:
    try:
        data = service.overview(session, principal)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    return render(request, "services/supervision/supervision.html", {"s": data}, principal=principal)
