"""Routing's install hook: subscribe to case events (a new case enqueues its AI suggestions job),
add the AI panel to the case page, queue a first hotspot refresh when a job runner starts.

Run by every composition root through the registry (idempotent); routing's tasks and schedules
are registered from its manifest (``routing.tasks``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.enums import CaseKind
from zhizhi.cases.pages import panels
from zhizhi.cases.service import Case
from zhizhi.core import events, jobs
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.intelligence import cli as nlp_cli
from zhizhi.routing import case_panel, learning, service, tasks


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


def _on_categorised(
    session: Session, *, name: str, case: Case, principal: Principal, payload: dict[str, Any], **_: Any
) -> None:
    if payload.get("category"):
        learning.record_confirmation(
            session, case, principal, name.removeprefix("case."), str(payload["category"])
        )


def _on_merge(
    session: Session, *, case: Case, principal: Principal, payload: dict[str, Any], **_: Any
) -> None:
    service.record_merge_decision(session, case, principal, str(payload.get("parent")))


def install() -> None:
    panels.add(case_panel.CASE_PANEL)
    nlp_cli.use_city_trainer(learning.train_from_cli)
    jobs.on_runner_start(tasks.ensure_hotspots)
    events.subscribe("case.created", _on_created)
    events.subscribe("case.dispatch", _on_dispatch)
    events.subscribe("case.redispatch", _on_dispatch)
    events.subscribe("case.merge", _on_merge)
    for action in ("accept", "dispatch", "close"):
        events.subscribe(f"case.{action}", _on_categorised)
