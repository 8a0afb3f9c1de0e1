"""Read-only use cases for the pages: work queues and the cockpit's figures. Every read is
row-scoped; the SQL is in :mod:`zhizhi.cases.repository.stats`.

Rate definitions (also in docs/ui.md), over the cases *registered* in the period, merged
cases excluded:

* 响应率 response rate = cases signed for by a unit or answered directly / cases;
* 解决率 resolution rate = rated cases marked resolved / rated cases;
* 满意率 satisfaction rate = rated very satisfied, satisfied or basically satisfied / rated cases;
* 按时办结率 on-time rate = cases replied before their deadline / replied cases.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases.enums import SlaState
from zhizhi.cases.models import Case
from zhizhi.cases.periods import Period, local_period, named_period  # noqa: F401  (the pages' periods)
from zhizhi.cases.repository import stats
from zhizhi.catalogue import service as catalogue
from zhizhi.core import clock
from zhizhi.core.principal import Principal
from zhizhi.org import service as org

STATUS_QUEUES = stats.QUEUES  # by status and SLA state
WORK_QUEUES = stats.WORK_QUEUES  # across statuses, name → (中文, English): 延期待审, 督办中 …
ALL_QUEUES = stats.ALL_QUEUES  # what ``GET /api/v1/cases?queue=`` accepts
QUEUES = ALL_QUEUES  # the workbench's tabs: every queue


def queue_counts(session: Session, principal: Principal) -> dict[str, int]:
    return stats.queue_counts(session, principal, clock.now())


def queue_page(
    session: Session, principal: Principal, queue: str, *, page: int, page_size: int
) -> tuple[list[Case], int]:
    return stats.queue_page(session, principal, queue, clock.now(), page=page, page_size=page_size)


def queue_clauses(queue: str, principal: Principal | None = None) -> list[Any]:
    """The WHERE clauses of the work queue ``queue`` (to combine with search filters);
    ``principal`` narrows ``co_unit_pending`` to the caller's own co-units."""
    return stats.queue_filter(queue, clock.now(), principal)


def sla_cases(
    session: Session, principal: Principal, state: SlaState, limit: int = 20
) -> tuple[list[Case], int]:
    return stats.queue_page(session, principal, state.value, clock.now(), page=1, page_size=limit)


def district_choices(session: Session) -> list[tuple[str, str]]:
    """County-level divisions that have a district department: (6-digit code, name)."""
    return org.district_choices(session)


