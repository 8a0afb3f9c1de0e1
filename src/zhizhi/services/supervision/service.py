"""Supervision's use case: the three lists (late or at risk, slow items, unfounded refusals) in
the reader's scope. Read-only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import clock
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import Forbidden
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.services.supervision import facts, rules


@dataclass(frozen=True, slots=True)
class Late:
    a: facts.Running
    j: rules.Lateness
    department: str


@dataclass(frozen=True, slots=True)
class Slow:
    item_code: str
    item_name: str
    department: str
    decided: int
    median: float | None
    promised: dict[str, Any]
    over: int


@dataclass(frozen=True, slots=True)
class Unfounded:
    r: facts.Refusal
    department: str


SLOW_WINDOW_DAYS = 180  # decisions of the last half year judge an item's real handling time
REFUSAL_WINDOW_DAYS = 90


def _scope(principal: Principal) -> Any:
    """*Rule:* city-wide readers see every department; others their department's subtree."""
    if principal.can(Permission.CASE_READ_ALL):
        return None
    return org.subtree_query(principal.department_path or "/-/")


def overview(session: Session, principal: Principal, *, limit: int = 200) -> dict[str, Any]:
    if not principal.can(Permission.SERVICE_SUPERVISE):
        raise Forbidden("当前角色不能查看电子监察", "your role cannot read the electronic supervision")
    now = clock.now()
    calendar = load_calendar(session)
    scope = _scope(principal)
    depts: dict[int, str] = {}

    def dept(department_id: int | None) -> str:
        if department_id is None:
            return "—"
        if department_id not in depts:
            d = org.department(session, department_id)
            depts[department_id] = d.name if d else "—"
        return depts[department_id]

    late: list[Late] = []
    for a in facts.running(session, scope):
        if a.paused:
            continue
        judged = rules.lateness(
            calendar,
            now=now,
            promised_due=a.promised_due,
            promised_warn=a.promised_warn,
            legal_due=a.legal_due,
        )
        if judged.flagged:
            late.append(Late(a, judged, dept(a.department_id)))
    late.sort(key=lambda r: (r.j.worst != "overdue", r.j.days_left if r.j.days_left is not None else 0))

    by_item: dict[str, list[facts.Decided]] = defaultdict(list)
    for d in facts.decided(session, now - timedelta(days=SLOW_WINDOW_DAYS), scope):
        by_item[d.item_code].append(d)
    slow: list[Slow] = []
    for code, rows in by_item.items():
        promise = rows[-1].promised_limit
        unit = str(promise.get("unit", "working_day"))
        durations = [
            rules.handling_time(calendar, unit, d.accepted_at, d.decided_at, d.paused_days) for d in rows
        ]
        value = promise.get("value")
        promised_days = value if isinstance(value, int) else None
        if rules.exceeds_promise(durations, promised_days):
            over = sum(1 for x in durations if promised_days is not None and x > promised_days)
            median = rules.median_days(durations)
            slow.append(
                Slow(
                    code,
                    rows[-1].item_name,
                    dept(rows[-1].department_id),
                    len(durations),
                    median,
                    promise,
                    over,
                )
            )
    slow.sort(key=lambda r: -(r.median or 0))

    unfounded = [
        Unfounded(r, dept(r.department_id))
        for r in facts.refusals(session, now - timedelta(days=REFUSAL_WINDOW_DAYS), scope)
        if not rules.cites_law(r.basis)
    ]
    return {
        "now": now,
        "late": late[:limit],
        "late_total": len(late),
        "overdue_total": sum(1 for r in late if r.j.worst == "overdue"),
        "at_risk_total": sum(1 for r in late if r.j.worst == "at_risk"),
        "slow": slow[:limit],
        "unfounded": unfounded[:limit],
        "slow_window_days": SLOW_WINDOW_DAYS,
        "refusal_window_days": REFUSAL_WINDOW_DAYS,
    }
