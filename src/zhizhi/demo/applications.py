"""Applications (办件) of the demo city, in every state of their lifecycle, made through the
applications' and the case engine's services (``submit``, ``perform``) after the catalogue is
loaded: the Yuelu market regulator's back office (审批科) reviews them, its head extends one,
approvals of licences issue SM2-signed certificates (the department gets a signing key)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.attachments.service import Upload
from zhizhi.cases import lifecycles
from zhizhi.cases import service as cases
from zhizhi.certificates import service as certificates
from zhizhi.certificates.holders import id_check_char, uscc_check_char
from zhizhi.core import audit
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.demo.org import DEMO_PASSWORD
from zhizhi.org import service as org
from zhizhi.services.applications import schemas as s
from zhizhi.services.applications import service as applications
from zhizhi.services.applications.enums import SubmitChannel
from zhizhi.services.items.rules import credit_code_check_char

DEPARTMENT = "YL-SCJG"  # 长沙市岳麓区市场监督管理局
REVIEWERS = {  # username -> (display name, role)
    "shenpi": ("岳麓区市场监管局审批科 王静", Role.HANDLER),
    "scjg_head": ("岳麓区市场监管局 局长 陈志远", Role.LEADER),
}
_BODY = "11430104MB1C43580" + credit_code_check_char("11430104MB1C43580")
FOOD = _BODY + "0000117009000"  # 食品经营许可（新办）: 承诺件, result 食品经营许可证
COMPANY = _BODY + "0000117001000"  # 企业设立登记: 承诺件, result 营业执照
SENIOR_CARD = "1143010400610042650000123201000"  # 老年人优待证办理: 即办件 of 岳麓区民政局
DENY_BASIS = "《食品经营许可和备案管理办法》第十条"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CERT_FIELDS = {"经营场所": "岳麓区麓山南路 932 号一楼", "主体业态": "餐饮服务经营者"}
FOOD_MATERIALS = [
    "food.application_form",
    "enterprise.business_licence",
    "enterprise.legal_rep_id",
    "food.layout_plan",
    "food.safety_rules",
]


def _uscc(body16: str) -> str:
    first17 = body16 + "1"
    return first17 + uscc_check_char(first17)


def _person(first17: str) -> str:
    return first17 + id_check_char(first17)


RESTAURANTS = [  # name, credit code, legal representative, phone, category
    ("长沙岳麓小厨餐饮有限公司", _uscc("91430104MA4L2101"), "刘建国", "13873100001", "热食类食品制售"),
    ("长沙麓谷轻食餐饮店", _uscc("92430104MA4L2102"), "赵敏", "13873100002", "冷食类食品制售"),
    ("岳麓区桃子湖便利店", _uscc("92430104MA4L2103"), "孙立", "13873100003", "预包装食品销售"),
    ("长沙橘洲粉面馆有限公司", _uscc("91430104MA4L2104"), "周红", "13873100004", "热食类食品制售"),
    ("长沙后湖咖啡有限公司", _uscc("91430104MA4L2105"), "吴昊", "13873100005", "冷食类食品制售"),
    ("岳麓区望月湖烘焙坊", _uscc("92430104MA4L2106"), "郑洁", "13873100006", "散装食品销售"),
    ("长沙湘江源餐饮管理有限公司", _uscc("91430104MA4L2107"), "王强", "13873100007", "热食类食品制售"),
    ("长沙梅溪湖茶饮有限公司", _uscc("91430104MA4L2108"), "李娜", "13873100008", "冷食类食品制售"),
    ("岳麓区银盆岭小吃店", _uscc("92430104MA4L2109"), "陈刚", "13873100009", "热食类食品制售"),
]


def _users(session: Session) -> dict[str, Principal]:
    for username, (display, role) in REVIEWERS.items():
        org.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            department_code=DEPARTMENT,
            display_name=display,
        )
    return {u: org.principal_for_username(session, u) for u in REVIEWERS}


def _food(session: Session, clerk: Principal, i: int, *, online: bool = False) -> str:
    name, code, rep, phone, category = RESTAURANTS[i]
    applicant = s.ApplicantIn(type="organisation", name=name, id_number=code, phone=phone)
    form = {
        "enterprise.name": name,
        "enterprise.credit_code": code,
        "legal_rep.name": rep,
        "person.phone": phone,
        "premises.address": f"长沙市岳麓区麓山南路 {900 + i} 号",
        "premises.area": str(60 + 10 * i),
        "food.category": category,
    }
    if online:  # an applicant online: the files uploaded
        files = applications.Files({m: [Upload(f"{m}.pdf", PDF)] for m in FOOD_MATERIALS})
        done = applications.submit(session, None, FOOD, applicant, form, files=files)
    else:  # at the window: the originals checked by the clerk
        materials = [s.MaterialIn(code=m, received=True) for m in FOOD_MATERIALS]
        done = applications.submit(session, clerk, FOOD, applicant, form, materials, SubmitChannel.WINDOW)
    return done.case.number


def _act(session: Session, who: Principal, number: str, action: str, **fields: Any) -> None:
    body = lifecycles.for_kind("application").parse({"action": action, **fields})
    cases.perform(session, who, number, body)


def _run(session: Session, who: Principal, number: str, steps: list[tuple[str, dict[str, Any]]]) -> None:
    for action, fields in steps:
        _act(session, who, number, action, **fields)


def load_applications(session: Session) -> dict[str, int]:
    """One application or more in every state; returns the count."""
    users = _users(session)
    clerk, head = users["shenpi"], users["scjg_head"]
    dept = org.department_by_code(session, DEPARTMENT)
    if not certificates.has_usable_key(session, dept.id):
        certificates.create_key(session, DEPARTMENT, audit.Actor.system())
    made = [_food(session, clerk, 0, online=True)]  # submitted, awaiting pre-review
    n = _food(session, clerk, 1, online=True)  # correcting: the one-time notice
    _act(
        session,
        clerk,
        n,
        "request_supplement",
        items=[
            {"code": "food.layout_plan", "problem": "平面布局图未标明操作流程和设备位置"},
            {"code": "food.safety_rules", "problem": "缺少从业人员健康管理制度"},
        ],
        note="请一次性补齐以上材料后重新提交",
    )
    made.append(n)
    n = _food(session, clerk, 2)  # not accepted
    _act(
        session,
        clerk,
        n,
        "refuse_acceptance",
        reason="预包装食品销售已实行备案管理，不属于本许可事项范围",
        legal_basis="《中华人民共和国食品安全法》第三十五条第一款",
    )
    made.append(n)
    n = _food(session, clerk, 3)  # accepted
    _act(session, clerk, n, "accept", note="材料齐全，予以受理")
    made.append(n)
    n = _food(session, clerk, 4)  # examining, extended by the head of the department
    _run(session, clerk, n, [("accept", {}), ("examine", {})])
    _act(session, head, n, "extend", days=10, reason="涉及新工艺，需补充论证，经局长批准延长 10 个工作日")
    made.append(n)
    n = _food(session, clerk, 5)  # special procedure: on-site inspection, the clock paused
    _run(session, clerk, n, [("accept", {}), ("examine", {})])
    _act(
        session,
        clerk,
        n,
        "start_special",
        procedure="inspection",
        reason="需现场核查经营场所",
        expected_days=5,
    )
    made.append(n)
    n = _food(session, clerk, 6)  # approved: certificate issued, to deliver
    _run(session, clerk, n, [("accept", {}), ("examine", {})])
    _act(session, clerk, n, "approve", opinion="符合条件，准予许可", certificate_fields=CERT_FIELDS)
    made.append(n)
    n = _food(session, clerk, 7)  # closed: approved and delivered as an electronic certificate
    _run(
        session,
        clerk,
        n,
        [
            ("accept", {}),
            ("examine", {}),
            ("start_special", {"procedure": "inspection", "reason": "现场核查"}),
            ("end_special", {"result": "现场核查合格"}),
            ("approve", {"opinion": "符合条件，准予许可", "certificate_fields": CERT_FIELDS}),
            ("deliver", {"method": "certificate"}),
        ],
    )
    made.append(n)
    n = _food(session, clerk, 8)  # denied, delivered at the window
    _run(
        session,
        clerk,
        n,
        [
            ("accept", {}),
            ("examine", {}),
            (
                "deny",
                {
                    "reason": "经营场所与污染源距离不足 25 米",
                    "legal_basis": "《食品经营许可和备案管理办法》第十条",
                },
            ),
            ("deliver", {"method": "window", "detail": "岳麓区政务服务中心 12 号窗口"}),
        ],
    )
    made.append(n)
    n = _food(session, clerk, 0)  # withdrawn by the applicant
    _act(session, clerk, n, "withdraw", reason="申请人申请撤回，拟变更经营场所后重新申请")
    made.append(n)
    made.append(_senior_card(session))  # 即办件 decided on the spot
    return {"applications": len(made)}


def _senior_card(session: Session) -> str:
    """老年人优待证 (即办件 of the Yuelu civil affairs bureau): decided on the spot at the window."""
    clerk_user = org.create_user(
        session,
        username="mz_window",
        password=DEMO_PASSWORD,
        role=Role.HANDLER,
        department_code="YL-MZ",
        display_name="岳麓区民政局窗口 何芳",
    )
    clerk = org.principal_for_username(session, clerk_user.username)
    person = _person("43010419560512402")
    applicant = s.ApplicantIn(type="person", name="黄秀英", id_number=person, phone="13873100010")
    form = {"person.name": "黄秀英", "person.id_number": person, "person.phone": "13873100010"}
    materials = [s.MaterialIn(code=c, received=True) for c in ("person.id_card", "person.photo")]
    done = applications.submit(session, clerk, SENIOR_CARD, applicant, form, materials, SubmitChannel.WINDOW)
    _act(session, clerk, done.case.number, "decide_at_acceptance", opinion="材料齐全，当场办结")
    _act(session, clerk, done.case.number, "deliver", method="window", detail="岳麓区政务服务中心民政窗口")
    return done.case.number
