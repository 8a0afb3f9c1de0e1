"""The demo city's data sharing: the natural resources bureau, a data steward in each department,
the Changsha catalogue (seed), provider rows, consuming systems, requests in every state
(pending on time, due soon and overdue; approved; refused; granted at once), a revoked and an
expired grant, and exchange-log entries — including reads about the demo citizen (张伟)."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from zhizhi.core import clock
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.sharing import clients as sharing_clients
from zhizhi.sharing import exchange, seed, service, views
from zhizhi.sharing.schemas import DecisionIn, RequestIn

PEOPLE = 120
# the fingerprint of the demo 卫健委 system's client certificate (a made-up digest: the demo has no proxy)
DEMO_CERT_SHA256 = "5f1c0e6a9b2d47c38e1f0a6b7c2d9e4f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d"
OWNERS = {"ga": "CS-GA", "scjg": "CS-SCJG", "rs": "CS-RS", "zrzy": "CS-ZRZY"}
STEWARDS = {
    "steward_ga": ("CS-GA", "公安局数据管理员 罗斌"),
    "steward_scjg": ("CS-SCJG", "市场监管局数据管理员 彭丽"),
    "steward_rs": ("CS-RS", "人社局数据管理员 谭军"),
    "steward_zrzy": ("CS-ZRZY", "自然资源局数据管理员 易敏"),
    "steward_zj": ("CS-ZJ", "住建局数据管理员 唐浩"),
    "steward_jy": ("CS-JY", "教育局数据管理员 龙婷"),
    "steward_wj": ("CS-WJ", "卫健委数据管理员 邹静"),
}


def _working_days_before(session: Session, day: date, n: int) -> date:
    calendar = load_calendar(session)
    while n:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _at(day: date, hour: int = 10) -> datetime:
    return clock.as_utc(datetime.combine(day, time(hour), tzinfo=clock.SHANGHAI))


def _ask(
    session: Session,
    who: Principal,
    resource: str,
    fields: list[str],
    purpose: str,
    detail: str,
    basis: str,
    until: date,
    start: date | None = None,
) -> str:
    body = RequestIn(
        resource=resource,
        purpose=purpose,
        purpose_detail=detail,
        legal_basis=basis,
        fields=fields,
        period_start=start or clock.today_local(),
        period_end=until,
    )
    return service.submit_request(session, who, body).number


def load_sharing(session: Session, password: str) -> dict[str, int]:
    admin = org.principal_for_username(session, "admin")
    city = org.find_department(session, "430100")
    if org.find_department(session, "CS-ZRZY") is None:  # the certificates' demo may have made it
        org.create_department(
            session,
            code="CS-ZRZY",
            name="长沙市自然资源和规划局",
            kind=DepartmentKind.FUNCTIONAL,
            parent=city,
        )
    for username, (dept, name) in STEWARDS.items():
        org.create_user(
            session,
            username=username,
            password=password,
            role=Role.DATA_STEWARD,
            department_code=dept,
            display_name=name,
        )
    st = {u: org.principal_for_username(session, u) for u in STEWARDS}
    rows = seed.provider_rows(PEOPLE)
    service.load_provider_rows(session, admin, rows)
    for body in seed.resources(OWNERS):
        service.save_resource(session, admin, body)
    citizen_id = rows["provider_population"][0]["id_number"]
    exchange.link_subject(session, admin, "citizen", citizen_id)
    clients = {}
    for dept in ("CS-ZJ", "CS-JY", "CS-WJ"):
        client, _secret = sharing_clients.register_client(session, admin, f"{dept} 业务办理系统", dept)
        clients[dept] = exchange.Consumer(client.client_id, client.department_id)
    # the consuming systems' life: a secret rotated, a system behind mutual TLS, one retired
    sharing_clients.rotate_secret(session, admin, clients["CS-JY"].client_id)
    sharing_clients.bind_certificate(session, admin, clients["CS-WJ"].client_id, DEMO_CERT_SHA256)
    old, _secret = sharing_clients.register_client(session, admin, "CS-ZJ 旧版住房保障系统", "CS-ZJ")
    sharing_clients.retire_client(session, admin, old.client_id)
    today = clock.today_local()
    year_on = today + timedelta(days=365)
    housing = (
        "公租房资格审核核验申请人户籍和家庭住房情况",
        "《公共租赁住房管理办法》第七条、《长沙市公共租赁住房管理办法》",
    )
    school = ("义务教育阶段新生入学资格审核（户籍、房产）", "《中华人民共和国义务教育法》第十二条")
    health = ("家庭医生签约服务对象参保情况核验", "《基本医疗卫生与健康促进法》")
    requests = 0
    # long-standing grants, approved weeks ago
    with clock.frozen_at(_at(_working_days_before(session, today, 25))):
        zj_pop = _ask(
            session,
            st["steward_zj"],
            "GA-RK-001",
            ["id_number", "name", "household_address"],
            "service",
            *housing,
            year_on,
        )
        zj_bdc = _ask(
            session,
            st["steward_zj"],
            "ZRZY-BDC-001",
            ["certificate_no", "owner_name", "address", "area_m2", "use"],
            "service",
            *housing,
            year_on,
        )
        jy_pop = _ask(
            session,
            st["steward_jy"],
            "GA-RK-001",
            ["id_number", "name", "household_address"],
            "verification",
            *school,
            year_on,
        )
        _ask(
            session,
            st["steward_jy"],
            "SCJG-YYZZ-001",
            ["credit_code", "name", "status"],
            "regulation",
            "校外培训机构资质核查",
            "《民办教育促进法》",
            year_on,
        )
        wj_scjg = _ask(
            session,
            st["steward_wj"],
            "SCJG-YYZZ-001",
            ["credit_code", "name", "legal_representative"],
            "regulation",
            "医疗机构登记核查",
            "《医疗机构管理条例》",
            year_on,
        )
        expiring = _ask(
            session,
            st["steward_jy"],
            "RS-SB-001",
            ["name", "insurance_status", "months_paid"],
            "verification",
            "随迁子女入学社保年限核验",
            "《长沙市义务教育招生入学工作意见》",
            today - timedelta(days=3),
        )
        requests += 6
    with clock.frozen_at(_at(_working_days_before(session, today, 22), 15)):
        service.decide_request(
            session,
            st["steward_ga"],
            zj_pop,
            DecisionIn(approve=True, reason="用于住房保障审核，同意", plain_fields=["name"]),
        )
        service.decide_request(session, st["steward_zrzy"], zj_bdc, DecisionIn(approve=True, reason="同意"))
        service.decide_request(
            session, st["steward_ga"], jy_pop, DecisionIn(approve=True, reason="仅用于入学核验")
        )
        service.decide_request(
            session, st["steward_rs"], expiring, DecisionIn(approve=True, reason="招生季使用")
        )
    # pending: overdue, due soon, on time; and a refusal
    for days_ago, who, resource, fields, purpose, why in [
        (
            12,
            "steward_jy",
            "ZRZY-BDC-001",
            ["certificate_no", "owner_name", "address"],
            "verification",
            school,
        ),
        (9, "steward_wj", "RS-SB-001", ["name", "insurance_status"], "verification", health),
        (1, "steward_zj", "RS-SB-001", ["name", "employer", "insurance_status"], "service", housing),
        (
            6,
            "steward_wj",
            "GA-RK-001",
            ["gender", "birth_date"],
            "statistics",
            ("辖区人口年龄结构分析", "《统计法》"),
        ),
    ]:
        with clock.frozen_at(_at(_working_days_before(session, today, days_ago), 9)):
            number = _ask(session, st[who], resource, fields, purpose, *why, year_on)
            requests += 1
    service.decide_request(
        session,
        st["steward_ga"],
        number,
        DecisionIn(approve=False, reason="统计分析请使用统计部门发布的汇总数据，不提供个人明细"),
    )
    # reads through the exchange over the last days
    people = rows["provider_population"]
    properties = rows["provider_property"]
    reads = 0
    for i in range(40):
        with clock.frozen_at(_at(_working_days_before(session, today, 20 - i // 2), 9 + i % 8)):
            calls: list[tuple[exchange.Consumer, str, str, str, list[str] | None]] = [
                (clients["CS-ZJ"], "GA-RK-001", people[i % 15]["id_number"], "service", None),
                (clients["CS-JY"], "GA-RK-001", people[(i * 3) % 60]["id_number"], "verification", None),
                (
                    clients["CS-ZJ"],
                    "ZRZY-BDC-001",
                    properties[i % len(properties)]["certificate_no"],
                    "service",
                    None,
                ),
                (
                    clients["CS-WJ"],
                    "SCJG-YYZZ-001",
                    rows["provider_business_licences"][i % 10]["credit_code"],
                    "regulation",
                    None,
                ),
            ]
            if i % 10 == 0:
                calls.append(
                    (clients["CS-JY"], "GA-RK-001", people[i]["id_number"], "service", None)
                )  # wrong purpose
            if i % 13 == 0:
                calls.append(
                    (clients["CS-ZJ"], "GA-RK-001", people[i]["id_number"], "service", ["name", "phone"])
                )
            for consumer, resource, key, purpose, asked in calls:
                with contextlib.suppress(DomainError):  # refusals are logged too, as they should be
                    exchange.call(session, consumer, resource, key, purpose, asked)
                reads += 1
    # 卫健委 used licence data beyond its purpose: revoked, and a later call refused
    wj_grant = views.request_view(session, admin, wj_scjg).grant_id
    if wj_grant is not None:
        service.revoke_grant(session, st["steward_scjg"], wj_grant, "超出申请用途使用，暂停授权")
        try:
            exchange.call(
                session,
                clients["CS-WJ"],
                "SCJG-YYZZ-001",
                rows["provider_business_licences"][0]["credit_code"],
                "regulation",
                None,
            )
        except DomainError:
            reads += 1
    try:  # the social security grant ran out three days ago
        exchange.call(session, clients["CS-JY"], "RS-SB-001", people[0]["id_number"], "verification", None)
    except DomainError:
        reads += 1
    return {"sharing_resources": 5, "sharing_requests": requests, "exchange_calls": reads}
