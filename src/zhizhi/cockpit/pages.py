"""Cockpit for leaders and supervisors: volume, the rates, trend, categories, ranking, SLA lists,
Excel export, and the leader's instruction (指令) that becomes a supervised case."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from openpyxl import Workbook
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.cases import queries, service
from zhizhi.cases.enums import SlaState
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import URGENCY_LABELS, Urgency
from zhizhi.cockpit.outcomes import HIGH_RECURRENCE, HIGH_SATISFACTION, MIN_CLOSED
from zhizhi.cockpit.service import issue_instruction, order_units, outcome_figures
from zhizhi.core import clock, sheets
from zhizhi.core.errors import DomainError, Forbidden
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.routing import hotspots as hotspot_store
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
PERIODS = ("today", "7d", "30d", "month")
RATES = ("response", "resolution", "satisfaction", "on_time")
HEADER = ("部门编码", "部门", "工单数", "已超期", "响应率%", "解决率%", "满意率%", "按时办结率%")
OUTCOME_HEADER = ("已办结", "30天复发", "30天复发率%", "90天复发", "90天复发率%", "满意但复发")


def _require_cockpit(principal: Principal) -> None:
    if not principal.can(Permission.COCKPIT_READ):
        raise Forbidden("驾驶舱仅对领导和督办员开放", "the cockpit is for leaders and supervisors")


def _filters(period: str, category: str, district: str = "") -> tuple[str, str | None, str | None]:
    district = district.strip()
    return (
        (period if period in PERIODS else "30d"),
        (category.strip()[:80] or None),
        (district if district.isdigit() and len(district) == 6 else None),
    )


def _hotspots(session: DbSession) -> dict[str, Any] | None:
    """The newest hotspot snapshot (AI-found, for a person to review), or None before the first run."""
    snap = hotspot_store.latest(session)
    if snap is None:
        return None
    return {
        "computed_at": snap.computed_at,
        "window_days": snap.window_days,
        "cases_considered": snap.cases_considered,
        "items": [h for h in snap.hotspots if isinstance(h, dict)],
    }


def _hotspot_instruction(spots: dict[str, Any] | None, rank: int) -> dict[str, str] | None:
    """Pre-filled instruction form for hotspot ``rank`` (the leader edits and submits it)."""
    if spots is None:
        return None
    for h in spots["items"]:
        if h.get("rank") == rank:
            numbers = [str(n) for n in h.get("case_numbers") or []]
            more = "等" if len(numbers) > 10 else ""
            content = (
                f"热点督办：{h.get('title') or h.get('topic') or ''}"
                f"（{h.get('place') or '—'}，近 {spots['window_days']} 天 "
                f"{h.get('count', 0)} 件诉求、{h.get('people', 0)} 人反映）。请牵头研判、统筹处置并反馈。"
                f"关联工单：{'、'.join(numbers[:10])}{more}"
            )
            return {
                "content": content[:2000],
                "address": str(h.get("place") or "")[:200],
                "urgency": "urgent",
            }
    return None


def _category_names(session: DbSession, rows: list[Any], lang: str) -> list[Any]:
    """The (code, name, count) rows with each category's name in ``lang`` (Chinese fallback)."""
    if lang != "en":
        return rows
    english = {c.code: c.name_en for c in catalogue.categories(session) if c.name_en}
    return [(code, english.get(code, name), n) for code, name, n in rows]


def _data(
    session: DbSession, principal: Principal, period: str, category: str | None, district: str | None
) -> dict[str, Any]:
    span = queries.named_period(period)
    overdue, overdue_total = queries.sla_cases(session, principal, SlaState.OVERDUE)
    warning, warning_total = queries.sla_cases(session, principal, SlaState.WARNING)
    facts = queries.cockpit_facts(session, principal, span, category, district=district)
    recurrence = outcome_figures(session, principal, span, category, district, facts["ranking"])
    facts["ranking"] = order_units(facts["ranking"])
    return {
        "today": queries.volume(session, principal, queries.named_period("today")),
        "month": queries.volume(session, principal, queries.named_period("month")),
        **facts,
        "recurrence": recurrence,
        "recurrence_minutes": get_settings().recurrence_interval_minutes,
        "ranked": get_settings().unit_rankings,
        "flag_rule": {"satisfaction": HIGH_SATISFACTION, "recurrence": HIGH_RECURRENCE, "closed": MIN_CLOSED},
        "daily": queries.daily(session, principal, span, category, district=district),
        "overdue": [service.to_out(session, c, principal) for c in overdue],
        "overdue_total": overdue_total,
        "warning": [service.to_out(session, c, principal) for c in warning],
        "warning_total": warning_total,
        "span": span,
        "hotspots": _hotspots(session),
    }


