"""What happens after the demo's closures: problems that come back, and the grid worker's work.

Recurrences (复发): some closed problems are reported again at the same address days or weeks
after closure, as a real city sees them; one unit — the one with most closures — gets more of
them than the others, so the cockpit's "satisfied, yet recurring" flag has something real to
show (docs/cockpit.md).  The grid worker's community receives a few territorial cases, so
``grid`` lands on work instead of empty queues.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.enums import Channel
from zhizhi.core import clock
from zhizhi.org import service as org

AGAIN = ("又出现了：", "问题又来了，", "之前反映过已办结，现在又这样了：")
GRID_CASES = [
    ("楼道堆放杂物", "小区2栋楼道长期堆放纸箱和旧家具，堵塞消防通道，请网格员上门劝导清理。"),
    ("路灯不亮", "社区主干道三盏路灯坏了一周，晚上老人出行不安全。"),
    ("井盖松动", "社区菜市场门口井盖松动，车辆经过响声很大，存在安全隐患。"),
    ("流浪犬扰民", "小区里有几只流浪犬夜间吠叫，还追咬过小孩，希望处理。"),
]


def load_recurrences(
    session: Session,
    closed: list[tuple[s.CaseCreate, str, datetime]],
    *,
    seed: int = 12345,
    end: datetime | None = None,
) -> int:
    """New appeals on the same problem at the same place after some closures; returns how many."""
    rng = random.Random(seed)
    end = end or clock.now()
    agent = org.principal_for_username(session, "agent")
    # the focus is the busiest unit of the last 30 days: the cockpit's default period shows it
    recent = [unit for _, unit, at in closed if end - at <= timedelta(days=30)]
    busiest = Counter(recent or [unit for _, unit, _ in closed]).most_common(1)
    focus = busiest[0][0] if busiest else None
    made = 0
    for data, unit, closed_at in closed:
        share = 0.6 if unit == focus else 0.12
        if rng.random() >= share:
            continue
        # the focus unit's problems come back within weeks; others' within weeks or months
        days = rng.uniform(2, 25) if unit == focus else rng.choice([rng.uniform(2, 25), rng.uniform(35, 80)])
        at = closed_at + timedelta(days=days)
        if at >= end:
            at = closed_at + (end - closed_at) * rng.uniform(0.3, 0.9)
        if at <= closed_at or at >= end:
            continue
        fields = data.model_dump(exclude_unset=True) | {
            "content": rng.choice(AGAIN) + data.content,
            "contact_phone": f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            "channel": Channel.HOTLINE,
        }
        again = s.CaseCreate.model_validate(fields)
        clock.freeze(at)
        service.create_case(session, again, agent)
        made += 1
    clock.freeze(None)
    return made


def load_grid_work(session: Session, *, end: datetime | None = None) -> int:
    """A few cases dispatched to the grid worker's community (one already signed for)."""
    end = end or clock.now()
    grid = org.principal_for_username(session, "grid")
    unit = org.department(session, grid.department_id)
    if unit is None:
        return 0
    agent = org.principal_for_username(session, "agent")
    dispatcher = org.principal_for_username(session, "dispatcher")
    for i, (subject, content) in enumerate(GRID_CASES):
        clock.freeze(end - timedelta(hours=30 - 6 * i))
        data = s.CaseCreate(
            subject=subject,
            content=content,
            address=f"湖南省长沙市岳麓区{unit.name}",
            contact_phone=f"1390731{1000 + i:04d}",
            category="SRHJ",
        )
        case, _ = service.create_case(session, data, agent)
        clock.freeze(end - timedelta(hours=29 - 6 * i))
        service.perform(
            session, dispatcher, case.number, s.Dispatch(action="dispatch", lead_department=unit.code)
        )
        if i == 0:
            clock.freeze(end - timedelta(hours=28 - 6 * i))
            service.perform(session, grid, case.number, s.Sign(action="sign"))
    clock.freeze(None)
    return len(GRID_CASES)
