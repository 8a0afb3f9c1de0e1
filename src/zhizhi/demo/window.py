"""The demo city's one window (一窗受理), ratings (好差评) and supervision: the 市 and 岳麓区 service
halls with comprehensive windows and their clerks; receptions over the last weeks — applications
forwarded to the back offices and one-time notices; applications driven to completion by the back
office and rated by their applicants (good ones, a bad one under rectification, a bad one still to
verify, one rectified and fed back); an application overdue against its promise. Everything goes
through the services' use cases, as the people who would do it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import service as cases
from zhizhi.certificates.holders import id_check_char, uscc_check_char
from zhizhi.core import clock
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.demo.org import DEMO_PASSWORD
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.services.applications import schemas as apps
from zhizhi.services.items import service as items
from zhizhi.services.ratings import schemas as rs
from zhizhi.services.ratings import service as ratings
from zhizhi.services.window import schemas as ws
from zhizhi.services.window import service as window
from zhizhi.sharing import seed

HALLS = {  # code -> (name, parent code, division)
    "CS-ZWFW": ("长沙市政务服务中心", "430100", "430100000000"),
    "YL-ZWFW": ("长沙市岳麓区政务服务中心", "430104", "430104000000"),
}
WINDOWS = [  # code, name, hall, location
    ("CS-ZH01", "综合窗口1号", "CS-ZWFW", "一楼A区1号窗口"),
    ("CS-ZH02", "综合窗口2号", "CS-ZWFW", "一楼A区2号窗口"),
    ("YL-ZH01", "岳麓区综合窗口1号", "YL-ZWFW", "一楼综合受理区1号窗口"),
]
CLERKS = [  # username, display name, hall, window
    ("clerk", "窗口受理员 杨帆", "CS-ZWFW", "CS-ZH01"),
    ("clerk2", "窗口受理员 何静", "CS-ZWFW", "CS-ZH02"),
    ("clerk_yl", "岳麓区窗口受理员 唐慧", "YL-ZWFW", "YL-ZH01"),
]
# promised-time items without an electronic certificate (the back office decides on paper)
SOCIAL_CARD = "11430100006109204Q0000114101000"  # 社会保障卡申领, 10 working days
AGED = "1143010400610042650000123302000"  # 高龄津贴申领, 10 working days
FUND = "1243010044487821670000132003000"  # 职工退休提取住房公积金, 1 working day
ROAD = "11430100MB150221970000116401000"  # 城市道路占用、挖掘审批, 5 working days
JOBLESS = "11430100006109204Q0000114301000"  # 失业保险金申领, 5 working days

PEOPLE = ["王秀英", "李建国", "张桂兰", "刘德华", "陈淑珍", "杨志强", "赵红梅", "黄国平", "周丽", "吴建军"]
FIRMS = ["长沙市岳麓区湘江市政工程有限公司", "长沙星城管线建设有限公司"]


def _person_id(n: int) -> str:
    first = f"43010419{50 + n:02d}0{(n % 9) + 1}1{(n % 9) + 1}{100 + n:03d}"[:17]
    return first + id_check_char(first)


def _firm_code(n: int) -> str:
    first = f"91430104MA4L{n:04d}X"[:17]
    return first + uscc_check_char(first)


def _setup(session: Session) -> dict[str, Principal]:
    for code, (name, parent, division) in HALLS.items():
        if org.find_department(session, code, active_only=False) is None:
            org.create_department(
                session,
                code=code,
                name=name,
                kind=DepartmentKind.FUNCTIONAL,
                parent=org.department_by_code(session, parent),
                division_code=division,
            )
    admin = org.principal_for_username(session, "admin")
    for code, name, hall, location in WINDOWS:
        window.create_window(session, admin, ws.WindowIn(code=code, name=name, hall=hall, location=location))
    clerks = {}
    for username, display, hall, seat in CLERKS:
        org.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.WINDOW_CLERK,
            department_code=hall,
            display_name=display,
        )
        window.assign_clerk(session, admin, seat, username)
        clerks[username] = org.principal_for_username(session, username)
    return clerks


def _back_office(session: Session, department_id: int) -> Principal:
    """The department's reviewer (审批员), created for the demo when it has none."""
    dept = org.department(session, department_id)
    assert dept is not None
    username = f"sp_{dept.code.lower().replace('-', '_')}"
    try:
        return org.principal_for_username(session, username)
    except Exception:
        org.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.HANDLER,
            department=dept,
            display_name=f"{dept.name}审批员",
        )
        return org.principal_for_username(session, username)


