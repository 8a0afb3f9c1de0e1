"""The 2026 working-day calendar written out from the State Council notice (DOMAIN.md §4), so
deadline tests do not depend on the package the production calendar is seeded from."""

from __future__ import annotations

from datetime import date, timedelta

from zhizhi.core.workdays import WorkCalendar


def _span(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# 元旦 1/1–1/3, 春节 2/15–2/23, 清明 4/4–4/6, 劳动节 5/1–5/5, 端午 6/19–6/21, 中秋 9/25–9/27, 国庆 10/1–10/7
HOLIDAYS_2026 = [
    *_span("2026-01-01", "2026-01-03"),
    *_span("2026-02-15", "2026-02-23"),
    *_span("2026-04-04", "2026-04-06"),
    *_span("2026-05-01", "2026-05-05"),
    *_span("2026-06-19", "2026-06-21"),
    *_span("2026-09-25", "2026-09-27"),
    *_span("2026-10-01", "2026-10-07"),
]
MAKEUP_WORKDAYS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


def days_2026() -> list[tuple[date, bool]]:
    off, on = set(HOLIDAYS_2026), set(MAKEUP_WORKDAYS_2026)
    return [(d, d in on or (d.weekday() < 5 and d not in off)) for d in _span("2026-01-01", "2026-12-31")]


CAL_2026 = WorkCalendar.from_days(days_2026())