def _ratio(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def _rates(m: dict[str, int]) -> dict[str, float | None]:
    return {
        "response": _ratio(m["responded"], m["total"]),
        "resolution": _ratio(m["resolved"], m["rated"]),
        "satisfaction": _ratio(m["satisfied"], m["rated"]),
        "on_time": _ratio(m["on_time"], m["replied"]),
    }


def summary(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None = None
) -> dict[str, object]:
    counts = stats.rate_counts(session, principal, period, category, district)
    return {"counts": counts, "rates": _rates(counts)}


def volume(session: Session, principal: Principal, period: Period) -> int:
    return stats.volume(session, principal, period)


def daily(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None = None
) -> list[tuple[str, int]]:
    """Cases registered per local day (Asia/Shanghai), every day of the period."""
    return [
        (d.isoformat(), n) for d, n in stats.daily(session, principal, period, category, district).items()
    ]


def by_category(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    limit: int = 10,
    district: str | None = None,
) -> list[tuple[str, str, int]]:
    return stats.by_category(session, principal, period, category, limit, district)


def by_district(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None = None
) -> dict[str, int]:
    """Cases per county-level division (the case's parsed division, else its lead unit's)."""
    return stats.by_district(session, principal, period, category, district)


def department_ranking(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None = None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in stats.ranking_rows(session, principal, period, category, district, clock.now()):
        m = {k: int(v or 0) for k, v in row._mapping.items() if k not in {"code", "name"}}
        out.append({"code": row.code, "name": row.name, **m, **_rates(m)})
    out.sort(key=lambda r: (-(r["on_time"] or 0.0), -r["total"]))
    return out


def cockpit_facts(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None = None,
    top_categories: int = 10,
) -> dict[str, Any]:
    """``summary``, ``by_category``, ``by_district`` and ``department_ranking`` in one pass: the
    period's cases grouped by (category, county code, lead unit) and folded here. Same answers
    as the four queries with a quarter of the reads (see docs/bench/cockpit.md)."""
    keys = (*stats.RATE_KEYS, "overdue")
    total = dict.fromkeys(keys, 0)
    by_cat: dict[int | None, int] = {}
    by_dist: dict[str, int] = {}
    by_dept: dict[int, dict[str, int]] = {}
    for row in stats.cockpit_rows(session, principal, period, category, district, clock.now()):
        values = {k: int(row._mapping[k] or 0) for k in keys}
        for k in keys:
            total[k] += values[k]
        by_cat[row.category_id] = by_cat.get(row.category_id, 0) + values["total"]
        if row.district is not None:
            by_dist[str(row.district)] = by_dist.get(str(row.district), 0) + values["total"]
        if row.lead_department_id is not None:
            acc = by_dept.setdefault(row.lead_department_id, dict.fromkeys(keys, 0))
            for k in keys:
                acc[k] += values[k]
    categories: dict[tuple[str, str], int] = {}
    for cid, n in by_cat.items():  # unknown or missing categories fold into one “未分类” row
        info = catalogue.category_info(session, cid) if cid is not None else None
        key = (info.code, info.name) if info is not None else ("", "未分类")
        categories[key] = categories.get(key, 0) + n
    depts = org.departments_by_ids(session, list(by_dept))
    ranking: list[dict[str, Any]] = [
        {"code": depts[d].code, "name": depts[d].name, **m, **_rates(m)}
        for d, m in by_dept.items()
        if d in depts
    ]
    ranking.sort(key=lambda r: (-(r["on_time"] or 0.0), -r["total"]))
    counts = {k: total[k] for k in keys if k != "overdue"}
    top = sorted(((c, nm, n) for (c, nm), n in categories.items()), key=lambda t: -t[2])
    return {
        "summary": {"counts": counts, "rates": _rates(counts)},
        "categories": top[:top_categories],
        "districts": by_dist,
        "ranking": ranking,
    }


MAX_CLOSED = 5_000  # closed cases a recurrence count reads (the oldest closures first)
MAX_FOLLOWING = 50_000  # later appeals compared with them


def closed_cases(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None = None
) -> list[Any]:
    """Rows (number, subject, content, address, division_code, grid_code, latitude, longitude,
    created_at, closed_at, unit) of the period's closed cases: what a recurrence count reads."""
    return stats.closed_rows(session, principal, period, category, district, MAX_CLOSED)


def closed_query(
    principal: Principal, period: Period, category: str | None, district: str | None = None
) -> Select[int, datetime | None]:
    """The period's closed cases in the principal's scope (``id``, ``closed_at``) as a statement
    to join, not rows: the cockpit counts its stored per-case recurrences through it."""
    return stats.closed_query(principal, period, category, district)


def closed_rows_of(session: Session, ids: list[int]) -> list[Any]:
    """The recurrence rows of these closed cases (as :func:`closed_cases`, with ``id``)."""
    return stats.closed_rows_of(session, ids)


def visible_numbers(session: Session, principal: Principal, numbers: list[str]) -> set[str]:
    """Which of these case numbers the principal may read."""
    return stats.visible_numbers(session, principal, numbers)


def appeals_after(session: Session, principal: Principal, start: Any, days: int) -> list[Any]:
    """Rows (number, subject, content, place columns, created_at) of the appeals registered in the
    ``days`` after ``start`` (and not after now)."""
    end = min(start + timedelta(days=days), clock.now())
    return stats.appeals_between(session, principal, start, end, MAX_FOLLOWING)


def closure_marker(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None = None
) -> tuple[Any, ...]:
    """Changes whenever a recurrence count over these filters could (see ``stats.closure_marker``)."""
    return stats.closure_marker(session, principal, period, category, district)


def cases_by_ids(session: Session, case_ids: list[int]) -> dict[int, Case]:
    """Cases by id, unscoped, in one query: for read models that scope by their own rows (the
    services' electronic supervision scopes by the application's department)."""
    return repo.by_ids(session, case_ids)