def _form(version: Any, name: str, id_number: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in version.fields:
        if f.type == "choice" and f.options:
            out[f.code] = f.options[0]
        elif f.type == "date":
            out[f.code] = "2026-01-15"
        elif f.type == "number":
            out[f.code] = "1"
        elif f.type == "id_number":
            out[f.code] = id_number if len(id_number) == 18 and id_number[:17].isdigit() else _person_id(0)
        elif f.type == "credit_code":
            out[f.code] = id_number if not id_number[:17].isdigit() else _firm_code(1)
        elif "name" in f.code:
            out[f.code] = name
        else:
            out[f.code] = "长沙市岳麓区麓山南路 932 号"
    return out


def _receive(
    session: Session,
    clerk: Principal,
    code: str,
    n: int,
    *,
    complete: bool = True,
    who: tuple[str, str] | None = None,
    consent: bool = False,
) -> tuple[str, str, str]:
    """(number, applicant ID, outcome) of a reception of item ``code`` by ``clerk``; ``who``:
    (name, ID number) of a person in the population register; ``consent``: 免提交 — the clerk
    reads what data provides (the paper copies ticked for the rest)."""
    version = items.published_version(session, code)
    person = not version.applicant_types or "1" in version.applicant_types
    name = PEOPLE[n % len(PEOPLE)] if person else FIRMS[n % len(FIRMS)]
    id_number = _person_id(n) if person else _firm_code(n)
    if who is not None and person:
        name, id_number = who
    required = [m.code for m in version.materials if m.required]
    ticked = [m.code for m in version.materials] if complete else required[:-1]
    body = ws.ReceiveIn(
        item=code,
        applicant_type="1" if person else "2",
        applicant_name=name,
        applicant_id=id_number,
        applicant_phone=f"1390731{n:04d}",
        materials=ticked,
        form=_form(version, name, id_number),
        started_at=clock.now() - timedelta(minutes=4 + n % 7),
        consent=consent,
    )
    row, _ = window.receive(session, clerk, body)
    return row.number, id_number, row.outcome


def _act(session: Session, who: Principal, number: str, body: Any) -> None:
    cases.perform(session, who, number, body)


def _complete(session: Session, number: str, department_id: int) -> None:
    office = _back_office(session, department_id)
    _act(session, office, number, apps.Accept(action="accept"))
    _act(session, office, number, apps.Examine(action="examine"))
    _act(session, office, number, apps.Approve(action="approve", opinion="经审查，符合条件，准予办理"))
    _act(session, office, number, apps.Deliver(action="deliver", method="window"))


def _at(calendar: Any, today: date, days_ago: int, hour: int) -> datetime:
    """``hour`` o'clock (Shanghai) on the working day ``days_ago`` calendar days before ``today``,
    or the working day before it."""
    day = today - timedelta(days=days_ago)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return clock.as_utc(datetime.combine(day, time(hour, 10 * (days_ago % 5)), tzinfo=clock.SHANGHAI))


def load_window(session: Session) -> dict[str, int]:
    clerks = _setup(session)
    calendar = load_calendar(session)
    today, started = clock.today_local(), clock.now()  # the clock is frozen in the past below
    clerk, clerk2, clerk_yl = clerks["clerk"], clerks["clerk2"], clerks["clerk_yl"]
    received = notices = 0
    done: list[tuple[str, str, int]] = []  # (number, applicant ID, department id)
    try:
        # three weeks of window work; each completed application is rated by its applicant
        plan = [
            (20, clerk, SOCIAL_CARD, True),
            (19, clerk2, AGED, True),
            (18, clerk_yl, JOBLESS, True),
            (17, clerk, ROAD, False),  # a notice: the construction plan was missing
            (16, clerk, ROAD, True),
            (15, clerk2, SOCIAL_CARD, True),
            (14, clerk_yl, AGED, False),
            (13, clerk_yl, AGED, True),
            (12, clerk, JOBLESS, True),
        ]
        for i, (days_ago, who, code, complete) in enumerate(plan):
            clock.freeze(_at(calendar, today, days_ago, 9 + i % 6))
            number, id_number, outcome = _receive(session, who, code, i, complete=complete)
            received += 1
            if outcome == "notice":
                notices += 1
                continue
            version = items.published_version(session, code)
            clock.freeze(_at(calendar, today, days_ago - 3, 15))
            _complete(session, number, version.department.id)
            done.append((number, id_number, version.department.id))
        # the applicants rate: four good, two bad (one being rectified, one fed back), one waiting
        levels = [
            "very_satisfied",
            "satisfied",
            "very_dissatisfied",
            "very_satisfied",
            "dissatisfied",
            "basically_satisfied",
        ]
        comments = {
            2: "窗口说还要回去开证明，材料清单上没写，白跑一趟",
            4: "等了很久才叫到号，工作人员态度冷淡",
        }
        bad: list[int] = []
        for i, (number, id_number, _dept) in enumerate(done[: len(levels)]):
            clock.freeze(_at(calendar, today, 6 - i % 3, 10))
            data = rs.RatingIn(number=number, level=levels[i], comment=comments.get(i), id_number=id_number)
            row = ratings.rate(session, None, data)
            if row.bad:
                bad.append(row.id)
        clock.freeze(_at(calendar, today, 2, 11))
        queue = {
            r.rating_id: (x, r)
            for x, r in (
                (x.rating_id, x)
                for x, _ in ratings.rectifications(
                    session, org.principal_for_username(session, "supervisor"), None
                )
            )
        }
        for rating_id in bad[:1]:
            rect = queue[rating_id][1]
            office = _back_office(session, rect.department_id or 0)
            ratings.verify(
                session,
                office,
                rect.id,
                rs.VerifyIn(
                    verification="已电话回访申请人，情况属实：办事指南未列明需社区出具的居住证明",
                    measure="deadline",
                ),
            )
        # an application overdue against its promise (1 working day), still under examination
        clock.freeze(_at(calendar, today, 9, 10))
        number, _id, _ = _receive(session, clerk2, FUND, 11)
        received += 1
        office = _back_office(session, items.published_version(session, FUND).department.id)
        _act(session, office, number, apps.Accept(action="accept"))
        _act(session, office, number, apps.Examine(action="examine"))
        # and one received this morning, waiting for the back office
        clock.freeze(min(_at(calendar, today, 0, 9), started - timedelta(minutes=20)))
        _receive(session, clerk, SOCIAL_CARD, 12)
        received += 1
    finally:
        clock.freeze(None)
    # and one just now with 免提交: the applicant agreed at the counter, the ID card comes from the
    # population register (人社局's service grant, valid from today), not from paper
    person = seed.provider_rows(120)["provider_population"][3]
    _receive(session, clerk, SOCIAL_CARD, 13, who=(person["name"], person["id_number"]), consent=True)
    received += 1
    return {
        "windows": len(WINDOWS),
        "window_receptions": received,
        "one_time_notices": notices,
        "service_ratings": min(len(done), 6),
    }
