"""Answer deadlines in working days (the calendar, not a library at request time), warnings and
overdue requests in the supervision queue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar

from tests.sharing.conftest import SharingCity
from zhizhi.core import clock


def _nth_workday_after(start: date, n: int) -> date:
    """An independent oracle: the chinesecalendar package's own workday list."""
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def test_due_date_counts_ten_working_days_over_national_day(city: SharingCity) -> None:
    clock.freeze(datetime(2026, 9, 28, 2, 0, tzinfo=UTC))  # Monday 28 September, 10:00 in Changsha
    req = city.request("st_zj", "GA-RK-001", ["name"])
    assert req["due_date"] == _nth_workday_after(date(2026, 9, 28), 10).isoformat()
    # 29, 30 September; 8, 9, 10 (the make-up Saturday) and 12–16 October: 国庆 1–7 October off
    assert req["due_date"] == "2026-10-16"
    assert req["due_state"] == "normal"


def test_supervision_orders_overdue_then_warning(city: SharingCity) -> None:
    clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # Monday 2 November
    old = city.request("st_zj", "GA-RK-001", ["name"])  # due 16 November
    clock.freeze(datetime(2026, 11, 13, 2, 0, tzinfo=UTC))
    middle = city.request("st_jy", "RS-SB-001", ["name"])  # due 27 November
    clock.freeze(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    new = city.request("st_jy", "ZRZY-BDC-001", ["use"])  # due 8 December
    clock.freeze(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # Wednesday 25 November
    r = city.client.get("/api/v1/sharing/supervision", headers=city.h("supervisor"))
    assert r.status_code == 200
    assert [(x["number"], x["due_date"], x["due_state"]) for x in r.json()] == [
        (old["number"], "2026-11-16", "overdue"),
        (middle["number"], "2026-11-27", "warning"),  # two working days left
        (new["number"], "2026-12-08", "normal"),
    ]
    assert city.client.get("/api/v1/sharing/supervision", headers=city.h("h_zj")).status_code == 403
    # an answer after the deadline is still recorded, and marked late in the audit trail
    done = city.decide("st_ga", old["number"], False, reason="申请字段与用途不匹配")
    assert done["status"] == "refused"
    assert done["reason"] == "申请字段与用途不匹配"
    rest = city.client.get("/api/v1/sharing/supervision", headers=city.h("supervisor")).json()
    assert [x["number"] for x in rest] == [middle["number"], new["number"]]


def test_request_validation(city: SharingCity) -> None:
    clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    r = city.request("st_zj", "GA-RK-001", ["name", "salary"], expect=422)
    assert r["field"] == "fields"
    r = city.request("st_zj", "GA-RK-001", ["name"], period=("2026-12-01", "2026-11-01"), expect=422)
    assert r["field"] == "period_end"
    r = city.request("st_zj", "GA-RK-001", ["name"], period=("2026-01-01", "2030-01-01"), expect=422)
    assert r["message"]["en"] == "the period is at most three years"
    r = city.request("st_ga", "GA-RK-001", ["name"], expect=422)  # its own data
    assert r["field"] == "resource"
    r = city.request("st_zj", "NOPE", ["name"], expect=404)
    assert r["field"] == "resource"
    r = city.request("h_zj", "GA-RK-001", ["name"], expect=403)  # handlers do not request data
    r = city.client.post(
        "/api/v1/sharing/requests",
        json={"resource": "GA-RK-001", "purpose": "service", "fields": ["name"], "extra": 1},
        headers=city.h("st_zj"),
    )
    assert r.status_code == 422
