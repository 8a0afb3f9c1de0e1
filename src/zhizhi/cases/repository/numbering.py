"""Citizen-facing case numbers: ``YYYYMMDD`` + a 5-digit serial that restarts every day.

* SQLite: a counter row per day bumped with ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside
  the creating transaction (SQLite serialises writers anyway, so there is no gap and no wait).
* PostgreSQL: one sequence per day (``case_no_YYYYMMDD``), created on first use.  ``nextval`` takes
  no row lock, so concurrent creations never queue behind each other's commits (a counter row
  would be locked until each creating transaction's fsync, capping creations at one per commit).
  The price: a creation that fails after drawing its number leaves a gap, as database sequences
  do in every 12345 platform we know.  A new day's sequence starts after the highest serial
  already used that day (by the counter table of an older version or a restored backup).
  Sequences are tiny; about 365 accumulate a year and none is dropped automatically.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date

from sqlalchemy import ColumnElement, Engine, String, bindparam, case, cast, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from zhizhi.cases.models import Case, CaseNumberSequence

_known: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()  # sequences seen
_known_lock = threading.Lock()


def _sequence_name(day: date) -> str:
    return f"case_no_{day:%Y%m%d}"  # digits only: safe to interpolate


def _ensure_sequence(engine: Engine, day: date) -> str:
    name = _sequence_name(day)
    with _known_lock:
        if name in _known.get(engine, ()):
            return name
    prefix = f"{day:%Y%m%d}"
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        exists = conn.scalar(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name})
        if not exists:
            used_cases = conn.scalar(
                select(func.max(Case.number)).where(Case.number.startswith(prefix, autoescape=True))
            )
            used_counter = conn.scalar(select(CaseNumberSequence.last).where(CaseNumberSequence.day == day))
            start = max(int(used_cases[8:]) if used_cases else 0, used_counter or 0) + 1
            try:
                conn.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}"))
            except DBAPIError:  # a concurrent first creation of the day created it a moment earlier
                if not conn.scalar(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}):
                    raise
    with _known_lock:
        _known.setdefault(engine, set()).add(name)
    return name


def number_sql() -> ColumnElement[str]:
    """PostgreSQL: the SQL that draws the next number inside the INSERT itself (see
    :func:`number_params` for its parameters)."""
    drawn = select(func.nextval(bindparam("number_sequence", type_=String)).label("n")).subquery("serial")
    text_ = cast(drawn.c.n, String)
    padded = case((drawn.c.n < 100_000, func.lpad(text_, 5, "0")), else_=text_)  # widens past 99,999
    return select(bindparam("number_day", type_=String) + padded).scalar_subquery()


def number_params(engine: Engine, day: date) -> dict[str, str]:
    return {"number_sequence": _ensure_sequence(engine, day), "number_day": f"{day:%Y%m%d}"}


def next_number(session: Session, day: date) -> str:
    """The next number of ``day``; see the module docstring for how each database draws it."""
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        assert isinstance(engine, Engine)
        return str(session.execute(select(number_sql()), number_params(engine, day)).scalar_one())
    stmt = (
        sqlite_insert(CaseNumberSequence)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=["day"], set_={"last": CaseNumberSequence.last + 1})
        .returning(CaseNumberSequence.last)
    )
    serial = session.execute(stmt).scalar_one()
    return f"{day:%Y%m%d}{serial:05d}"