def _page(
    request: Request,
    session: DbSession,
    principal: Principal,
    period: str,
    category: str | None,
    district: str | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
    hotspot: int = 0,
) -> Response:
    lang = i18n.lang_of(request)
    ctx = _data(session, principal, period, category, district)
    ctx["categories"] = _category_names(session, ctx["categories"], lang)
    ctx |= {
        "period": period,
        "category": category or "",
        "district": district or "",
        "district_options": queries.district_choices(session),
        "periods": [(p, i18n.translate(f"p.{p}", lang)) for p in PERIODS],
        "category_options": [
            (c.code, i18n.data_name(c.name, c.name_en, lang)) for c in catalogue.categories(session)
        ],
        "urgencies": [(u.value, i18n.pick(URGENCY_LABELS[u], lang)) for u in Urgency],
        "rates": RATES,
        "can_instruct": principal.can(Permission.CASE_SUPERVISE),
        "instruct_form": {"urgency": "urgent"},
        "instruct_hotspot": 0,
        "instruct_errors": FormErrors(lang),
    }
    if hotspot and ctx["can_instruct"] and not extra:
        prefill = _hotspot_instruction(ctx["hotspots"], hotspot)
        if prefill:
            ctx.update(instruct_form=prefill, instruct_hotspot=hotspot)
    ctx.update(extra or {})
    return render(request, "cockpit/cockpit.html", ctx, status_code=status_code, principal=principal)


@router.get("/cockpit")
def cockpit(
    request: Request,
    session: DbSession,
    principal: Staff,
    period: str = "30d",
    category: str = "",
    district: str = "",
    hotspot: str = "",
) -> Response:
    try:
        _require_cockpit(principal)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), 403, principal)
    period, cat, dist = _filters(period, category, district)
    rank = int(hotspot) if hotspot.isdigit() and len(hotspot) < 4 else 0
    return _page(request, session, principal, period, cat, dist, hotspot=rank)


@router.get("/cockpit/screen")
def screen(
    request: Request, session: DbSession, principal: Staff, period: str = "30d", district: str = ""
) -> Response:
    """The command-centre mode (大屏): the same figures on a dark 1920×1080 stage."""
    try:
        _require_cockpit(principal)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), 403, principal)
    period, _, dist = _filters(period, "", district)
    ctx = _data(session, principal, period, None, dist) | {
        "period": period,
        "rates": RATES,
        "now": clock.now(),
    }
    ctx["categories"] = _category_names(session, ctx["categories"], i18n.lang_of(request))
    return render(request, "cockpit/screen.html", ctx, principal=principal)


@router.get("/cockpit/export.xlsx")
def export(
    request: Request,
    session: DbSession,
    principal: Staff,
    period: str = "30d",
    category: str = "",
    district: str = "",
) -> Response:
    _require_cockpit(principal)
    period, cat, dist = _filters(period, category, district)
    span = queries.named_period(period)
    rows = queries.department_ranking(session, principal, span, cat, district=dist)
    outcome_figures(session, principal, span, cat, dist, rows)
    rows = order_units(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "部门排行" if get_settings().unit_rankings else "单位办理情况"
    sheet.append(
        [f"统计期间 {span.first_day} — {span.last_day}", f"分类 {cat or '全部'}", f"区县 {dist or '全部'}"]
    )
    sheet.append([*HEADER, *OUTCOME_HEADER])
    for r in rows:
        o = r["outcome"] or {}
        sheet.append(
            sheets.row(
                sheet,
                [
                    r["code"],
                    r["name"],
                    r["total"],
                    r["overdue"],
                    r["response"],
                    r["resolution"],
                    r["satisfaction"],
                    r["on_time"],
                    o.get("closed", 0),
                    o.get("recurred_30", 0),
                    o.get("rate_30"),
                    o.get("recurred_90", 0),
                    o.get("rate_90"),
                    "是" if r["flag"] else "",
                ],
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"zhizhi-ranking-{clock.today_local():%Y%m%d}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/cockpit/instruct", dependencies=[Depends(csrf.verify)])
def instruct(
    request: Request,
    session: DbSession,
    principal: Staff,
    content: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "urgent",
    note: Annotated[str, Form()] = "",
) -> Response:
    _require_cockpit(principal)
    lang = i18n.lang_of(request)
    errors = FormErrors(lang)
    status = 422
    form = {"content": content, "address": address, "category": category, "urgency": urgency, "note": note}
    try:
        case = issue_instruction(
            session,
            principal,
            content=content,
            address=address or None,
            category=category or None,
            urgency=urgency,
            note=note or None,
        )
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        errors.from_domain(exc)
        status = exc.status
    if errors:
        extra = {"instruct_form": form, "instruct_errors": errors}
        return _page(request, session, principal, "30d", None, None, extra, status_code=status)
    return RedirectResponse(f"/work/cases/{case.number}?done=supervise", status_code=303)
