"""Staff workbench: queues with counts, case detail with timeline and action forms, hotline intake."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.cases import queries, service
from zhizhi.cases import schemas as s
from zhizhi.cases.actions import ACTIONS
from zhizhi.cases.enums import LABELS, AppealType, Channel, Rating
from zhizhi.cases.messages import QUEUE_LABELS
from zhizhi.cases.pages import panels
from zhizhi.cases.pages.forms import ACTION, BULK_ACTIONS, action_body, action_fields
from zhizhi.cases.workflow import CASE_LIFECYCLE
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import URGENCY_LABELS, Urgency
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import ROLE_LABELS, Role
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted, is_htmx
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20

DEFAULT_QUEUE = {
    Role.INTAKE_AGENT: "received",
    Role.DISPATCHER: "accepted",
    Role.HANDLER: "dispatched",
    Role.GRID_WORKER: "dispatched",
    Role.SUPERVISOR: "overdue",
    Role.LEADER: "overdue",
}


def _queue_rows(session: DbSession, cases: list[Any]) -> list[dict[str, Any]]:
    names = org.department_names(session, [c.lead_department_id for c in cases if c.lead_department_id])
    rows = []
    for c in cases:
        state = service.case_state(c)
        rows.append(
            {
                "number": c.number,
                "subject": c.subject,
                "status": LABELS.get(c.status, (c.status, c.status)),
                "sla_state": state.value,
                "sla": LABELS[state],
                "unit": names.get(c.lead_department_id or 0, "—"),
                "created_at": c.created_at,
                "due_at": c.due_at,
            }
        )
    return rows


def landing_queue(principal: Principal, counts: dict[str, int]) -> str:
    """The queue a bare ``/work`` opens: the role's own queue when it holds cases, else the first
    queue that does (a role never lands on an empty list while it has work elsewhere)."""
    default = DEFAULT_QUEUE.get(principal.role, "in_progress")
    if counts.get(default):
        return default
    return next((q for q in queries.QUEUES if counts.get(q)), default)


def queues_context(
    request: Request, session: DbSession, principal: Principal, queue: str, page: int
) -> dict[str, Any]:
    page = max(1, min(page, 10_000))
    counts = queries.queue_counts(session, principal)
    if queue not in queries.QUEUES:
        queue = landing_queue(principal, counts)
    cases, total = queries.queue_page(session, principal, queue, page=page, page_size=PAGE_SIZE)
    bulk = BULK_ACTIONS.get(queue)
    if bulk and not principal.can(CASE_LIFECYCLE.get(bulk).permission):
        bulk = None
    return {
        "queue": queue,
        "queues": [(q, QUEUE_LABELS[q], counts[q]) for q in queries.QUEUES],
        "rows": _queue_rows(session, cases),
        "total": total,
        "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        "bulk": bulk,
        "bulk_options": org.department_choices(session) if bulk == "dispatch" else [],
        "bulk_errors": FormErrors(i18n.lang_of(request)),
        "bulk_results": [],
        "bulk_form": {},
    }


@router.get("/work")
def queues(
    request: Request, session: DbSession, principal: Staff, queue: str = "", page: int = 1
) -> Response:
    ctx = queues_context(request, session, principal, queue, page)
    return render(request, "cases/work/queues.html", ctx, principal=principal)


def _options(session: DbSession, lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "department": org.department_choices(session),
        "category": catalogue.category_choices(session),
        "rating": [(r.value, i18n.pick(LABELS[r], lang)) for r in Rating],
        "bool": [("true", i18n.translate("yes", lang)), ("false", i18n.translate("no", lang))],
        "approve": [("true", i18n.translate("approve", lang)), ("false", i18n.translate("reject", lang))],
    }


def _panel_context(request: Request, session: DbSession, principal: Principal, number: str) -> dict[str, Any]:
    lang = i18n.lang_of(request)
    case = service.get_case(session, principal, number)
    out = service.to_out(session, case, principal, reveal=True)
    templates, extra = panels.views(session, case, list(out.available_actions))
    forms = [
        {
            "action": a,
            "label": (CASE_LIFECYCLE.get(a).zh, CASE_LIFECYCLE.get(a).en),
            "fields": action_fields(a),
        }
        for a in out.available_actions
    ]
    return {
        **extra.values,
        "c": out,
        "events": service.timeline(session, principal, number),
        "forms": forms,
        "options": _options(session, lang),
        "action_errors": {},
        "action_forms": _with_category(session, case, extra.prefill, forms),
        "open_action": None,
        "panels": templates,
        "hints": extra.hints,
        "rating_labels": {r.value: LABELS[r] for r in Rating},
        "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
    }


def _with_category(
    session: DbSession, case: Any, prefill: dict[str, dict[str, str]], forms: list[dict[str, Any]]
) -> dict[str, dict[str, str]]:
    """The category field starts at the case's category (else a panel's proposal, e.g. the AI's)."""
    info = catalogue.category_info(session, case.category_id) if case.category_id else None
    out = {action: dict(values) for action, values in prefill.items()}
    for f in forms:
        if info is not None and any(fld.name == "category" for fld in f["fields"]):
            out.setdefault(f["action"], {})["category"] = info.code
    return out


