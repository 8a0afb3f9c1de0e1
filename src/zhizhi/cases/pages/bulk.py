"""Bulk actions on a workbench queue: accept several received cases, dispatch several to one unit.

Each case goes through ``cases.service.perform`` on its own, inside its own SAVEPOINT
(``session.begin_nested()``): a case that fails (its status changed, another unit's case …) is
rolled back alone and reported next to its number; the others are kept and committed with the
request's unit of work.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.cases import service
from zhizhi.cases.pages.forms import ACTION, BULK_ACTIONS, action_body
from zhizhi.cases.pages.workbench import queues_context
from zhizhi.core.db import savepoint
from zhizhi.core.errors import DomainError
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
MAX_CASES = 50


def _one(session: Session, principal: Principal, number: str, body: Any, lang: str) -> tuple[bool, str]:
    try:
        with savepoint(session):  # a failed case forgets its own audit entries and jobs, nothing else
            service.perform(session, principal, number, body)
    except DomainError as exc:
        return False, i18n.pick((exc.zh, exc.en), lang)
    return True, i18n.translate("bulk.ok", lang)


@router.post("/work/bulk", dependencies=[Depends(csrf.verify)])
def bulk(request: Request, session: DbSession, principal: Staff, posted: Posted) -> Response:
    lang = i18n.lang_of(request)
    queue = str(posted.get("queue") or "")
    action = BULK_ACTIONS.get(queue, "")
    numbers = list(dict.fromkeys(v.strip() for v in posted.getlist("numbers") if isinstance(v, str) and v))
    errors = FormErrors(lang)
    results: list[dict[str, Any]] = []
    status = 200
    try:
        if not action or str(posted.get("action") or "") != action:
            raise DomainError("此队列不支持该批量操作", "this queue has no such bulk action", field="action")
        if not numbers:
            raise DomainError("请至少选择一件工单", "select at least one case", field="numbers")
        if len(numbers) > MAX_CASES:
            raise DomainError(
                f"一次最多 {MAX_CASES} 件", f"at most {MAX_CASES} cases at a time", field="numbers"
            )
        body = ACTION.validate_python(action_body(action, posted))
    except ValidationError as exc:
        errors.from_validation(exc, strip_prefix=f"{action}.")  # "dispatch.lead_department" → field
        status = 422
    except DomainError as exc:
        errors.from_domain(exc)
        status = 422
    if not errors:
        for number in numbers:
            ok, message = _one(session, principal, number[:40], body, lang)
            results.append({"number": number[:40], "ok": ok, "message": message})
    ctx = queues_context(request, session, principal, queue, 1)
    ctx.update(
        bulk_errors=errors,
        bulk_results=results,
        bulk_form={"lead_department": posted.get("lead_department") or ""},
    )
    return render(request, "cases/work/queues.html", ctx, status_code=status, principal=principal)
