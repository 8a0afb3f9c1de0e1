"""SQL of the workbench's search and export, and of users' saved queues.

Every clause is written so that PostgreSQL can use an index (migration 0009): number prefixes and
division prefixes as ranges, text as ``ILIKE`` over pg_trgm GIN indexes (subject, content,
address), the phone through its keyed blind indexes (0012, docs/crypto.md), the rest as
equalities on b-tree indexes. SQLite runs the same SQL (its LIKE is case-insensitive for ASCII;
no trigram index there, a scan of the scoped rows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Text,
    and_,
    any_,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases.enums import SlaState
from zhizhi.cases.filters import CaseFilter
from zhizhi.cases.models import Case, CaseUnit, SavedQueue
from zhizhi.cases.periods import local_period
from zhizhi.cases.repository import stats
from zhizhi.catalogue import service as catalogue
from zhizhi.core import fieldcrypt
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
        if bigrams and len(f.q) < 3:
            out.append(func.zhizhi_case_bigrams(Case.subject, Case.content).op("@>")(_bigrams_of(f.q)))
        out.append(_contains(Case.subject, f.q) | _contains(Case.content, f.q))
    if f.phone:
        # confidential cases never match a phone search: their contact is hidden from everyone
        out.append(Case.confidential.is_(False))
        # through the keyed blind indexes: the phone itself is encrypted (docs/crypto.md)
        if len(f.phone) == 4:
            out.append(Case.contact_phone_tail.in_(fieldcrypt.phone_indexes(f.phone, tail=True)))
        else:
            out.append(Case.contact_phone_index.in_(fieldcrypt.phone_indexes(f.phone)))
    if f.address:
        if bigrams and len(f.address) < 3:
            out.append(func.zhizhi_bigrams(Case.address).op("@>")(_bigrams_of(f.address)))
        out.append(_contains(Case.address, f.address))
    if f.division:
        out.append(_prefix_range(Case.division_code, f.division, _DIVISION_LENGTH))
    if f.grid:
        out.append(Case.grid_code == f.grid)
    if f.category:
        out.append(Case.category_id.in_(catalogue.category_ids(f.category)))
    if f.channel:
        out.append(Case.channel == f.channel.value)
    if f.kind:
        out.append(Case.kind == f.kind.value)
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


def _contains(column: Any, term: str) -> ColumnElement[bool]:
    """``column`` contains ``term``, case-insensitively: ``ILIKE`` when the term has Latin letters,
    else ``LIKE`` (Chinese and digits have no case, and PostgreSQL's LIKE is several times faster
    than ILIKE on them). A term of 3 or more characters is matched on the column, which pg_trgm's
    GIN index serves. A shorter term has no trigram, so that index would hand back every row to
    recheck: it is matched on ``coalesce(column, '')``, which no index serves — on PostgreSQL
    the bigram condition beside it finds the candidates (0016; docs/workbench.md)."""
    pattern = f"%{_escape(term)}%"
    target = func.coalesce(column, "") if len(term) < 3 else column
    if any("a" <= ch.lower() <= "z" for ch in term):
        return target.ilike(pattern, escape="\\")
    return target.like(pattern, escape="\\")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scope(session: Session, principal: Principal) -> ColumnElement[bool]:
    """Row scoping for the search and the export: the same rows as :func:`repo.scope_clause`.

    On PostgreSQL a unit's scope (lead unit in its subtree, or a co-unit in it, or registered by
    the user) is written with constant arrays read first — ``lead_department_id = ANY(:units)``,
    ``id = ANY(:co_handled)``, ``created_by_id = :me`` — three conditions each served by an
    index, so PostgreSQL can OR their bitmaps and AND them with a filter's (bigrams, division,
    grid…); where it tests them row by row instead, a constant array is a hash lookup. A
    sub-select in an ``OR`` is neither (docs/workbench.md, "Row-scoped searches")."""
    if not uses_bigrams(session) or principal.can(Permission.CASE_READ_ALL) or principal.role is Role.PUBLIC:
        return repo.scope_clause(principal)
    arms: list[ColumnElement[bool]] = [Case.created_by_id == principal.user_id]
    if principal.department_path:
        units = list(session.scalars(org.subtree_query(principal.department_path)))
        co_handled = list(
            session.scalars(select(CaseUnit.case_id).where(CaseUnit.department_id.in_(units)).distinct())
        )
        arms.append(Case.lead_department_id == any_(_ints(units)))
        if co_handled:
            arms.append(Case.id == any_(_ints(co_handled)))
    return or_(*arms)


def _ints(values: list[int]) -> ColumnElement[Any]:
    return cast(literal(values, type_=ARRAY(Integer)), ARRAY(Integer))


def statements(
    clauses: Sequence[ColumnElement[bool]],
    *,
    page: int,
    page_size: int,
    count_cap: int | None,
    scope_clause: ColumnElement[bool],
) -> tuple[Select[int, datetime], Select[Case]]:
    """The matches (``id``, ``created_at``; at most ``count_cap`` + 1 when given, unordered) and
    the page of a search in time order (newest first)."""
    base = select(Case).where(scope_clause, *clauses)
    matches = base.with_only_columns(Case.id, Case.created_at).order_by(None)
    if count_cap is not None:
        matches = matches.limit(count_cap + 1)
    page_stmt = (
        base.order_by(Case.created_at.desc(), Case.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return matches, page_stmt


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
    share of the cases stops counting early instead of reading every row.

    One statement reads the matches' ids and times (up to the cap). If they are all there, the
    page is cut from them here and its cases fetched by id: no second search, and no walk of
    the ``created_at`` index — PostgreSQL's choice for ``ORDER BY created_at DESC LIMIT 20`` when
    it assumes matches spread evenly over time, which reads most of the table when they are not
    (a day's number prefix, a district without visible cases). Beyond the cap, the page is read
    in time order within the span the matches read so far prove sufficient."""
    if uses_bigrams(session):
        # plan each search with its own values: a generic plan (psycopg prepares a statement
        # run 5 times on a connection) cannot fold the term's bigrams or see the scope's arrays
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    matches_stmt, page_stmt = statements(
        clauses,
        page=page,
        page_size=page_size,
        count_cap=count_cap,
        scope_clause=scope(session, principal),
    )
    if count_cap is None:
        total = int(session.scalar(select(func.count()).select_from(matches_stmt.subquery())) or 0)
        return list(session.scalars(page_stmt).all()), total, False
    matches = [(row[1], row[0]) for row in session.execute(matches_stmt)]
    matches.sort(reverse=True)
    if len(matches) > count_cap:
        # more matches than read: the page is read in time order, bounded below by the time of
        # the k-th newest match read (k = the last row of the page). Those k are matches, so the
        # k newest of all are at least that new: PostgreSQL reads a short span of time, not a
        # backward walk that may cross most of the table when the matches are old.
        last = page * page_size
        if last <= len(matches):
            page_stmt = page_stmt.where(Case.created_at >= matches[last - 1][0])
        return list(session.scalars(page_stmt).all()), count_cap, True
    ids = [case_id for _, case_id in matches[(page - 1) * page_size : page * page_size]]
    if not ids:
        return [], len(matches), False
    found = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
    return [found[i] for i in ids if i in found], len(matches), False  # (a row gone since: skipped)


def count(session: Session, principal: Principal, clauses: Sequence[ColumnElement[bool]]) -> int:
    stmt = select(func.count()).select_from(Case).where(scope(session, principal), *clauses)
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
        .where(scope(session, principal), *clauses)
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
