"""Staff workbench: queues with counts, case detail with timeline and action forms, hotline intake."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.cases import files, queries, search, service
from zhizhi.cases import schemas as s
from zhizhi.cases.actions import ACTIONS
from zhizhi.cases.enums import LABELS, AppealType, CaseStatus, Channel, Rating, SlaState
from zhizhi.cases.file_endpoints import read_uploads
from zhizhi.cases.filters import FILTER_FIELDS, CaseFilter, parse_filter
from zhizhi.cases.pages import panels
from zhizhi.cases.pages.forms import ACTION, BULK_ACTIONS, action_body, action_fields
from zhizhi.cases.workflow import CASE_LIFECYCLE
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import URGENCY_LABELS, Urgency
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.core.permissions import ROLE_LABELS, Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.http import textguard
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted, is_htmx
from zhizhi.ui.i18n import N_
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
# the queues' names: message keys (queue.<name>), marked for the catalogue check
QUEUE_KEYS = {
    "received": N_("queue.received"),
    "accepted": N_("queue.accepted"),
    "dispatched": N_("queue.dispatched"),
    "in_progress": N_("queue.in_progress"),
    "warning": N_("queue.warning"),
    "overdue": N_("queue.overdue"),
    "replied": N_("queue.replied"),
    "returned": N_("queue.returned"),
    "extension_pending": N_("queue.extension_pending"),
    "supervised": N_("queue.supervised"),
    "bad_rating_review": N_("queue.bad_rating_review"),
    "co_unit_pending": N_("queue.co_unit_pending"),
}

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
                "marks": [(m, *search.MARKS[m]) for m in search.marks(c)],
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
    request: Request,
    session: DbSession,
    principal: Principal,
    queue: str,
    page: int,
    raw: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The work page: queue tabs, the user's saved queues, the filter form and one page of the
    queue's cases that match the filters (a search of everything visible when filters are given
    without a queue). Bad filter values → ``filter_errors`` (the caller answers 422)."""
    lang = i18n.lang_of(request)
    raw = dict(raw or {})
    saved = search.saved_queues(session, principal)
    saved_id = str(raw.get("saved") or "")
    current_saved = next((q for q in saved if str(q.id) == saved_id), None)
    if current_saved is not None:
        raw = {**current_saved.query, **{k: v for k, v in raw.items() if k in FILTER_FIELDS and v}}
    form = {k: str(raw.get(k) or "") for k in FILTER_FIELDS}
    filter_errors = FormErrors(lang)
    filt = CaseFilter()
    try:
        filt = parse_filter(raw)
    except DomainError as exc:
        filter_errors.from_domain(exc)
    searching = not filt.is_empty() and queue not in queries.QUEUES
    page = max(1, min(page, 10_000))
    counts = queries.queue_counts(session, principal)
    if not searching and queue not in queries.QUEUES:
        queue = landing_queue(principal, counts)
    extra = [] if searching else queries.queue_clauses(queue, principal)
    cases: list[Any] = []
    total = 0
    capped = False
    if not filter_errors:
        try:
            cases, total, capped = search.search(
                session, principal, filt, page=page, page_size=PAGE_SIZE, extra=extra
            )
        except DomainError as exc:
            filter_errors.from_domain(exc)
    bulk = None if searching else BULK_ACTIONS.get(queue)
    if bulk and not principal.can(CASE_LIFECYCLE.get(bulk).permission):
        bulk = None
    groups = org.unit_choices_grouped(session) if bulk == "dispatch" else []
    params = filt.as_query() if not filter_errors else {}
    link = urlencode({**({} if searching else {"queue": queue}), **params})
    return {
        "queue": "" if searching else queue,
        "searching": searching,
        "queues": [(q, i18n.MESSAGES.get(QUEUE_KEYS[q], (q, q)), counts.get(q, 0)) for q in queries.QUEUES],
        "saved": saved,
        "saved_current": current_saved,
        "rows": _queue_rows(session, cases),
        "total": total,
        "total_capped": capped,
        "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        "bulk": bulk,
        "bulk_options": groups,
        "bulk_names": {code: name for _, opts in groups for code, name in opts},
        "bulk_errors": FormErrors(lang),
        "bulk_results": [],
        "bulk_form": {},
        "filter_form": form,
        "filter_errors": filter_errors,
        "filter_opts": _filter_options(session, lang, principal),
        "filtered": bool(params),
        "link": link,
        "marks_legend": [(k, *v) for k, v in search.MARKS.items()],
    }


def _filter_options(session: DbSession, lang: str, principal: Principal) -> dict[str, Any]:
    return {
        "status": [(st.value, i18n.translate(f"status.{st.value}", lang)) for st in CaseStatus],
        "channel": [(c.value, i18n.pick(LABELS[c], lang)) for c in Channel],
        "sla_state": [(st.value, i18n.pick(LABELS[st], lang)) for st in SlaState],
        "category": catalogue.category_choices(session, lang),
        "division": queries.district_choices(session),
        "phone": principal.can(Permission.PERSONAL_READ),
    }


