"""Demo organisation: Changsha's real districts, streets and communities plus city departments."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from sqlalchemy.orm import Session

from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.core import audit
from zhizhi.core.permissions import Role
from zhizhi.demo.citizen import HANDLER_PHONE, ZHANG_WEI_PHONE
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.org.schemas import DepartmentRef
from zhizhi.routing import service as routing

DEMO_PASSWORD = "zhizhi2026"  # noqa: S105 - the documented demo password, printed by `zhizhi demo`
CITY_CODE = "430100"

# (code, name, category code, category name, english)
FUNCTIONAL = [
    ("CS-ZJ", "长沙市住房和城乡建设局", "CXJS", "城乡建设", "Urban and rural construction"),
    ("CS-STHJ", "长沙市生态环境局", "HJBH", "环境保护", "Environmental protection"),
    ("CS-JT", "长沙市交通运输局", "JTYS", "交通运输", "Transport"),
    ("CS-JY", "长沙市教育局", "JYWT", "教育文体", "Education, culture and sport"),
    ("CS-RS", "长沙市人力资源和社会保障局", "LDSB", "劳动和社会保障", "Labour and social security"),
    ("CS-SW", "长沙市商务局", "SMLY", "商贸旅游", "Commerce and tourism"),
    ("CS-WJ", "长沙市卫生健康委员会", "WSJS", "卫生计生", "Health and family planning"),
    ("CS-CG", "长沙市城市管理和综合执法局", "SRHJ", "市容环境", "City appearance"),
    ("CS-SCJG", "长沙市市场监督管理局", "SCJG", "市场监管", "Market regulation"),
    ("CS-GA", "长沙市公安局", "GGAQ", "公共安全", "Public safety"),
]
UTILITY = ("CS-SY", "长沙水业集团", "SDQR", "水电气热", "Water, power, gas and heating")


@dataclass(frozen=True, slots=True)
class DemoOrg:
    city: DepartmentRef
    center: DepartmentRef
    functional: dict[str, DepartmentRef]  # category code -> department
    districts: list[DepartmentRef]
    streets: list[DepartmentRef]


def _divisions() -> list[dict[str, str]]:
    path = resources.files("zhizhi.demo") / "data" / "changsha_divisions.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def street_names() -> list[tuple[str, str]]:
    """(district, street) of every street the demo creates, in its order, without a database."""
    rows = _divisions()
    names = {r["code"]: r["name"] for r in rows if r["level"] == "county"}
    return [(names[r["parent_code"]], r["name"]) for r in rows if r["level"] == "township"]


def _category_tree() -> list[dict[str, str]]:
    """The demo city's tree (data/category_tree.csv, see data/SOURCES.md)."""
    path = resources.files("zhizhi.demo") / "data" / "category_tree.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_org(session: Session) -> DemoOrg:
    rows = _divisions()
    city = org.create_department(
        session, code=CITY_CODE, name="长沙市人民政府", kind=DepartmentKind.CITY, division_code="430100000000"
    )
    center = org.create_department(
        session,
        code="CS-12345",
        name="长沙市12345政务服务便民热线中心",
        kind=DepartmentKind.CENTER,
        parent=city,
    )
    org.create_department(
        session, code="CS-SJJ", name="长沙市数据资源管理局", kind=DepartmentKind.FUNCTIONAL, parent=city
    )
    functional: dict[str, DepartmentRef] = {}
    for code, name, cat, _cat_name, _en in [*FUNCTIONAL, UTILITY]:
        kind = DepartmentKind.ENTERPRISE if code == UTILITY[0] else DepartmentKind.FUNCTIONAL
        functional[cat] = org.create_department(session, code=code, name=name, kind=kind, parent=city)
    by_code: dict[str, DepartmentRef] = {}
    districts, streets = [], []
    for r in rows:
        level, code12 = r["level"], r["code"]
        if level == "county":
            dept = org.create_department(
                session,
                code=code12[:6],
                name=r["name"] + "人民政府",
                kind=DepartmentKind.DISTRICT,
                parent=city,
                division_code=code12,
            )
            districts.append(dept)
        elif level == "township":
            parent = by_code[r["parent_code"]]
            suffix = "办事处" if r["name"].endswith("街道") else "人民政府"
            dept = org.create_department(
                session,
                code=code12[:9],
                name=r["name"] + suffix,
                kind=DepartmentKind.STREET,
                parent=parent,
                division_code=code12,
            )
            streets.append(dept)
        elif level == "village":
            parent = by_code[r["parent_code"]]
            dept = org.create_department(
                session,
                code=code12,
                name=r["name"],
                kind=DepartmentKind.COMMUNITY,
                parent=parent,
                division_code=code12,
            )
        else:
            continue
        by_code[code12] = dept
    session.flush()
    return DemoOrg(city, center, functional, districts, streets)


