"""Pure supervision rules (docs/services.md, "Electronic supervision").

* *late*: an application still running is **overdue** against a deadline once that instant has
  passed, **at risk** once it is at most :data:`AT_RISK_WORKING_DAYS` working days away (or past
  the promised clock's warning instant); both the promised deadline (the case's clock) and the
  legal one (行政许可法 art. 42: counted from acceptance) are judged;
* *slow item*: the median real handling time (from acceptance to decision in the promise's unit,
  special procedures not counted) of at least :data:`MIN_DECIDED` decided applications exceeds the
  promised limit;
* *unfounded*: a refusal to accept (不予受理) or a denial (不予许可) must cite a law or regulation
  by name (《…》) — an empty basis, or words that cite none, are flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from zhizhi.core.workdays import WorkCalendar, local_date

AT_RISK_WORKING_DAYS = 2
MIN_DECIDED = 3
_CITATION = re.compile(r"《[^《》]{2,60}》")


@dataclass(frozen=True, slots=True)
class Lateness:
    promised: str  # normal | at_risk | overdue
    legal: str  # normal | at_risk | overdue | none (no legal deadline yet: not accepted)
    days_left: int | None  # working days to the nearer deadline (negative: overdue)

    @property
    def flagged(self) -> bool:
        return "overdue" in (self.promised, self.legal) or "at_risk" in (self.promised, self.legal)

    @property
    def worst(self) -> str:
        states = (self.promised, self.legal)
        return "overdue" if "overdue" in states else "at_risk" if "at_risk" in states else "normal"


def _state(
    calendar: WorkCalendar, due: datetime | None, now: datetime, warn: datetime | None = None
) -> tuple[str, int | None]:
    if due is None:
        return "none", None
    if now > due:
        start, end = local_date(due), local_date(now)
        return "overdue", -calendar.working_days_between(start, end)
    left = calendar.working_days_between(local_date(now), local_date(due))
    if left <= AT_RISK_WORKING_DAYS or (warn is not None and now >= warn):
        return "at_risk", left
    return "normal", left


def lateness(
    calendar: WorkCalendar,
    *,
    now: datetime,
    promised_due: datetime | None,
    promised_warn: datetime | None,
    legal_due: datetime | None,
) -> Lateness:
    promised, p_left = _state(calendar, promised_due, now, promised_warn)
    legal, l_left = _state(calendar, legal_due, now)
    lefts = [x for x in (p_left, l_left) if x is not None]
    return Lateness(promised if promised != "none" else "normal", legal, min(lefts) if lefts else None)


def handling_time(
    calendar: WorkCalendar, unit: str, accepted_at: datetime, decided_at: datetime, paused_days: int = 0
) -> int:
    """From acceptance to decision in the promise's unit: working days (the day after acceptance
    counts first) or calendar days, less the days of special procedures; or whole hours."""
    if unit == "hour":
        return max(0, int((decided_at - accepted_at).total_seconds() // 3600))
    if unit == "calendar_day":
        days = (local_date(decided_at) - local_date(accepted_at)).days
    else:
        days = calendar.working_days_between(local_date(accepted_at), local_date(decided_at))
    return max(0, days - paused_days)


def median_days(durations: list[int]) -> float | None:
    return float(median(durations)) if durations else None


def exceeds_promise(durations: list[int], promised: int | None) -> bool:
    """At least :data:`MIN_DECIDED` decisions and their median above the promise (same unit)."""
    if promised is None or len(durations) < MIN_DECIDED:
        return False
    m = median_days(durations)
    return m is not None and m > promised


def cites_law(basis: str | None) -> bool:
    """A basis names a law or regulation (《中华人民共和国行政许可法》第三十二条…)."""
    return bool(basis and _CITATION.search(basis))
