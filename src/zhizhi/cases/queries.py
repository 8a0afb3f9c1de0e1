"""Read-only queries for the pages: work queues, cockpit aggregates. Every query is row-scoped.

Rate definitions (also in docs/ui.md), over the cases *registered* in the period, merged
cases excluded:

* 响应率 response rate = cases signed for by a unit or answered directly / cases;
* 解决率 resolution rate = rated cases marked resolved / rated cases;
* 满意率 satisfaction rate = rated very satisfied, satisfied or basically satisfied / rated cases;
* 按时办结率 on-time rate = cases replied before their deadline / replied cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, func, or_, select
from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases.enums import BAD_RATINGS, OPEN_STATUSES, CaseStatus, SlaState
from zhizhi.cases.models import Case
from zhizhi.catalogue.models import Category
from zhizhi.core import clock
from zhizhi.org.models import Department
from zhizhi.org.schemas import Principal

QUEUES = ("received", "accepted", "dispatched", "in_progress", "warning", "overdue", "replied", "returned")
_OPEN = [s.value for s in OPEN_STATUSES]


def sla_filter(state: SlaState, now: datetime) -> ColumnElement[bool]:
    """``repository.sla_clause`` split on whether the clock stopped, so that PostgreSQL can use the
    (status, due_at) index for the running clocks (the common case) instead of a full scan."""
    running, stopped = Case.clock_stopped_at.is_(None), Case.clock_stopped_at.is_not(None)
    if state is SlaState.OVERDUE:
        return or_(and_(running, Case.due_at < now), and_(stopped, Case.clock_stopped_at > Case.due_at))
    if state is SlaState.WARNING:
        return or_(
            and_(running, Case.due_at >= now, Case.warn_at <= now),
            and_(stopped, Case.clock_stopped_at >= Case.warn_at, Case.clock_stopped_at <= Case.due_at),
        )
    return repo.sla_clause(state, now)


def queue_filter(queue: str, now: datetime) -> list[ColumnElement[bool]]:
    if queue in {"warning", "overdue"}:
        return [Case.status.in_(_OPEN), sla_filter(SlaState(queue), now)]
    if queue not in QUEUES:
        raise ValueError(queue)
    return [Case.status == CaseStatus(queue).value]


def queue_counts(session: Session, principal: Principal) -> dict[str, int]:
    now = clock.now()
    scope = repo.scope_clause(principal)
    columns = [
        func.sum(case((and_(*queue_filter(q, now)), 1), else_=0)).cast(Integer).label(q) for q in QUEUES
    ]
    # every queue is a subset of these statuses: closed and merged cases (most rows) are skipped
    statuses = sorted(set(_OPEN) | {CaseStatus.REPLIED.value})
    row = session.execute(select(*columns).where(scope, Case.status.in_(statuses))).one()
    return {q: int(row._mapping[q] or 0) for q in QUEUES}


def queue_page(
    session: Session, principal: Principal, queue: str, *, page: int, page_size: int
) -> tuple[list[Case], int]:
    return repo.list_page(
        session, principal, filters=queue_filter(queue, clock.now()), page=page, page_size=page_size
    )


def department_choices(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Department.code, Department.name).where(Department.active).order_by(Department.path)
    )
    return [(code, name) for code, name in rows]


def department_names(session: Session, ids: list[int]) -> dict[int, str]:
    return {d.id: d.name for d in repo.departments_by_ids(session, ids).values()}


# ---- cockpit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    first_day: date
    last_day: date


def local_period(first_day: date, last_day: date) -> Period:
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=clock.SHANGHAI)
    end = datetime(last_day.year, last_day.month, last_day.day, tzinfo=clock.SHANGHAI) + timedelta(days=1)
    return Period(clock.as_utc(start), clock.as_utc(end), first_day, last_day)


def named_period(name: str) -> Period:
    today = clock.today_local()
    if name == "today":
        return local_period(today, today)
    if name == "7d":
        return local_period(today - timedelta(days=6), today)
    if name == "month":
        return local_period(today.replace(day=1), today)
    return local_period(today - timedelta(days=29), today)


def district_choices(session: Session) -> list[tuple[str, str]]:
    """County-level divisions that have a district department: (6-digit code, name)."""
    rows = session.execute(
        select(Department.division_code, Department.name)
        .where(Department.kind == "district", Department.active, Department.division_code.is_not(None))
        .order_by(Department.division_code)
    )
    return [(str(code)[:6], str(name).removesuffix("人民政府")) for code, name in rows]


def _district_clause(district: str) -> ColumnElement[bool]:
    """Same rule as the map: the case's parsed division, else its lead unit's division."""
    units = select(Department.id).where(Department.division_code.startswith(district))
    return or_(
        Case.division_code.startswith(district),
        and_(Case.division_code.is_(None), Case.lead_department_id.in_(units)),
    )


def _base(
    principal: Principal, period: Period, category: str | None, district: str | None = None
) -> list[ColumnElement[bool]]:
    filters = [
        repo.scope_clause(principal),
        Case.created_at >= period.start,
        Case.created_at < period.end,
        Case.status != CaseStatus.MERGED.value,
    ]
    if category:
        filters.append(Case.category_id.in_(select(Category.id).where(Category.code == category)))
    if district:
        filters.append(_district_clause(district))
    return filters


def _ratio(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


_SATISFIED = [r for r in ("very_satisfied", "satisfied", "basically_satisfied")]
_BAD = [r.value for r in BAD_RATINGS]


def _rate_columns() -> list[ColumnElement[int]]:
    def n(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0).cast(Integer)

    return [
        func.count(Case.id).label("total"),
        n(or_(Case.signed_at.is_not(None), Case.replied_at.is_not(None))).label("responded"),
        n(Case.rating.is_not(None)).label("rated"),
        n(Case.resolved.is_(True)).label("resolved"),
        n(Case.rating.in_(_SATISFIED)).label("satisfied"),
        n(Case.replied_on_time.is_not(None)).label("replied"),
        n(Case.replied_on_time.is_(True)).label("on_time"),
    ]


def _rates(m: dict[str, int]) -> dict[str, float | None]:
    return {
        "response": _ratio(m["responded"], m["total"]),
        "resolution": _ratio(m["resolved"], m["rated"]),
        "satisfaction": _ratio(m["satisfied"], m["rated"]),
        "on_time": _ratio(m["on_time"], m["replied"]),
    }


def summary(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None = None,
) -> dict[str, object]:
    row = session.execute(select(*_rate_columns()).where(*_base(principal, period, category, district))).one()
    counts = {k: int(v or 0) for k, v in row._mapping.items()}
    return {"counts": counts, "rates": _rates(counts)}


def volume(session: Session, principal: Principal, period: Period) -> int:
    stmt = select(func.count(Case.id)).where(*_base(principal, period, None))
    return int(session.scalar(stmt) or 0)


def daily(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None = None,
) -> list[tuple[str, int]]:
    """Cases registered per local day (Asia/Shanghai): grouped by PostgreSQL, bucketed in Python on SQLite."""
    counts: dict[date, int] = {}
    day = period.first_day
    while day <= period.last_day:
        counts[day] = 0
        day += timedelta(days=1)
    where = _base(principal, period, category, district)
    if session.get_bind().dialect.name == "postgresql":  # group in the database: one row per day
        local_day = func.date(func.timezone(clock.SHANGHAI.key, Case.created_at))
        for d, n in session.execute(select(local_day, func.count()).where(*where).group_by(local_day)):
            if d in counts:
                counts[d] += int(n)
        return [(d.isoformat(), n) for d, n in counts.items()]
    for (created,) in session.execute(select(Case.created_at).where(*where)):
        local = clock.to_local(created).date()
        if local in counts:
            counts[local] += 1
    return [(d.isoformat(), n) for d, n in counts.items()]


def by_category(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    limit: int = 10,
    district: str | None = None,
) -> list[tuple[str, str, int]]:
    name = func.coalesce(Category.name, "未分类")
    stmt = (
        select(func.coalesce(Category.code, ""), name, func.count(Case.id).label("n"))
        .select_from(Case)
        .outerjoin(Category, Category.id == Case.category_id)
        .where(*_base(principal, period, category, district))
        .group_by(Category.code, Category.name)
        .order_by(func.count(Case.id).desc())
        .limit(limit)
    )
    return [(code, label, int(n)) for code, label, n in session.execute(stmt)]


def by_district(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None = None,
) -> dict[str, int]:
    """Cases per county-level division: the first 6 digits of the case's division code (from its
    parsed address) or, when the address was not parsed, of its lead unit's division code."""
    code = func.substr(func.coalesce(Case.division_code, Department.division_code), 1, 6)
    stmt = (
        select(code, func.count(Case.id))
        .select_from(Case)
        .outerjoin(Department, Department.id == Case.lead_department_id)
        .where(*_base(principal, period, category, district), code.is_not(None))
        .group_by(code)
    )
    return {str(c): int(n) for c, n in session.execute(stmt)}


