"""Aggregate reads over cases: work-queue counts and pages, the cockpit's figures.

Every query is row-scoped (:func:`~zhizhi.cases.repository.scope_clause`).  Departments and
categories are joined as the subqueries their owners build (``org.service.departments_table``,
``catalogue.service.categories_table``), never through their models.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, Text, and_, case, cast, exists, func, or_, select, true
from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases.enums import OPEN_STATUSES, CaseKind, CaseStatus, SlaState
from zhizhi.cases.models import Case, CaseUnit
from zhizhi.cases.periods import Period
from zhizhi.catalogue import service as catalogue
from zhizhi.core import clock
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.org import service as org

QUEUES = ("received", "accepted", "dispatched", "in_progress", "warning", "overdue", "replied", "returned")
_OPEN = [s.value for s in OPEN_STATUSES]
_SATISFIED = ["very_satisfied", "satisfied", "basically_satisfied"]
RATE_KEYS = ("total", "responded", "rated", "resolved", "satisfied", "replied", "on_time")


def sla_filter(state: SlaState, now: datetime) -> ColumnElement[bool]:
    """``repository.sla_clause`` split on whether the clock stopped, so that PostgreSQL can use the
    (status, due_at) index for the running clocks (the common case) instead of a full scan.
    Overdue (0017): running clocks past the deadline (``ix_cases_running_due``) or clocks that
    stopped late (the generated ``stopped_late``, ``ix_cases_stopped_late``) — the same rows as
    ``coalesce(clock_stopped_at, now) > due_at``, but both halves indexable."""
    running, stopped = Case.clock_stopped_at.is_(None), Case.clock_stopped_at.is_not(None)
    if state is SlaState.OVERDUE:
        return or_(and_(running, Case.due_at < now), Case.stopped_late == true())
    if state is SlaState.WARNING:
        return or_(
            and_(running, Case.due_at >= now, Case.warn_at <= now),
            and_(stopped, Case.clock_stopped_at >= Case.warn_at, Case.clock_stopped_at <= Case.due_at),
        )
    return repo.sla_clause(state, now)


# Work queues across statuses (issue 11's contract: ``GET /api/v1/cases?queue=NAME``), beside
# the status and SLA queues above; labels for the pages. Every queue is read within the caller's
# row scope (``repository.scope_clause``).
WORK_QUEUES: dict[str, tuple[str, str]] = {
    "extension_pending": ("延期待审", "Extension requests to decide"),
    "supervised": ("督办中", "Under supervision"),
    "bad_rating_review": ("差评待复核", "Bad ratings to review"),
    "co_unit_pending": ("协办待回复", "Co-unit replies due"),
}
ALL_QUEUES = (*QUEUES, *WORK_QUEUES)
_HANDLING = [CaseStatus.DISPATCHED.value, CaseStatus.IN_PROGRESS.value]


def _work_queue_filter(queue: str, principal: Principal | None) -> list[ColumnElement[bool]]:
    if queue == "extension_pending":  # JSON null (a decided request) is not a pending one
        text = func.coalesce(cast(Case.pending_extension, Text), "null")
        return [Case.status.in_([*_HANDLING, CaseStatus.SUSPENDED.value]), text != "null"]
    if queue == "supervised":
        return [Case.status.in_(_OPEN), Case.supervision_count > 0]
    if queue == "bad_rating_review":
        return [Case.status == CaseStatus.REVIEWING.value]
    if queue == "co_unit_pending":
        pending = [CaseUnit.case_id == Case.id, CaseUnit.replied_at.is_(None)]
        if (
            principal is not None
            and principal.department_path
            and not principal.can(Permission.CASE_READ_ALL)
        ):
            pending.append(CaseUnit.department_id.in_(org.subtree_query(principal.department_path)))
        return [Case.status.in_(_HANDLING), exists().where(*pending)]
    raise ValueError(queue)


# The 12345 workbench's queues and the cockpit's 诉求办理 figures count appeals and city events;
# applications (办件, the same engine) have their back office (/work/applications) and the
# cockpit's services tab (docs/services.md) — their statuses and clocks are not an appeal's.
NOT_APPLICATION = Case.kind != CaseKind.APPLICATION.value


def queue_filter(queue: str, now: datetime, principal: Principal | None = None) -> list[ColumnElement[bool]]:
    """The filters of a queue (``ValueError`` for an unknown name); ``principal`` narrows
    ``co_unit_pending`` to the caller's own co-units. Applications are in no queue here."""
    if queue in WORK_QUEUES:
        return [NOT_APPLICATION, *_work_queue_filter(queue, principal)]
    if queue in {"warning", "overdue"}:
        return [NOT_APPLICATION, Case.status.in_(_OPEN), sla_filter(SlaState(queue), now)]
    if queue not in QUEUES:
        raise ValueError(queue)
    return [NOT_APPLICATION, Case.status == CaseStatus(queue).value]


