"""Staff workbench: queues with counts, case detail with timeline and action forms, hotline intake."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from zhizhi.cases import queries, service
from zhizhi.cases import schemas as s
from zhizhi.cases.enums import LABELS, AppealType, Channel, Rating
from zhizhi.cases.workflow import CASE_LIFECYCLE
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import URGENCY_LABELS, Urgency
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import ROLE_LABELS, Role
from zhizhi.http.deps import DbSession
from zhizhi.org.schemas import Principal
from zhizhi.pages import csrf, i18n
from zhizhi.pages import suggestions as ai_panel
from zhizhi.pages.common import FormErrors, Staff, is_htmx, render

router = APIRouter(include_in_schema=False)
ACTION = TypeAdapter(s.ActionIn)
PAGE_SIZE = 20

DEFAULT_QUEUE = {
    Role.INTAKE_AGENT: "received",
    Role.DISPATCHER: "accepted",
    Role.HANDLER: "dispatched",
    Role.GRID_WORKER: "dispatched",
    Role.SUPERVISOR: "overdue",
    Role.LEADER: "overdue",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # i18n key
    kind: str = "text"  # text | textarea | department | departments | rating | bool | approve | number
    required: bool = False


def _f(name: str, label: str, kind: str = "text", required: bool = False) -> Field:
    return Field(name, label, kind, required)


_NOTE = _f("note", "f.note", "textarea")
_REASON = _f("reason", "f.reason", "textarea", True)
ACTION_FIELDS: dict[str, list[Field]] = {
    "accept": [_NOTE],
    "answer_directly": [_f("reply", "f.reply", "textarea", True)],
    "dispatch": [
        _f("lead_department", "f.lead_department", "department", True),
        _f("co_departments", "f.co_departments", "departments"),
        _NOTE,
    ],
    "sign": [_NOTE],
    "handle": [_f("note", "f.note", "textarea", True)],
    "reply": [_f("reply", "f.reply", "textarea", True)],
    "return": [_REASON],
    "redispatch": [
        _f("lead_department", "f.lead_department", "department", True),
        _f("co_departments", "f.co_departments", "departments"),
        _REASON,
    ],
    "reject_return": [_REASON],
    "request_extension": [_f("amount", "f.amount", "number", True), _REASON],
    "approve_extension": [
        _f("approved", "f.approved", "approve", True),
        _f("reason", "f.reason", "textarea"),
    ],
    "suspend": [_REASON],
    "resume": [_NOTE],
    "supervise": [_f("note", "f.note", "textarea", True)],
    "rate": [
        _f("rating", "f.rating", "rating", True),
        _f("resolved", "f.resolved", "bool", True),
        _f("comment", "f.comment", "textarea"),
    ],
    "close": [_f("reason", "f.reason", "textarea")],
    "reopen": [_REASON],
    "merge": [_f("parent", "f.parent", "text", True), _f("reason", "f.reason", "textarea")],
}


async def form_data(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(form_data)]


def _queue_rows(session: DbSession, cases: list[Any]) -> list[dict[str, Any]]:
    names = queries.department_names(session, [c.lead_department_id for c in cases if c.lead_department_id])
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


# bulk actions offered on a queue (queue → action), when the caller holds the action's permission
BULK_ACTIONS = {"received": "accept", "accepted": "dispatch"}


def queues_context(
    request: Request, session: DbSession, principal: Principal, queue: str, page: int
) -> dict[str, Any]:
    queue = queue if queue in queries.QUEUES else DEFAULT_QUEUE.get(principal.role, "in_progress")
    page = max(1, min(page, 10_000))
    counts = queries.queue_counts(session, principal)
    cases, total = queries.queue_page(session, principal, queue, page=page, page_size=PAGE_SIZE)
    bulk = BULK_ACTIONS.get(queue)
    if bulk and not principal.can(CASE_LIFECYCLE.get(bulk).permission):
        bulk = None
    return {
        "queue": queue,
        "queues": [(q, i18n.Q[q], counts[q]) for q in queries.QUEUES],
        "rows": _queue_rows(session, cases),
        "total": total,
        "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        "bulk": bulk,
        "bulk_options": queries.department_choices(session) if bulk == "dispatch" else [],
        "bulk_errors": FormErrors(i18n.lang_of(request)),
        "bulk_results": [],
        "bulk_form": {},
    }


@router.get("/work")
def queues(
    request: Request, session: DbSession, principal: Staff, queue: str = "", page: int = 1
) -> Response:
    ctx = queues_context(request, session, principal, queue, page)
    return render(request, "work/queues.html", ctx, principal=principal)


def _options(session: DbSession, lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "department": queries.department_choices(session),
        "rating": [(r.value, i18n.pick(LABELS[r], lang)) for r in Rating],
        "bool": [("true", i18n.translate("yes", lang)), ("false", i18n.translate("no", lang))],
        "approve": [("true", i18n.translate("approve", lang)), ("false", i18n.translate("reject", lang))],
    }


def _panel_context(request: Request, session: DbSession, principal: Principal, number: str) -> dict[str, Any]:
    lang = i18n.lang_of(request)
    case = service.get_case(session, principal, number)
    out = service.to_out(session, case, principal, reveal=True)
    ai = ai_panel.panel(session, case)
    forms = [
        {
            "action": a,
            "label": (CASE_LIFECYCLE.get(a).zh, CASE_LIFECYCLE.get(a).en),
            "fields": ACTION_FIELDS.get(a, []),
        }
        for a in out.available_actions
    ]
    return {
        "c": out,
        "events": service.timeline(session, principal, number),
        "forms": forms,
        "options": _options(session, lang),
        "action_errors": {},
        "action_forms": ai_panel.prefill(ai, list(out.available_actions)),
        "open_action": None,
        "ai": ai,
        "ai_label": ai_panel.LABEL,
        "merge_candidates": ai_panel.merge_candidates(ai),
        "rating_labels": {r.value: LABELS[r] for r in Rating},
        "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
    }


def _error_page(request: Request, principal: Principal, exc: DomainError) -> Response:
    message = i18n.pick((exc.zh, exc.en), i18n.lang_of(request))
    return render(request, "error.html", {"message": message}, status_code=exc.status, principal=principal)


@router.get("/work/cases/{number}")
def case_detail(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    try:
        ctx = _panel_context(request, session, principal, number)
    except DomainError as exc:
        return _error_page(request, principal, exc)
    return render(request, "work/case.html", ctx, principal=principal)


def action_body(action: str, posted: FormData) -> dict[str, Any]:
    body: dict[str, Any] = {"action": action}
    for field in ACTION_FIELDS.get(action, []):
        if field.kind == "departments":
            values = [v for v in posted.getlist(field.name) if isinstance(v, str) and v]
            if values:
                body[field.name] = values
            continue
        raw = posted.get(field.name)
        value = raw.strip() if isinstance(raw, str) else ""
        if value or field.required:
            body[field.name] = value
    return body


@router.post("/work/cases/{number}/act", dependencies=[Depends(csrf.verify)])
def act(request: Request, session: DbSession, principal: Staff, number: str, posted: Posted) -> Response:
    lang = i18n.lang_of(request)
    action = str(posted.get("action") or "")
    errors = FormErrors(lang)
    status = 200
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    try:
        if action not in ACTION_FIELDS:
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
    template = "work/_panel.html" if is_htmx(request) else "work/case.html"
    return render(request, template, ctx, status_code=status, principal=principal)


# ---- hotline intake ---------------------------------------------------------------------------

INTAKE_CHANNELS = [Channel.HOTLINE, Channel.WINDOW, Channel.GRID, Channel.SYSTEM]


def _intake_options(session: DbSession, lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "types": [(t.value, i18n.pick(LABELS[t], lang)) for t in AppealType],
        "channels": [(c.value, i18n.pick(LABELS[c], lang)) for c in INTAKE_CHANNELS],
        "categories": [(c.code, c.name) for c in catalogue.categories(session)],
        "urgencies": [(u.value, i18n.pick(URGENCY_LABELS[u], lang)) for u in Urgency],
    }


@router.get("/work/intake")
def intake_page(request: Request, session: DbSession, principal: Staff) -> Response:
    ctx = {
        "opts": _intake_options(session, i18n.lang_of(request)),
        "form": {"channel": "hotline", "appeal_type": "complaint", "urgency": "normal"},
    }
    return render(request, "work/intake.html", ctx, principal=principal)


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
        return render(request, "work/intake.html", ctx, status_code=status, principal=principal)
    return RedirectResponse(f"/work/cases/{case.number}?done=create", status_code=303)