def department_ranking(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None = None,
) -> list[dict[str, Any]]:
    now = clock.now()
    overdue = func.coalesce(func.sum(case((repo.sla_clause(SlaState.OVERDUE, now), 1), else_=0)), 0).cast(
        Integer
    )
    stmt = (
        select(Department.code, Department.name, *_rate_columns(), overdue.label("overdue"))
        .select_from(Case)
        .join(Department, Department.id == Case.lead_department_id)
        .where(*_base(principal, period, category, district))
        .group_by(Department.code, Department.name)
    )
    out: list[dict[str, Any]] = []
    for row in session.execute(stmt):
        m = {k: int(v or 0) for k, v in row._mapping.items() if k not in {"code", "name"}}
        out.append({"code": row.code, "name": row.name, **m, **_rates(m)})
    out.sort(key=lambda r: (-(r["on_time"] or 0.0), -r["total"]))
    return out


def sla_cases(
    session: Session, principal: Principal, state: SlaState, limit: int = 20
) -> tuple[list[Case], int]:
    return repo.list_page(
        session, principal, filters=queue_filter(state.value, clock.now()), page=1, page_size=limit
    )


def cockpit_facts(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None = None,
    top_categories: int = 10,
) -> dict[str, Any]:
    """``summary``, ``by_category``, ``by_district`` and ``department_ranking`` in one pass: the
    period's cases grouped by (category, county code, lead unit) and folded in Python. Same answers
    as the four queries with a quarter of the reads (see docs/bench/cockpit.md)."""
    now = clock.now()
    code = func.substr(func.coalesce(Case.division_code, Department.division_code), 1, 6)
    overdue = func.coalesce(func.sum(case((repo.sla_clause(SlaState.OVERDUE, now), 1), else_=0)), 0)
    stmt = (
        select(
            Case.category_id,
            code.label("district"),
            Case.lead_department_id,
            *_rate_columns(),
            overdue.cast(Integer).label("overdue"),
        )
        .select_from(Case)
        .outerjoin(Department, Department.id == Case.lead_department_id)
        .where(*_base(principal, period, category, district))
        .group_by(Case.category_id, code, Case.lead_department_id)
    )
    keys = ("total", "responded", "rated", "resolved", "satisfied", "replied", "on_time", "overdue")
    total = dict.fromkeys(keys, 0)
    by_cat: dict[int | None, int] = {}
    by_dist: dict[str, int] = {}
    by_dept: dict[int, dict[str, int]] = {}
    for row in session.execute(stmt):
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
    names = {
        cid: (str(c), str(n))
        for cid, c, n in session.execute(
            select(Category.id, Category.code, Category.name).where(Category.id.in_([i for i in by_cat if i]))
        )
    }
    categories: dict[tuple[str, str], int] = {}
    for cid, n in by_cat.items():  # unknown or missing categories fold into one “未分类” row
        key = names.get(cid, ("", "未分类")) if cid is not None else ("", "未分类")
        categories[key] = categories.get(key, 0) + n
    depts = {
        did: (str(c), str(n))
        for did, c, n in session.execute(
            select(Department.id, Department.code, Department.name).where(Department.id.in_(list(by_dept)))
        )
    }
    ranking: list[dict[str, Any]] = [
        {"code": depts[d][0], "name": depts[d][1], **m, **_rates(m)} for d, m in by_dept.items() if d in depts
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
