"""The cockpit's use cases: a leader's instruction (领导指令) becomes a case under supervision (its
one write); outcome figures (recurrence) beside the rates; the unit table ranked or not."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import queries
from zhizhi.cases import schemas as s
from zhizhi.cases import service as cases
from zhizhi.cases.enums import Channel
from zhizhi.cases.periods import Period
from zhizhi.cases.service import Case
from zhizhi.cockpit import outcomes
from zhizhi.cockpit import repository as repo
from zhizhi.core import clock
from zhizhi.core.db import savepoint
from zhizhi.core.errors import Forbidden
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings

DEFAULT_NOTE = "领导指令，请优先办理"


def issue_instruction(
    session: Session,
    principal: Principal,
    *,
    content: str,
    address: str | None,
    category: str | None,
    urgency: str,
    note: str | None,
) -> Case:
    """Register a system-channel case titled 领导指令 and put it under supervision at once: both
    steps or neither. 403 for a role without ``case:supervise``; Pydantic's ``ValidationError``
    for bad fields (as the API's body would give)."""
    if not principal.can(Permission.CASE_SUPERVISE):
        raise Forbidden("当前角色不能下达指令", "your role cannot issue instructions")
    data = s.CaseCreate.model_validate(
        {
            "channel": Channel.SYSTEM,
            "subject": f"领导指令：{content.strip()[:20]}" if content.strip() else None,
            "content": content,
            "address": address,
            "category": category,
            "urgency": urgency,
        }
    )
    supervise = s.Supervise(action="supervise", note=note or DEFAULT_NOTE)
    with savepoint(session):
        case, _ = cases.create_case(session, data, principal)
        cases.perform(session, principal, case.number, supervise)
    return case


# the last recurrence counts per scope and filters, kept while the period's closures are the same
# and for at most REFRESH_SECONDS (new appeals count from the next window): a leader's refresh
# does not score the period again
REFRESH_SECONDS = 300
_CACHE_SIZE = 64
_outcomes_cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], dict[str, Any], dict[str, dict[str, Any]]]] = {}

# 0017: the city-wide figures of each period are computed by a background job
# (``cockpit.refresh_recurrence``, every ZHIZHI_RECURRENCE_INTERVAL_MINUTES and at a runner's start
# when none exist) and read from ``cockpit_snapshots`` by the page: a cold count at 100,000 cases
# takes seconds, too long for a request
SNAPSHOT_PREFIX = "recurrence:"
SNAPSHOT_PERIODS = ("today", "7d", "30d", "month")  # the cockpit's periods (pages.PERIODS)
READER = Principal(0, "system", "系统", Role.LEADER, None, None)  # city-wide, read-only


def snapshot_key(span: Period) -> str:
    return f"{SNAPSHOT_PREFIX}{span.first_day.isoformat()}:{span.last_day.isoformat()}"


