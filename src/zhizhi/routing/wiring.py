"""Subscribe routing to case events and declare its jobs (called by each composition root)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.enums import CaseKind
from zhizhi.cases.models import Case
from zhizhi.core import events, jobs
from zhizhi.core.settings import get_settings
from zhizhi.org.schemas import Principal
from zhizhi.routing import service, tasks


def _on_created(session: Session, *, case: Case, **_: Any) -> None:
    if get_settings().ai_mode == "on" and case.kind in (CaseKind.APPEAL, CaseKind.EVENT):
        jobs.enqueue(session, tasks.suggest, case_id=case.id)  # in the intake's unit of work


def _on_dispatch(
    session: Session,
    *,
    case: Case,
    principal: Principal,
    payload: dict[str, Any],
    reason: str | None,
    **_: Any,
) -> None:
    service.record_dispatch_decision(session, case, principal, str(payload.get("lead_department")), reason)


def _on_merge(
    session: Session, *, case: Case, principal: Principal, payload: dict[str, Any], **_: Any
) -> None:
    service.record_merge_decision(session, case, principal, str(payload.get("parent")))


def install() -> None:
    tasks.install()
    events.subscribe("case.created", _on_created)
    events.subscribe("case.dispatch", _on_dispatch)
    events.subscribe("case.redispatch", _on_dispatch)
    events.subscribe("case.merge", _on_merge)
