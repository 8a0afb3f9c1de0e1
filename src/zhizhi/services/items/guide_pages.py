"""The public service guide (办事指南): search the items in force by name, topic (个人 / 法人 and
life events), department and place; one item's guide (readable on a phone, printable); the
"apply online" entry for items handled online (``/services/apply/{code}``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.services.items import service
from zhizhi.services.items.endpoints import department_filter, parse_topic, parse_type
from zhizhi.services.items.enums import (
    APPLICANT_TYPE_LABELS,
    AUDIENCE_LABELS,
    CASE_TYPE_LABELS,
    HANDLING_FORM_LABELS,
    ITEM_TYPE_LABELS,
    LEVEL_LABELS,
    LIFE_EVENT_LABELS,
    LIMIT_UNIT_LABELS,
    MATERIAL_FORM_LABELS,
    ONLINE_DEPTH_LABELS,
    RESULT_TYPE_LABELS,
    SOURCE_LABELS,
    SPECIAL_PROCEDURE_LABELS,
    Audience,
    LifeEvent,
)
from zhizhi.services.items.schemas import ItemVersionView
from zhizhi.ui import i18n
from zhizhi.ui.session import MaybeStaff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def _label(labels: dict[Any, tuple[str, str]], value: Any) -> tuple[str, str]:
    for key, pair in labels.items():
        if str(key.value) == str(value):
            return pair
    return (str(value), str(value))


def limit_text(limit: Any, lang: str) -> str:
    zh, en = LIMIT_UNIT_LABELS[next(u for u in LIMIT_UNIT_LABELS if u.value == limit.unit)]
    return f"{limit.value} {en}" if lang == "en" else f"{limit.value}{zh}"


def card(v: ItemVersionView, lang: str) -> dict[str, Any]:
    return {
        "v": v,
        "href": f"/services/guide/{v.implementation_code}",
        "type": _label(ITEM_TYPE_LABELS, v.type),
        "case_type": _label(CASE_TYPE_LABELS, v.case_type),
        "promised": limit_text(v.promised_limit, lang),
        "legal": limit_text(v.legal_limit, lang),
    }


@router.get("/services")
def guide_home(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    q: Annotated[str, Query(max_length=100)] = "",
    topic: Annotated[str, Query(max_length=40)] = "",
    department: Annotated[str, Query(max_length=40)] = "",
    place: Annotated[str, Query(max_length=60)] = "",
    type: Annotated[str, Query(max_length=4)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    lang = i18n.lang_of(request)
    f = service.ItemFilter(
        q=q.strip() or None,
        type=parse_type(type),
        department_ids=department_filter(session, department),
        topic=parse_topic(topic),
        place=place.strip() or None,
    )
    views, total = service.search(session, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    counts = service.topic_counts(session)
    used = org.departments_by_ids(session, service.department_ids_in_use(session))
    params = {"q": q, "topic": topic, "department": department, "place": place, "type": type}
    base = {k: v for k, v in params.items() if v}
    ctx = {
        "params": params,
        "rows": [card(v, lang) for v in views],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "prev": "/services?" + urlencode(base | {"page": page - 1}) if page > 1 else "",
        "next": "/services?" + urlencode(base | {"page": page + 1}) if page * PAGE_SIZE < total else "",
        "audiences": [(a.value, AUDIENCE_LABELS[a], counts.get(a.value, 0)) for a in Audience],
        "events": [
            (e.value, LIFE_EVENT_LABELS[e], counts.get(e.value, 0)) for e in LifeEvent if counts.get(e.value)
        ],
        "departments": sorted(((d.code, d.name) for d in used.values()), key=lambda p: p[0]),
        "types": [(t.value, pair) for t, pair in ITEM_TYPE_LABELS.items()],
        "topic_label": _topic_label(topic),
        "filtered": bool(base),
    }
    return render(request, "services/guide.html", ctx, principal=principal)


def _topic_label(topic: str) -> tuple[str, str] | None:
    for labels in (AUDIENCE_LABELS, LIFE_EVENT_LABELS):
        for key, pair in labels.items():
            if key.value == topic:
                return pair
    return None


def guide_context(v: ItemVersionView, lang: str) -> dict[str, Any]:
    """Everything the guide page (and its printable form) shows of one version."""
    return {
        "v": v,
        "c": card(v, lang),
        "level": LEVEL_LABELS.get(next(k for k in LEVEL_LABELS if k.value == v.level), ("", "")),
        "applicants": [_label(APPLICANT_TYPE_LABELS, a) for a in v.applicant_types],
        "forms": [_label(HANDLING_FORM_LABELS, f) for f in v.handling_forms],
        "depth": _label(ONLINE_DEPTH_LABELS, v.online_depth),
        "result_type": _label(RESULT_TYPE_LABELS, v.result.type),
        "events": [_label(LIFE_EVENT_LABELS, e) for e in v.life_events],
        "audiences": [_label(AUDIENCE_LABELS, a) for a in v.audiences],
        "specials": [
            {
                "p": p,
                "kind": _label(SPECIAL_PROCEDURE_LABELS, p.kind),
                "limit": limit_text(p.limit, lang) if p.limit else "",
            }
            for p in v.special_procedures
        ],
        "materials": [
            {
                "m": m,
                "form": _label(MATERIAL_FORM_LABELS, m.form),
                "source": _label(SOURCE_LABELS, m.source_kind),
                "by_data": m.source_kind in ("shared", "certificate"),
            }
            for m in v.materials
        ],
        "apply_href": f"/services/apply/{v.implementation_code}" if v.applies_online else "",
    }


@router.get("/services/guide/{implementation_code}")
def guide_item(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    implementation_code: Annotated[str, Path(min_length=1, max_length=40)],
) -> Response:
    view = service.published_version(session, implementation_code)
    ctx = guide_context(view, i18n.lang_of(request))
    return render(request, "services/guide_item.html", ctx, principal=principal)
