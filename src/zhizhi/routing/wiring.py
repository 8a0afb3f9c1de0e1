"""Routing's install hook: subscribe to case events, add the AI panel to the case page.

Run by every composition root through the registry (idempotent)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.enums import CaseKind
from zhizhi.cases.pages import panels
from zhizhi.cases.service import Case
from zhizhi.core import events, jobs
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.routing import case_panel, service


def _on_created(session: Session, *, case: Case, **_: Any) -> None:
    if get_settings().ai_mode in ("thread", "inline") and case.kind in (CaseKind.APPEAL, CaseKind.EVENT):
        jobs.defer(session, service.suggest_job, case.id)  # "worker" mode: `zhizhi worker` polls instead


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
    panels.add(case_panel.CASE_PANEL)
    events.subscribe("case.created", _on_created)
    events.subscribe("case.dispatch", _on_dispatch)
    events.subscribe("case.redispatch", _on_dispatch)
    events.subscribe("case.merge", _on_merge)