def _error_page(request: Request, principal: Principal, exc: DomainError) -> Response:
    return error_page(request, (exc.zh, exc.en), exc.status, principal)


@router.get("/work/cases/{number}")
def case_detail(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    try:
        ctx = _panel_context(request, session, principal, number)
    except DomainError as exc:
        return _error_page(request, principal, exc)
    return render(request, "cases/work/case.html", ctx, principal=principal)


@router.post("/work/cases/{number}/act", dependencies=[Depends(csrf.verify)])
def act(request: Request, session: DbSession, principal: Staff, number: str, posted: Posted) -> Response:
    lang = i18n.lang_of(request)
    action = str(posted.get("action") or "")
    errors = FormErrors(lang)
    status = 200
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    try:
        if action not in ACTIONS:
            raise DomainError("操作类型无效", "unknown action", field="action")
        service.perform(session, principal, number, ACTION.validate_python(action_body(action, posted)))
    except ValidationError as exc:
        errors.from_validation(exc)
        status = 422
    except DomainError as exc:
        errors.from_domain(exc)
        status = exc.status
    if not errors and not is_htmx(request):
        return RedirectResponse(f"/work/cases/{number}?done={action}", status_code=303)
    try:
        ctx = _panel_context(request, session, principal, number)
    except DomainError as exc:  # e.g. the unit no longer sees the case after a return
        if not errors:
            return RedirectResponse("/work", status_code=303)
        return _error_page(request, principal, exc)
    if errors:
        forms = ctx["action_forms"] | {action: form}
        ctx.update(action_errors={action: errors}, action_forms=forms, open_action=action)
    else:
        ctx["done"] = action
    template = "cases/work/_panel.html" if is_htmx(request) else "cases/work/case.html"
    return render(request, template, ctx, status_code=status, principal=principal)


# ---- hotline intake ---------------------------------------------------------------------------

INTAKE_CHANNELS = [Channel.HOTLINE, Channel.WINDOW, Channel.GRID, Channel.SYSTEM]


def _intake_options(session: DbSession, lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "types": [(t.value, i18n.pick(LABELS[t], lang)) for t in AppealType],
        "channels": [(c.value, i18n.pick(LABELS[c], lang)) for c in INTAKE_CHANNELS],
        "categories": catalogue.category_choices(session),
        "urgencies": [(u.value, i18n.pick(URGENCY_LABELS[u], lang)) for u in Urgency],
    }


@router.get("/work/intake")
def intake_page(request: Request, session: DbSession, principal: Staff) -> Response:
    ctx = {
        "opts": _intake_options(session, i18n.lang_of(request)),
        "form": {"channel": "hotline", "appeal_type": "complaint", "urgency": "normal"},
    }
    return render(request, "cases/work/intake.html", ctx, principal=principal)


@router.post("/work/intake", dependencies=[Depends(csrf.verify)])
def intake(
    request: Request,
    session: DbSession,
    principal: Staff,
    appeal_type: Annotated[str, Form()] = "complaint",
    channel: Annotated[str, Form()] = "hotline",
    category: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "normal",
    content: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    contact_name: Annotated[str, Form()] = "",
    contact_phone: Annotated[str, Form()] = "",
    confidential: Annotated[str | None, Form()] = None,
) -> Response:
    lang = i18n.lang_of(request)
    raw = {
        "appeal_type": appeal_type,
        "channel": channel,
        "category": category or None,
        "urgency": urgency,
        "content": content,
        "address": address or None,
        "contact_name": contact_name or None,
        "contact_phone": contact_phone or None,
        "confidential": bool(confidential),
    }
    errors = FormErrors(lang)
    status = 422
    try:
        case, _ = service.create_case(session, s.CaseCreate.model_validate(raw), principal)
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        errors.from_domain(exc)
        status = exc.status
    if errors:
        form = {k: (v or "") for k, v in raw.items()}
        ctx = {"opts": _intake_options(session, lang), "form": form, "errors": errors}
        return render(request, "cases/work/intake.html", ctx, status_code=status, principal=principal)
    return RedirectResponse(f"/work/cases/{case.number}?done=create", status_code=303)