def queue_counts(session: Session, principal: Principal, now: datetime) -> dict[str, int]:
    scope = repo.scope_clause(principal)
    columns = [
        func.sum(case((and_(*queue_filter(q, now, principal)), 1), else_=0)).cast(Integer).label(q)
        for q in ALL_QUEUES
    ]
    # every queue is a subset of these statuses: closed and merged cases (most rows) are skipped
    statuses = sorted(set(_OPEN) | {CaseStatus.REPLIED.value, CaseStatus.REVIEWING.value})
    row = session.execute(select(*columns).where(scope, NOT_APPLICATION, Case.status.in_(statuses))).one()
    return {q: int(row._mapping[q] or 0) for q in ALL_QUEUES}


def queue_page(
    session: Session, principal: Principal, queue: str, now: datetime, *, page: int, page_size: int
) -> tuple[list[Case], int]:
    return repo.list_page(
        session, principal, filters=queue_filter(queue, now, principal), page=page, page_size=page_size
    )


# ---- cockpit ----------------------------------------------------------------------------------


def _district_clause(district: str) -> ColumnElement[bool]:
    """Same rule as the map: the case's parsed division, else its lead unit's division."""
    return or_(
        Case.division_code.startswith(district),
        and_(
            Case.division_code.is_(None), Case.lead_department_id.in_(org.division_department_ids(district))
        ),
    )


def _base(
    principal: Principal, period: Period, category: str | None, district: str | None = None
) -> list[ColumnElement[bool]]:
    filters = [
        repo.scope_clause(principal),
        Case.created_at >= period.start,
        Case.created_at < period.end,
        Case.status != CaseStatus.MERGED.value,
        NOT_APPLICATION,
    ]
    if category:
        filters.append(Case.category_id.in_(catalogue.category_ids(category)))
    if district:
        filters.append(_district_clause(district))
    return filters


def _rate_columns() -> list[ColumnElement[int]]:
    def n(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0).cast(Integer)

    counted = Case.rating_excluded.is_(False)  # an upheld appeal (申诉成立) takes a rating out
    return [
        func.count(Case.id).label("total"),
        n(or_(Case.signed_at.is_not(None), Case.replied_at.is_not(None))).label("responded"),
        n(and_(counted, Case.rating.is_not(None))).label("rated"),
        n(and_(counted, Case.rating.is_not(None), Case.resolved.is_(True))).label("resolved"),
        n(and_(counted, Case.rating.in_(_SATISFIED))).label("satisfied"),
        n(Case.replied_on_time.is_not(None)).label("replied"),
        n(Case.replied_on_time.is_(True)).label("on_time"),
    ]


def _overdue(now: datetime) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((repo.sla_clause(SlaState.OVERDUE, now), 1), else_=0)), 0).cast(
        Integer
    )


def rate_counts(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None
) -> dict[str, int]:
    """The counts behind the four rates (``RATE_KEYS``) over the period's cases."""
    row = session.execute(select(*_rate_columns()).where(*_base(principal, period, category, district))).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}


def volume(session: Session, principal: Principal, period: Period) -> int:
    stmt = select(func.count(Case.id)).where(*_base(principal, period, None))
    return int(session.scalar(stmt) or 0)


def daily(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None
) -> dict[date, int]:
    """Cases registered per local day (Asia/Shanghai): grouped by PostgreSQL, bucketed here on SQLite."""
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
        return counts
    for (created,) in session.execute(select(Case.created_at).where(*where)):
        local = clock.to_local(created).date()
        if local in counts:
            counts[local] += 1
    return counts


def by_category(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    limit: int,
    district: str | None,
) -> list[tuple[str, str, int]]:
    cats = catalogue.categories_table()
    name = func.coalesce(cats.c.name, "未分类")
    stmt = (
        select(func.coalesce(cats.c.code, ""), name, func.count(Case.id).label("n"))
        .select_from(Case)
        .outerjoin(cats, cats.c.id == Case.category_id)
        .where(*_base(principal, period, category, district))
        .group_by(cats.c.code, cats.c.name)
        .order_by(func.count(Case.id).desc())
        .limit(limit)
    )
    return [(code, label, int(n)) for code, label, n in session.execute(stmt)]


def by_district(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None
) -> dict[str, int]:
    """Cases per county-level division: the first 6 digits of the case's division code (from its
    parsed address) or, when the address was not parsed, of its lead unit's division code."""
    depts = org.departments_table()
    code = func.substr(func.coalesce(Case.division_code, depts.c.division_code), 1, 6)
    stmt = (
        select(code, func.count(Case.id))
        .select_from(Case)
        .outerjoin(depts, depts.c.id == Case.lead_department_id)
        .where(*_base(principal, period, category, district), code.is_not(None))
        .group_by(code)
    )
    return {str(c): int(n) for c, n in session.execute(stmt)}


