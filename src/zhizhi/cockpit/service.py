"""The cockpit's use cases: a leader's instruction (领导指令) becomes a case under supervision (its
one write); outcome figures (recurrence) beside the rates; the unit table ranked or not."""

from __future__ import annotations

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
from zhizhi.core.db import savepoint
from zhizhi.core.errors import Forbidden
from zhizhi.core.permissions import Permission
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


def outcome_figures(
    session: Session,
    principal: Principal,
    span: Period,
    category: str | None,
    district: str | None,
    ranking: list[dict[str, Any]],
) -> dict[str, Any]:
    """The period's recurrence summary (``cockpit.outcomes``); each ranking row gains ``outcome``
    (its unit's recurrence figures) and ``flag`` (high satisfaction while problems return)."""
    marker = queries.closure_marker(session, principal, span, category, district)
    marker = (*marker, int(time.time() // REFRESH_SECONDS))  # new appeals: seen within minutes
    scope = (
        "all" if principal.can(Permission.CASE_READ_ALL) else (principal.user_id, principal.department_path)
    )
    key = (scope, span, category, district)
    hit = _outcomes_cache.get(key)
    if hit is not None and hit[0] == marker:
        summary, units = hit[1], hit[2]
    else:
        closed = queries.closed_cases(session, principal, span, category, district)
        sampled = len(closed) > outcomes.SAMPLE
        if sampled:  # evenly spaced over the period's closures: an estimate, and said so
            step = len(closed) / outcomes.SAMPLE
            closed = [closed[int(i * step)] for i in range(outcomes.SAMPLE)]
        horizon = max(outcomes.WINDOWS)
        later = queries.appeals_after(session, principal, closed[0].closed_at, horizon) if closed else []
        found = outcomes.find_recurrences(closed, later, horizon=horizon)
        summary, units = outcomes.summarise(found) | {"sampled": sampled}, outcomes.by_unit(found)
        if len(_outcomes_cache) >= _CACHE_SIZE:
            _outcomes_cache.pop(next(iter(_outcomes_cache)))
        _outcomes_cache[key] = (marker, summary, units)
    for row in ranking:
        row["outcome"] = units.get(row["code"])
        row["flag"] = outcomes.flagged(row["satisfaction"], row["outcome"])
    return summary


def order_units(ranking: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units ranked by on-time rate when the deployment ranks units (``ZHIZHI_UNIT_RANKINGS``),
    else in the order of their codes: the same figures, no league table."""
    if get_settings().unit_rankings:
        return ranking
    return sorted(ranking, key=lambda r: r["code"])