def _compute(
    session: Session, principal: Principal, span: Period, category: str | None, district: str | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    closed = queries.closed_cases(session, principal, span, category, district)
    sampled = len(closed) > outcomes.SAMPLE
    if sampled:  # evenly spaced over the period's closures: an estimate, and said so
        step = len(closed) / outcomes.SAMPLE
        closed = [closed[int(i * step)] for i in range(outcomes.SAMPLE)]
    horizon = max(outcomes.WINDOWS)
    later = queries.appeals_after(session, principal, closed[0].closed_at, horizon) if closed else []
    found = outcomes.find_recurrences(closed, later, horizon=horizon)
    return outcomes.summarise(found) | {"sampled": sampled}, outcomes.by_unit(found)


def refresh_recurrence(session: Session) -> dict[str, float]:
    """Compute and store the city-wide recurrence figures of every cockpit period (the job's
    work; safe to run again: each run overwrites its periods' snapshots and drops those of
    periods that have moved on). Returns seconds per snapshot key."""
    keys: dict[str, float] = {}
    for name in SNAPSHOT_PERIODS:
        span = queries.named_period(name)
        key = snapshot_key(span)
        if key in keys:
            continue
        t0 = time.perf_counter()
        summary, units = _compute(session, READER, span, None, None)
        seconds = round(time.perf_counter() - t0, 3)
        figures = {"summary": summary, "units": units}
        repo.store(session, key, json.loads(json.dumps(figures, default=str)), clock.now(), seconds)
        keys[key] = seconds
    repo.prune(session, SNAPSHOT_PREFIX, set(keys))
    return keys


# 0018: each closed case's own result, kept up to date by the same job (new closures scored
# against the appeals after them; cases not yet recurred, against the appeals since their last
# check): a filtered or unit-scoped view adds up stored results instead of scoring text
RECURRENCE_BATCH = 20_000  # new closures scored per run at most (the rest: the next run)


def _job_span() -> Period:
    """The closures every cockpit period can ask about: the union of the snapshot periods."""
    spans = [queries.named_period(name) for name in SNAPSHOT_PERIODS]
    first = min(spans, key=lambda p: p.start)
    last = max(spans, key=lambda p: p.end)
    return Period(first.start, last.end, first.first_day, last.last_day)


def refresh_case_recurrences(session: Session) -> dict[str, int]:
    """Score the period's new closures (no stored result, or closed again since) against the
    appeals after them, and re-check the ones not yet recurred within the window against the
    appeals registered since their last check; drop results no period reaches. Safe to run
    again. Returns the counts of scored (``new``), re-checked (``rechecked``) and pruned rows."""
    now = clock.now()
    span = _job_span()
    horizon = max(outcomes.WINDOWS)
    known = dict(repo.closures(session, queries.closed_query(READER, span, None, None)))
    stored = repo.recurrences_of(session, list(known))
    new = [i for i, at in known.items() if i not in stored or stored[i].closed_at != at]
    new = sorted(new, key=lambda i: (known[i], i))[:RECURRENCE_BATCH]
    open_ = [
        r
        for i, r in stored.items()
        if r.closed_at == known[i]
        and r.returned_by is None
        and (now - r.closed_at).total_seconds() < horizon * 86400
    ]
    results: list[dict[str, Any]] = []
    if new:
        rows = queries.closed_rows_of(session, new)
        later = queries.appeals_after(session, READER, rows[0].closed_at, horizon) if rows else []
        results += _results(rows, outcomes.find_recurrences(rows, later, horizon=horizon), now)
    if open_:
        rows = queries.closed_rows_of(session, [r.case_id for r in open_])
        since = min(r.checked_through for r in open_)
        later = queries.appeals_after(session, READER, since, horizon)
        results += _results(rows, outcomes.find_recurrences(rows, later, horizon=horizon), now)
    repo.save_recurrences(session, results)
    pruned = repo.prune_recurrences(session, span.start)
    return {"new": len(new), "rechecked": len(open_), "pruned": pruned}


def _results(rows: list[Any], found: list[outcomes.Recurrence], now: Any) -> list[dict[str, Any]]:
    return [
        {
            "case_id": row.id,
            "number": row.number,
            "unit": r.unit,
            "closed_at": row.closed_at,
            "returned_by": r.returned_by,
            "days": r.days,
            "checked_through": now,
        }
        for row, r in zip(rows, found, strict=True)
    ]


def _stored_counts(
    session: Session, principal: Principal, span: Period, category: str | None, district: str | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]] | None:
    """The view's figures added up from the stored per-case results; None when none of its
    closed cases has one and the job does not cover the period (or has not run yet today): then
    it is computed live."""
    counts = repo.recurrence_counts(
        session, queries.closed_query(principal, span, category, district), outcomes.WINDOWS
    )
    if not counts["covered"] and not (span.start >= _job_span().start and has_snapshot(session)):
        return None

    def rates(figures: dict[str, Any]) -> dict[str, Any]:
        for w in outcomes.WINDOWS:
            figures[f"rate_{w}"] = outcomes.rate(figures[f"recurred_{w}"], figures["closed"])
        return figures

    examples = counts["examples"]
    if not principal.can(Permission.CASE_READ_ALL):  # a returning appeal the unit may not read
        seen = queries.visible_numbers(session, principal, [b for _, b, _ in examples])
        examples = [e for e in examples if e[1] in seen]
    summary = rates(
        {f"recurred_{w}": sum(u[f"recurred_{w}"] for u in counts["units"].values()) for w in outcomes.WINDOWS}
        | {"closed": counts["covered"]}
    )
    summary |= {
        "examples": examples,
        "sampled": False,
        "computed_at": counts["computed_at"],
        "stored": True,
        "pending": counts["closed"] - counts["covered"],
    }
    units = {u: rates(dict(f)) for u, f in counts["units"].items() if u is not None}
    return summary, units


def has_snapshot(session: Session) -> bool:
    """Whether the default period's (30 days) snapshot exists for today."""
    return repo.snapshot(session, snapshot_key(queries.named_period("30d"))) is not None


def outcome_figures(
    session: Session,
    principal: Principal,
    span: Period,
    category: str | None,
    district: str | None,
    ranking: list[dict[str, Any]],
) -> dict[str, Any]:
    """The period's recurrence summary (``cockpit.outcomes``); each ranking row gains ``outcome``
    (its unit's recurrence figures) and ``flag`` (high satisfaction while problems return).
    City-wide and unfiltered: the background snapshot when there is one (its ``computed_at``
    in the summary). A unit's scope or a filter: the stored per-case results of the view's
    closed cases added up (``stored``; closures since the last run are ``pending``). Neither
    (a period the job does not cover, nothing computed yet): computed here, cached per process."""
    stored = None
    if principal.can(Permission.CASE_READ_ALL) and category is None and district is None:
        stored = repo.snapshot(session, snapshot_key(span))
    if stored is not None:
        summary = dict(stored.figures["summary"]) | {"computed_at": stored.computed_at}
        units = stored.figures["units"]
    else:
        summary, units = _stored_counts(session, principal, span, category, district) or _cached(
            session, principal, span, category, district
        )
    for row in ranking:
        row["outcome"] = units.get(row["code"])
        row["flag"] = outcomes.flagged(row["satisfaction"], row["outcome"])
    return summary


def _cached(
    session: Session, principal: Principal, span: Period, category: str | None, district: str | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    marker = queries.closure_marker(session, principal, span, category, district)
    marker = (*marker, int(time.time() // REFRESH_SECONDS))  # new appeals: seen within minutes
    scope = (
        "all" if principal.can(Permission.CASE_READ_ALL) else (principal.user_id, principal.department_path)
    )
    key = (scope, span, category, district)
    hit = _outcomes_cache.get(key)
    if hit is not None and hit[0] == marker:
        return hit[1], hit[2]
    summary, units = _compute(session, principal, span, category, district)
    if len(_outcomes_cache) >= _CACHE_SIZE:
        _outcomes_cache.pop(next(iter(_outcomes_cache)))
    _outcomes_cache[key] = (marker, summary, units)
    return summary, units


def order_units(ranking: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units ranked by on-time rate when the deployment ranks units (``ZHIZHI_UNIT_RANKINGS``),
    else in the order of their codes: the same figures, no league table."""
    if get_settings().unit_rankings:
        return ranking
    return sorted(ranking, key=lambda r: r["code"])