@router.get("/work")
def queues(
    request: Request, session: DbSession, principal: Staff, queue: str = "", page: int = 1
) -> Response:
    ctx = queues_context(request, session, principal, queue, page, request.query_params)
    status = 422 if ctx["filter_errors"] else 200
    return render(request, "cases/work/queues.html", ctx, status_code=status, principal=principal)


def _options(session: DbSession, lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "category": catalogue.category_choices(session, lang),
        "rating": [(r.value, i18n.pick(LABELS[r], lang)) for r in Rating],
        "bool": [("true", i18n.translate("yes", lang)), ("false", i18n.translate("no", lang))],
        "approve": [("true", i18n.translate("approve", lang)), ("false", i18n.translate("reject", lang))],
    }


def _panel_context(request: Request, session: DbSession, principal: Principal, number: str) -> dict[str, Any]:
    lang = i18n.lang_of(request)
    case = service.get_case(session, principal, number)
    out = service.to_out(session, case, principal, reveal=True)
    templates, extra = panels.views(session, principal, case, list(out.available_actions))
    groups = org.unit_choices_grouped(session)
    forms = [
        {
            "action": a,
            "label": i18n.translate(f"do.{a}", lang),
            "fields": action_fields(a),
        }
        for a in out.available_actions
    ]
    return {
        **extra.values,
        "c": out,
        "events": service.timeline(session, principal, number, reveal=True),
        "forms": forms,
        "options": _options(session, lang),
        "unit_groups": groups,
        "unit_names": {code: name for _, opts in groups for code, name in opts},
        "action_errors": {},
        "action_forms": _with_category(session, case, extra.prefill, forms),
        "open_action": None,
        "panels": templates,
        "hints": extra.hints,
        "rating_labels": {r.value: LABELS[r] for r in Rating},
        "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
        "attachments": files.of_case(session, case),
        "may_attach": files.may_add(principal, case),
        "photo_actions": files.PHOTO_ACTIONS,
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
        textguard.check_fields(form)  # a multipart form (photos with a reply) skips the middleware
        photos = files.prepare(read_uploads(posted.getlist("photos")), files.FIELD)  # before acting
        if photos and action not in files.PHOTO_ACTIONS:
            raise ValidationFailed("该操作不能附带照片", "this action takes no photos", field=files.FIELD)
        service.perform(session, principal, number, ACTION.validate_python(action_body(action, posted)))
        if photos:
            files.attach_after(session, principal, number, photos)
    except ValidationError as exc:
        errors.from_validation(exc)
        status = 422
    except DomainError as exc:
        errors.from_domain(exc)
        status = exc.status
    if errors:
        session.rollback()  # a refused action keeps nothing (nor the files of its photos)
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


# the languages text messages are written in (notifications): the agent picks the caller's
MESSAGE_LANGUAGES = {"zh": N_("f.language.zh"), "en": N_("f.language.en")}


def intake_options(session: DbSession, lang: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "types": [(t.value, i18n.pick(LABELS[t], lang)) for t in AppealType],
        "channels": [(c.value, i18n.pick(LABELS[c], lang)) for c in INTAKE_CHANNELS],
        "categories": catalogue.category_choices(session, lang),
        "urgencies": [(u.value, i18n.pick(URGENCY_LABELS[u], lang)) for u in Urgency],
        "languages": [(code, i18n.translate(key, lang)) for code, key in MESSAGE_LANGUAGES.items()],
    }


@router.get("/work/intake")
def intake_page(request: Request, session: DbSession, principal: Staff) -> Response:
    ctx = {
        "opts": intake_options(session, i18n.lang_of(request)),
        **files.form_limits(),
        "form": {"channel": "hotline", "appeal_type": "complaint", "urgency": "normal", "language": "zh"},
        "intake_panels": panels.intake_templates(),
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
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
    language: Annotated[str, Form(max_length=5)] = "zh",
) -> Response:
    lang = i18n.lang_of(request)
    raw: dict[str, Any] = {
        "language": language or "zh",
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
        textguard.check_fields(raw | {"latitude": latitude, "longitude": longitude})  # multipart
        prepared = files.prepare(read_uploads(photos), files.FIELD)  # photos first: no case if refused
        raw["latitude"], raw["longitude"] = files.point_of(latitude, longitude, prepared)
        case, _ = service.create_case(session, s.CaseCreate.model_validate(raw), principal)
        files.attach_new(session, case, prepared, principal)
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        errors.from_domain(exc)
        status = exc.status
    if errors:
        session.rollback()  # nothing of a refused intake is kept (its files are deleted too)
        form = {k: (v or "") for k, v in raw.items()}
        ctx = {
            "opts": intake_options(session, lang),
            "form": form,
            "errors": errors,
            "intake_panels": panels.intake_templates(),
            **files.form_limits(),
        }
        return render(request, "cases/work/intake.html", ctx, status_code=status, principal=principal)
    return RedirectResponse(f"/work/cases/{case.number}?done=create", status_code=303)
