"""SQL of the workbench's search and export, and of users' saved queues.

Every clause is written so that PostgreSQL can use an index (migration 0009): number prefixes and
division prefixes as ranges, text as ``ILIKE`` over pg_trgm GIN indexes (subject, content,
address, phone), the rest as equalities on b-tree indexes. SQLite runs the same SQL (its LIKE is
case-insensitive for ASCII; no trigram index there, a scan of the scoped rows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    any_,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases.enums import SlaState
from zhizhi.cases.filters import CaseFilter
from zhizhi.cases.models import Case, CaseUnit, SavedQueue
from zhizhi.cases.periods import local_period
from zhizhi.cases.repository import stats
from zhizhi.catalogue import service as catalogue
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org

_DIVISION_LENGTH = 12


def _prefix_range(column: Any, prefix: str, length: int) -> ColumnElement[bool]:
    """``column`` starts with the digits ``prefix``: as a range (index-friendly in any collation,
    since all values are ``length`` digits) and the exact LIKE for safety."""
    low, high = prefix.ljust(length, "0"), prefix.ljust(length, "9")
    return and_(column >= low, column <= high, column.startswith(prefix, autoescape=True))


def uses_bigrams(session: Session) -> bool:
    """Whether the database has the bigram indexes of migration 0016 (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def filter_clauses(
    f: CaseFilter, now: datetime, *, department_path: str | None = None, bigrams: bool = False
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``f`` (row scoping is added by the callers). ``bigrams``: text
    searches also carry the bigram condition that PostgreSQL's GIN indexes serve (0016)."""
    out: list[ColumnElement[bool]] = []
    if f.number:
        out.append(Case.number == f.number if len(f.number) >= 12 else Case.number.startswith(f.number))
    if f.q:
        if bigrams:
            out.append(func.zhizhi_case_bigrams(Case.subject, Case.content).op("@>")(_bigrams_of(f.q)))
        out.append(_contains(Case.subject, f.q, bigrams) | _contains(Case.content, f.q, bigrams))
    if f.phone:
        # confidential cases never match a phone search: their contact is hidden from everyone
        out.append(Case.confidential.is_(False))
        if len(f.phone) == 4:
            out.append(Case.contact_phone.like(f"%{f.phone}"))
        else:
            out.append(Case.contact_phone == f.phone)
    if f.address:
        if bigrams:
            out.append(func.zhizhi_bigrams(Case.address).op("@>")(_bigrams_of(f.address)))
        out.append(_contains(Case.address, f.address, bigrams))
    if f.division:
        out.append(_prefix_range(Case.division_code, f.division, _DIVISION_LENGTH))
    if f.grid:
        out.append(Case.grid_code == f.grid)
    if f.category:
        out.append(Case.category_id.in_(catalogue.category_ids(f.category)))
    if f.channel:
        out.append(Case.channel == f.channel.value)
    if f.status:
        out.append(Case.status == f.status.value)
    if f.sla_state:
        out.append(stats.sla_filter(SlaState(f.sla_state), now))
    if f.date_from or f.date_to:
        first = f.date_from or f.date_to
        last = f.date_to or f.date_from
        assert first is not None and last is not None
        period = local_period(first, last)
        if f.date_from:
            out.append(Case.created_at >= period.start)
        if f.date_to:
            out.append(Case.created_at < period.end)
    if department_path is not None:
        out.append(repo.in_departments(department_path))
    return out


def _bigrams_of(term: str) -> ColumnElement[Any]:
    """The term's bigrams, computed by the same SQL function as the index (folded to a constant
    array when the statement is planned)."""
    return func.zhizhi_bigrams(literal(term, type_=Text()))


def _contains(column: Any, term: str, bigrams: bool = False) -> ColumnElement[bool]:
    """``column`` contains ``term``, case-insensitively: ``ILIKE`` when the term has Latin letters,
    else ``LIKE`` (Chinese and digits have no case, and PostgreSQL's LIKE is several times faster
    than ILIKE on them). Without the bigram condition, a term of fewer than 3 characters has no
    trigram, so a pg_trgm index would hand back every row to recheck (slower than reading the
    rows): it is matched on ``coalesce(column, '')``, which no index serves (docs/workbench.md).
    With it, the bigram index finds the candidates and this is their exact check."""
    pattern = f"%{_escape(term)}%"
    target = func.coalesce(column, "") if len(term) < 3 and not bigrams else column
    if any("a" <= ch.lower() <= "z" for ch in term):
        return target.ilike(pattern, escape="\\")
    return target.like(pattern, escape="\\")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scope(principal: Principal, *, postgresql: bool = False) -> ColumnElement[bool]:
    """Row scoping for the search and the export: the same rows as :func:`repo.scope_clause`.

    On PostgreSQL a unit's scope (lead unit in its subtree, or a co-unit in it, or registered by
    the user) is written with arrays computed once per statement — ``lead_department_id =
    ANY(ARRAY(subtree))``, ``id = ANY(ARRAY(co-handled case ids))``, ``created_by_id = :me`` —
    three conditions each served by an index, so PostgreSQL can OR their bitmaps and AND them
    with a filter's (bigrams, division, grid…) instead of testing a sub-select row by row over
    the whole table (docs/workbench.md, "Row-scoped searches")."""
    if not postgresql or principal.can(Permission.CASE_READ_ALL) or principal.role is Role.PUBLIC:
        return repo.scope_clause(principal)
    arms: list[ColumnElement[bool]] = [Case.created_by_id == principal.user_id]
    if principal.department_path:
        units = func.array(org.subtree_query(principal.department_path).scalar_subquery())
        co_handled = func.array(
            select(CaseUnit.case_id).where(CaseUnit.department_id == any_(units)).scalar_subquery()
        )
        arms += [Case.lead_department_id == any_(units), Case.id == any_(co_handled)]
    return or_(*arms)


def statements(
    principal: Principal,
    clauses: Sequence[ColumnElement[bool]],
    *,
    page: int,
    page_size: int,
    count_cap: int | None,
    postgresql: bool,
    few: bool = False,
) -> tuple[Select[Any], Select[Case]]:
    """The count (up to ``count_cap`` + 1 rows when given) and the page of a search.

    ``few``: the count showed that at most ``count_cap`` rows match. Then the page is sorted
    from the matching rows (an order by ``created_at + interval '0'``, the same order, which no
    index provides) instead of walking the ``created_at`` index backwards until 20 match: that
    walk is PostgreSQL's choice when it assumes matches are spread evenly over time, and reads
    most of the table when they are not (a day's number prefix, an old district's cases)."""
    base = select(Case).where(scope(principal, postgresql=postgresql), *clauses)
    if count_cap is None:
        counted = base.with_only_columns(Case.id).order_by(None).subquery()
    else:
        counted = base.with_only_columns(Case.id).order_by(None).limit(count_cap + 1).subquery()
    count_stmt = select(func.count()).select_from(counted)
    newest: Any = Case.created_at
    if few and postgresql:
        newest = Case.created_at + literal_column("INTERVAL '0 seconds'")
    page_stmt = base.order_by(newest.desc(), Case.id.desc()).offset((page - 1) * page_size).limit(page_size)
    return count_stmt, page_stmt


def search_page(
    session: Session,
    principal: Principal,
    clauses: Sequence[ColumnElement[bool]],
    *,
    page: int,
    page_size: int,
    count_cap: int | None = None,
) -> tuple[list[Case], int, bool]:
    """A page of matching cases, newest first, and their number — counted only up to
    ``count_cap`` when given (``(cases, cap, True)`` beyond it): a search that matches a large
    share of the cases stops counting early instead of reading every row."""
    pg = uses_bigrams(session)
    count_stmt, _ = statements(
        principal, clauses, page=page, page_size=page_size, count_cap=count_cap, postgresql=pg
    )
    total = int(session.scalar(count_stmt) or 0)
    capped = count_cap is not None and total > count_cap
    if total <= (page - 1) * page_size:
        return [], min(total, count_cap or total), capped  # nothing on this page: no second query
    _, page_stmt = statements(
        principal,
        clauses,
        page=page,
        page_size=page_size,
        count_cap=count_cap,
        postgresql=pg,
        few=count_cap is not None and not capped,
    )
    rows = session.scalars(page_stmt).all()
    return list(rows), min(total, count_cap or total), capped


def count(session: Session, principal: Principal, clauses: Sequence[ColumnElement[bool]]) -> int:
    pg = uses_bigrams(session)
    stmt = select(func.count()).select_from(Case).where(scope(principal, postgresql=pg), *clauses)
    return int(session.scalar(stmt) or 0)


EXPORT_COLUMNS = (
    Case.number,
    Case.created_at,
    Case.channel,
    Case.appeal_type,
    Case.subject,
    Case.content,
    Case.address,
    Case.division_code,
    Case.grid_code,
    Case.category_id,
    Case.status,
    Case.lead_department_id,
    Case.due_at,
    Case.warn_at,
    Case.clock_stopped_at,
    Case.contact_name,
    Case.contact_phone,
    Case.confidential,
    Case.supervision_count,
    Case.extension_amount,
    Case.reopen_count,
    Case.parent_case_id,
    Case.replied_at,
    Case.rating,
)


def export_rows(
    session: Session, principal: Principal, clauses: Sequence[ColumnElement[bool]], *, limit: int
) -> Iterator[Any]:
    """The matching rows, newest first, as plain rows fetched 1,000 at a time (a server-side
    cursor on PostgreSQL): memory stays flat whatever the number of rows."""
    stmt = (
        select(*EXPORT_COLUMNS)
        .where(scope(principal, postgresql=uses_bigrams(session)), *clauses)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
        .execution_options(yield_per=1000)
    )
    yield from session.execute(stmt)


# ---- saved queues -----------------------------------------------------------------------------


def saved_queues(session: Session, user_id: int) -> list[SavedQueue]:
    stmt = select(SavedQueue).where(SavedQueue.user_id == user_id).order_by(SavedQueue.name)
    return list(session.scalars(stmt))


def saved_queue(session: Session, user_id: int, queue_id: int) -> SavedQueue | None:
    stmt = select(SavedQueue).where(SavedQueue.id == queue_id, SavedQueue.user_id == user_id)
    return session.scalar(stmt)


def saved_queue_named(session: Session, user_id: int, name: str) -> SavedQueue | None:
    stmt = select(SavedQueue).where(SavedQueue.user_id == user_id, SavedQueue.name == name)
    return session.scalar(stmt)


def count_saved_queues(session: Session, user_id: int) -> int:
    stmt = select(func.count()).select_from(SavedQueue).where(SavedQueue.user_id == user_id)
    return int(session.scalar(stmt) or 0)


def add_saved_queue(session: Session, row: SavedQueue) -> None:
    session.add(row)
    session.flush()


def delete_saved_queue(session: Session, user_id: int, queue_id: int) -> int:
    result = session.execute(
        delete(SavedQueue).where(SavedQueue.id == queue_id, SavedQueue.user_id == user_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)