def load_catalogue(session: Session, demo: DemoOrg) -> dict[str, str]:
    """Categories, time limits and the dispatch catalogue (through the catalogue and routing
    services, audited as the system); returns category code → name."""
    system = audit.Actor.system()
    categories: dict[str, str] = {}
    for row in _category_tree():  # parents come before their children in the file
        catalogue.create_category(
            session,
            code=row["code"],
            name=row["name"],
            name_en=row["name_en"] or None,
            parent_code=row["parent_code"] or None,
            actor=system,
        )
        categories[row["code"]] = row["name"]
    limits = [  # (category or None, urgency, amount, unit)
        (None, Urgency.NORMAL, 10, LimitUnit.WORKING_DAYS),
        (None, Urgency.URGENT, 2, LimitUnit.WORKING_DAYS),
        (None, Urgency.CRITICAL, 2, LimitUnit.HOURS),
        ("SDQR", Urgency.NORMAL, 24, LimitUnit.HOURS),
        ("SDQR", Urgency.URGENT, 12, LimitUnit.HOURS),
        ("GGAQ", Urgency.NORMAL, 5, LimitUnit.WORKING_DAYS),
        ("GGAQ", Urgency.URGENT, 1, LimitUnit.WORKING_DAYS),
        ("CXJS", Urgency.NORMAL, 15, LimitUnit.WORKING_DAYS),
        ("JYWT", Urgency.NORMAL, 7, LimitUnit.CALENDAR_DAYS),
    ]
    for c, u, a, unit in limits:
        catalogue.set_time_limit(
            session, category_code=c, urgency=u, amount=a, unit=unit, warning_ratio=None, actor=system
        )
    rules: list[tuple[int, str | None, str | None, list[str], bool, str]] = [
        (10, "SRHJ", None, [demo.functional["SRHJ"].code], True, "市容问题属地街道主办，城管协办")
    ]
    rules += [
        (50, cat, dept.code, [], False, f"{categories[cat]}由{dept.name}主办")
        for cat, dept in demo.functional.items()
        if cat != "SRHJ"
    ]
    rules.append((1000, None, None, [], True, "其他事项按属地派至街道"))
    for priority, cat_code, lead, co, territorial, note in rules:
        routing.create_dispatch_rule(
            session,
            priority=priority,
            category=cat_code,
            division_prefix="",
            lead_department=lead,
            co_departments=co,
            use_territorial=territorial,
            note=note,
            actor=system,
        )
    return categories


def load_users(session: Session, demo: DemoOrg) -> dict[str, object]:
    """Staff of every role with the demo password; handlers for each unit that receives cases."""
    yuelu = next(d for d in demo.districts if d.code == "430104")
    community = min(
        (
            d
            for d in org.departments(session, active_only=False)
            if d.kind == DepartmentKind.COMMUNITY.value and d.code.startswith("430104")
        ),
        key=lambda d: d.code,
        default=None,
    )
    people = [
        ("admin", "系统管理员", Role.ADMIN, None),
        ("leader", "市领导", Role.LEADER, demo.city),
        ("supervisor", "督办员 周敏", Role.SUPERVISOR, demo.center),
        ("agent", "话务员 李娜", Role.INTAKE_AGENT, demo.center),
        ("dispatcher", "派单员 王强", Role.DISPATCHER, demo.center),
        ("steward", "数据管理员 陈晨", Role.DATA_STEWARD, org.department_by_code(session, "CS-SJJ")),
        ("grid", "网格员 刘洋", Role.GRID_WORKER, community),
        ("citizen", "市民 张伟", Role.PUBLIC, None),
        ("handler", "岳麓区承办人 赵磊", Role.HANDLER, yuelu),
    ]
    for cat, dept in demo.functional.items():
        people.append((f"handler_{cat.lower()}", f"{dept.name}承办人", Role.HANDLER, dept))
    for dept in demo.districts:
        people.append(
            (f"handler_{dept.code}", f"{dept.name.removesuffix('人民政府')}承办人", Role.HANDLER, dept)
        )
    users: dict[str, object] = {}
    phones = {"citizen": ZHANG_WEI_PHONE, "handler": HANDLER_PHONE}  # 张伟; 岳麓区's handler (SMS)
    for username, name, role, unit in people:
        if username in users:
            continue
        users[username] = org.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            department=unit,
            display_name=name,
            phone=phones.get(username),
        )
    return users
