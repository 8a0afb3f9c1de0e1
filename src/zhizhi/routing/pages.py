"""Routing's section of the administration hub: the dispatch catalogue (派单目录).

The handlers parse the form and call ``routing.service`` (which validates and audits exactly as
for the JSON API); a refused form shows the hub again with the section's errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.catalogue import service as catalogue
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.routing import learning, service
from zhizhi.ui import admin, csrf, i18n
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)


def rules_section(session: Session, lang: str) -> Mapping[str, Any]:
    rules = service.active_rules(session)
    depts = org.department_names(
        session, [i for r in rules for i in [r.lead_department_id, *r.co_department_ids] if i]
    )
    anywhere = i18n.translate("rule.any", lang)
    rows = []
    for r in rules:
        cat = catalogue.category_info(session, r.category_id) if r.category_id else None
        rows.append(
            {
                "id": r.id,
                "priority": r.priority,
                "category": cat.name if cat else anywhere,
                "prefix": r.division_prefix or anywhere,
                "lead": i18n.translate("rule.territorial", lang)
                if r.use_territorial
                else depts.get(r.lead_department_id or 0, "—"),
                "co": "、".join(depts[i] for i in r.co_department_ids if i in depts),
                "note": r.note or "",
            }
        )
    return {
        "rules": rows,
        "categories": catalogue.category_choices(session, lang),
        "departments": [(d.code, d.name) for d in org.departments(session, active_only=False)],
    }


def classifier_section(session: Session, lang: str) -> Mapping[str, Any]:
    """The model in use, its training date, its accuracy on the city's newest held-back confirmed
    cases (before → after the retraining), and the categories without enough samples."""
    status = learning.model_status(session)
    details = status["details"]
    names = dict(catalogue.category_choices(session, lang))
    samples = [(names.get(c, c), n) for c, n in (details.get("samples") or {}).items()]
    lacking = [names.get(c, c) for c in details.get("uncovered_first_level") or []]
    lacking += [names.get(c, c) for c in details.get("insufficient") or []]
    return status | {
        "samples": sorted(samples),
        "lacking": lacking,
        "holdout": details.get("holdout") or {},
        "before": details.get("holdout_before") or {},
        "training": learning.latest_training(session),
    }


ADMIN_SECTIONS = (
    AdminSection("rule", "rules", "admin.rules", "routing/admin_rules.html", rules_section, 50),
    AdminSection(
        "classifier",
        "classifier",
        "admin.classifier",
        "routing/admin_classifier.html",
        classifier_section,
        65,
    ),
)


@router.post("/admin/classifier/train", dependencies=[Depends(csrf.verify)])
def train_classifier(request: Request, session: DbSession, principal: Staff) -> Response:
    """Queue a retraining (the job queue runs it; the page shows the new model once done)."""
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    learning.request_training(session, principal)
    return RedirectResponse("/admin?done=classifier#classifier", status_code=303)


@router.get("/admin/classifier/training")
def training_state(request: Request, session: DbSession, principal: Staff) -> Response:
    """The retraining box of the classifier page, alone: htmx polls it every 3 s while a
    retraining is queued or running (no script of ours, CSP-safe); once finished the box it
    returns no longer polls."""
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    ctx = {"tr": learning.latest_training(session)}
    return render(request, "routing/clf_training.html", ctx, principal=principal)


def _above_form(exc: DomainError) -> DomainError:
    """A retire button has no field of its own: show its error above the section's form."""
    return type(exc)(exc.zh, exc.en)


def _priority(text: str) -> int:
    value = text.strip() or "100"
    if not value.isdigit():
        raise ValidationFailed(
            "优先级应为 0–100000 的整数", "the priority is a whole number 0–100000", field="priority"
        )
    return int(value)


@router.post("/admin/rules", dependencies=[Depends(csrf.verify)])
def create_rule(
    request: Request,
    session: DbSession,
    principal: Staff,
    priority: Annotated[str, Form(max_length=10)] = "100",
    category: Annotated[str, Form(max_length=40)] = "",
    division_prefix: Annotated[str, Form(max_length=40)] = "",
    lead_department: Annotated[str, Form(max_length=40)] = "",
    co_departments: Annotated[list[str] | None, Form()] = None,
    use_territorial: Annotated[str | None, Form()] = None,
    note: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    form = {
        "priority": priority,
        "category": category,
        "division_prefix": division_prefix,
        "lead_department": lead_department,
        "use_territorial": "on" if use_territorial else "",
        "note": note,
    }
    try:
        service.create_dispatch_rule(
            session,
            priority=_priority(priority),
            category=category or None,
            division_prefix=division_prefix,
            lead_department=lead_department or None,
            co_departments=[c for c in (co_departments or [])[:10] if c],
            use_territorial=bool(use_territorial),
            note=note,
            actor=principal.actor,
        )
    except DomainError as exc:
        return admin.refused(request, session, principal, "rule", exc, form)
    return RedirectResponse("/admin?done=rule#rules", status_code=303)


@router.post("/admin/rules/{rule_id}/retire", dependencies=[Depends(csrf.verify)])
def retire_rule(request: Request, session: DbSession, principal: Staff, rule_id: int) -> Response:
    admin.require(principal, Permission.CATALOGUE_MANAGE)
    try:
        if not 1 <= rule_id < 2**31:
            raise ValidationFailed("规则编号无效", "invalid rule id", field="rule_id")
        service.retire_dispatch_rule(session, rule_id, actor=principal.actor)
    except DomainError as exc:
        return admin.refused(request, session, principal, "rule", _above_form(exc), {})
    return RedirectResponse("/admin?done=rule#rules", status_code=303)