def ranking_rows(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None,
    now: datetime,
) -> list[Any]:
    """Per lead unit: code, name, the rate counts and ``overdue``."""
    depts = org.departments_table()
    stmt = (
        select(depts.c.code, depts.c.name, *_rate_columns(), _overdue(now).label("overdue"))
        .select_from(Case)
        .join(depts, depts.c.id == Case.lead_department_id)
        .where(*_base(principal, period, category, district))
        .group_by(depts.c.code, depts.c.name)
    )
    return list(session.execute(stmt))


def cockpit_rows(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None,
    now: datetime,
) -> list[Any]:
    """The period's cases grouped by (category, county code, lead unit), with the rate counts and
    ``overdue``: one pass that ``cases.queries.cockpit_facts`` folds into the four views."""
    depts = org.departments_table()
    code = func.substr(func.coalesce(Case.division_code, depts.c.division_code), 1, 6)
    stmt = (
        select(
            Case.category_id,
            code.label("district"),
            Case.lead_department_id,
            *_rate_columns(),
            _overdue(now).label("overdue"),
        )
        .select_from(Case)
        .outerjoin(depts, depts.c.id == Case.lead_department_id)
        .where(*_base(principal, period, category, district))
        .group_by(Case.category_id, code, Case.lead_department_id)
    )
    return list(session.execute(stmt))


# ---- outcomes: what comes back after closure ---------------------------------------------------

_PLACE_COLUMNS = (
    Case.number,
    Case.subject,
    Case.content,
    Case.address,
    Case.division_code,
    Case.grid_code,
    Case.latitude,
    Case.longitude,
    Case.created_at,
)


def closed_rows(
    session: Session,
    principal: Principal,
    period: Period,
    category: str | None,
    district: str | None,
    limit: int,
) -> list[Any]:
    """The period's closed cases (registered in it, as the rates count), with their text, place,
    closure time and lead unit's code, oldest closure first."""
    depts = org.departments_table()
    stmt = (
        select(*_PLACE_COLUMNS, Case.id, Case.closed_at, depts.c.code.label("unit"))
        .select_from(Case)
        .outerjoin(depts, depts.c.id == Case.lead_department_id)
        .where(
            *_base(principal, period, category, district),
            Case.status == CaseStatus.CLOSED.value,
            Case.closed_at.is_not(None),
        )
        .order_by(Case.closed_at)
        .limit(limit)
    )
    return list(session.execute(stmt))


def closed_query(
    principal: Principal, period: Period, category: str | None, district: str | None
) -> Select[int, datetime | None]:
    """The period's closed cases as a statement (``id``, ``closed_at``) for another domain to
    join: the cockpit's per-case recurrence results are read through it (row scope included)."""
    return select(Case.id.label("id"), Case.closed_at.label("closed_at")).where(
        *_base(principal, period, category, district),
        Case.status == CaseStatus.CLOSED.value,
        Case.closed_at.is_not(None),
    )


def closed_rows_of(session: Session, ids: list[int]) -> list[Any]:
    """The rows :func:`closed_rows` gives, for these closed cases (read in slices)."""
    depts = org.departments_table()
    out: list[Any] = []
    for start in range(0, len(ids), 5_000):
        stmt = (
            select(*_PLACE_COLUMNS, Case.id, Case.closed_at, depts.c.code.label("unit"))
            .select_from(Case)
            .outerjoin(depts, depts.c.id == Case.lead_department_id)
            .where(Case.id.in_(ids[start : start + 5_000]), Case.closed_at.is_not(None))
        )
        out.extend(session.execute(stmt))
    return sorted(out, key=lambda r: (r.closed_at, r.id))


def visible_numbers(session: Session, principal: Principal, numbers: list[str]) -> set[str]:
    """Which of these case numbers the principal may read."""
    if not numbers:
        return set()
    stmt = select(Case.number).where(repo.scope_clause(principal), Case.number.in_(numbers))
    return set(session.scalars(stmt))


def appeals_between(
    session: Session, principal: Principal, start: datetime, end: datetime, limit: int
) -> list[Any]:
    """Appeals and events (not applications) registered in ``(start, end]``, merged ones included
    (a repeat merged into another case still came back), oldest first."""
    stmt = (
        select(*_PLACE_COLUMNS)
        .where(
            repo.scope_clause(principal),
            Case.created_at > start,
            Case.created_at <= end,
            Case.kind != "application",
        )
        .order_by(Case.created_at)
        .limit(limit)
    )
    return list(session.execute(stmt))


def closure_marker(
    session: Session, principal: Principal, period: Period, category: str | None, district: str | None
) -> tuple[Any, ...]:
    """The period's closed cases, cheaply: (count, sum of ids, latest closure).  Equal markers:
    the same closed cases (a recurrence count over them changes only with new appeals)."""
    closed = session.execute(
        select(func.count(Case.id), func.sum(Case.id), func.max(Case.closed_at)).where(
            *_base(principal, period, category, district), Case.status == CaseStatus.CLOSED.value
        )
    ).one()
    return (int(closed[0] or 0), int(closed[1] or 0), closed[2])
