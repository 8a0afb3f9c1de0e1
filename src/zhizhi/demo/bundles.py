"""The demo city's bundles (一件事一次办) on the demo catalogue: 新生儿出生, 开办餐馆 and 退休, the
service grants their departments read shared data under (免提交), a business-register row of the
demo restaurant company, and bundle applications in several states — 张伟's newborn bundle
submitted online with consent and mostly decided, a restaurant whose fire check was denied while
the rest go on, one whose registration was refused (its dependants withdrawn), a retirement
done, and fresh ones just submitted."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.attachments.service import Upload
from zhizhi.cases import service as cases
from zhizhi.certificates.holders import uscc_check_char
from zhizhi.core import clock
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Role
from zhizhi.demo.org import DEMO_PASSWORD
from zhizhi.demo.services import DATA
from zhizhi.org import service as org
from zhizhi.services.applications import schemas as app
from zhizhi.services.bundles import service as bundles
from zhizhi.services.bundles import submission
from zhizhi.services.bundles.schemas import BundleApplicationIn, BundleIn
from zhizhi.sharing import seed
from zhizhi.sharing import service as sharing
from zhizhi.sharing.schemas import DecisionIn, RequestIn

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # a scanned document stands in
HOTPOT = "91430103MA4T3R8L0" + uscc_check_char("91430103MA4T3R8L0")  # demo/certificates' restaurant
SHOP = "92430103MA4M9B6F1" + uscc_check_char("92430103MA4M9B6F1")  # 樊记米粉店 (个体工商户)
POPULATION = ["id_number", "name", "gender", "birth_date", "household_address", "phone"]
INSURANCE = ["name", "employer", "insurance_status", "insured_since", "months_paid"]
LICENCES = ["credit_code", "name", "kind", "legal_representative", "address", "business_scope", "established"]


def _codes() -> dict[str, str]:
    with (DATA / "service_items.csv").open(encoding="utf-8", newline="") as f:
        return {r["基本编码"]: r["实施编码"] for r in csv.DictReader(f)}


def _definitions(code: dict[str, str]) -> list[BundleIn]:
    return [
        BundleIn(
            code="newborn",
            name="新生儿出生一件事",
            name_en="A child is born",
            description="出生医学证明、出生登记（户口）、城乡居民医保参保、社会保障卡申领一次办：一张表、一套材料，"
            "父母身份和户籍信息由共享数据提供。",
            description_en="Birth certificate, household registration, health insurance and the social "
            "security card in one go: one form, one set of documents; the parents' identity and household "
            "data come from shared data.",
            audience="personal",
            life_event="newborn",
            lead_department="CS-WJ",
            items=[
                {"part": "birth", "item": code["000120101000"]},
                {"part": "hukou", "item": code["000115101000"], "depends_on": ["birth"]},
                {"part": "insurance", "item": code["000133001000"], "depends_on": ["hukou"]},
                {
                    "part": "sscard",
                    "item": code["000114101000"],
                    "depends_on": ["insurance"],
                    "optional": True,
                    "condition": "已参加城乡居民医保",
                    "condition_en": "Enrolled in residents' health insurance",
                },
            ],
        ),
        BundleIn(
            code="open-restaurant",
            name="开办餐馆一件事",
            name_en="Opening a restaurant",
            description="营业执照、食品经营许可、公共场所卫生许可、公众聚集场所消防安全检查并联办理，"
            "营业执照等电子证照免提交。",
            description_en="Business registration, food business permit, public venue hygiene permit and the "
            "fire safety check in parallel; e-certificates are not asked for.",
            audience="legal",
            life_event="open_restaurant",
            lead_department="YL-SCJG",
            items=[
                {"part": "licence", "item": code["000117001000"], "applicant_types": ["2", "5"]},
                {
                    "part": "food",
                    "item": code["000117009000"],
                    "depends_on": ["licence"],
                    "applicant_types": ["2", "5"],
                    "condition": "限法人和非法人企业",
                    "condition_en": "Organisations only",
                },
                {"part": "hygiene", "item": code["000120004000"], "depends_on": ["licence"]},
                {"part": "fire", "item": code["000113006000"], "depends_on": ["licence"]},
            ],
        ),
        BundleIn(
            code="retirement",
            name="退休一件事",
            name_en="Retiring",
            description="职工退休申请、基本养老保险待遇申领、退休人员医保待遇核定一次办，可一并提取住房公积金；"
            "参保缴费记录由人社部门共享。",
            description_en="Retirement, the basic pension, retirees' health insurance in one go, with the "
            "housing fund withdrawal if wished; contribution records come from shared data.",
            audience="personal",
            life_event="retirement",
            lead_department="CS-RS",
            items=[
                {"part": "retire", "item": code["000114201000"]},
                {"part": "pension", "item": code["000114202000"], "depends_on": ["retire"]},
                {"part": "medical", "item": code["000133010000"], "depends_on": ["retire"]},
                {"part": "fund", "item": code["000132003000"], "depends_on": ["retire"], "optional": True},
            ],
        ),
    ]


def _grants(session: Session, departments: set[str]) -> int:
    """A service grant (政务服务办理) for each part's department on the resources its items read."""
    owners = {"GA-RK-001": "steward_ga", "RS-SB-001": "steward_rs", "SCJG-YYZZ-001": None}
    fields = {"GA-RK-001": POPULATION, "RS-SB-001": INSURANCE, "SCJG-YYZZ-001": LICENCES}
    needs = {
        "GA-RK-001": departments,
        "RS-SB-001": {"CS-RS", "CS-YB", "CS-GJJ"},
        "SCJG-YYZZ-001": {"YL-SCJG", "YL-WJ", "CS-XF"},
    }
    made = 0
    for dept in sorted(departments):
        username = f"steward_{dept.lower().replace('-', '_')}"
        if dept not in {"CS-WJ", "CS-RS"}:  # demo/sharing gave these two a steward already
            ref = org.find_department(session, dept)
            org.create_user(
                session,
                username=username,
                password=DEMO_PASSWORD,
                role=Role.DATA_STEWARD,
                department_code=dept,
                display_name=f"{ref.name if ref else dept}数据管理员",
            )
        else:
            username = {"CS-WJ": "steward_wj", "CS-RS": "steward_rs"}[dept]
        who = org.principal_for_username(session, username)
        for resource, owner in owners.items():
            if dept not in needs[resource] or (resource == "RS-SB-001" and dept == "CS-RS"):
                continue  # a department does not request its own data
            body = RequestIn(
                resource=resource,
                purpose="service",
                purpose_detail="一件事一次办：申请人同意后免提交材料、预填表单",
                legal_basis="《国务院关于加快推进“互联网+政务服务”工作的指导意见》；《个人信息保护法》第十三条",
                fields=fields[resource],
                period_start=clock.today_local(),
                period_end=clock.today_local() + timedelta(days=730),
            )
            number = sharing.submit_request(session, who, body).number
            if owner is not None:
                approver = org.principal_for_username(session, owner)
                sharing.decide_request(
                    session, approver, number, DecisionIn(approve=True, reason="一件事一次办，同意")
                )
            made += 1
    return made


def _act(session: Session, number: str, body: Any) -> None:
    cases.perform(session, cases.SYSTEM, number, body)


def _drive(session: Session, out: Any, part: str, *steps: Any) -> None:
    number = next(p.application for p in out.parts if p.part == part)
    for step in steps:
        _act(session, number, step)


def _files(*codes: str) -> dict[str, list[Upload]]:
    return {c: [Upload(f"{c}.pdf", PDF)] for c in codes}


def load_bundles(session: Session) -> dict[str, int]:
    code = _codes()
    steward = org.principal_for_username(session, "items")
    departments: set[str] = set()
    for body in _definitions(code):
        bundles.save_bundle(session, steward, body)
        departments |= {
            bundles.bundle(session, body.code).items[i].department for i in range(len(body.items))
        }
    admin = org.principal_for_username(session, "admin")
    rows = seed.provider_rows(120)
    people, insured = rows["provider_population"], rows["provider_social_security"]
    licence = dict(rows["provider_business_licences"][0])
    licence.update(
        credit_code=HOTPOT,
        name="长沙坡子街湘味餐饮管理有限公司",
        kind="有限责任公司（自然人独资）",
        legal_representative="彭丽华",
        address="湖南省长沙市天心区坡子街127号",
        business_scope="餐饮服务；食品销售；餐饮管理",
        established=date(2023, 4, 12),
        status="存续",
    )
    sharing.load_provider_rows(session, admin, {"provider_business_licences": [licence]})
    grants = _grants(session, departments)
    org.create_user(
        session,
        username="yjs_window",
        password=DEMO_PASSWORD,
        role=Role.HANDLER,
        department_code="430104",
        display_name="岳麓区政务服务中心综合窗口 杨帆",
    )
    window = org.principal_for_username(session, "yjs_window")
    citizen = org.principal_for_username(session, "citizen")
    zhang = people[0]  # 张伟: his verified ID number (demo/sharing links it)
    spouse = next(p for p in people[1:] if p["gender"] != zhang["gender"])
    mother, father = (spouse, zhang) if zhang["gender"] == "男" else (zhang, spouse)
    today = clock.today_local()
    newborn = {
        "child.name": "张一诺",
        "child.gender": "女",
        "child.birth_date": (today - timedelta(days=9)).isoformat(),
        "mother.name": mother["name"],
        "mother.id_number": mother["id_number"],
        "father.name": father["name"],
        "father.id_number": father["id_number"],
    }
    made = 0
    # 1. 张伟 online, with consent: birth certificate issued, household and insurance registered on the
    #    spot, the social security card under examination
    out = submission.submit(
        session,
        citizen,
        "newborn",
        BundleApplicationIn(
            applicant={"type": "1", "name": zhang["name"], "id_number": zhang["id_number"]},
            parts=["sscard"],
            answers=newborn,
            consent=True,
        ),
        _files("birth.record", "child.birth_medical_certificate", "person.photo"),
    )
    made += 1
    _drive(
        session,
        out,
        "birth",
        app.DecideAtAcceptance(
            action="decide_at_acceptance",
            opinion="核对分娩记录无误",
            certificate_fields={
                "出生时间": f"{newborn['child.birth_date']} 08:26",
                "出生地点": "湖南省长沙市岳麓区",
                "助产机构": "中南大学湘雅三医院",
                "母亲姓名": mother["name"],
                "父亲姓名": father["name"],
            },
        ),
    )
    _drive(session, out, "hukou", app.DecideAtAcceptance(action="decide_at_acceptance"))
    _drive(session, out, "insurance", app.DecideAtAcceptance(action="decide_at_acceptance"))
    _drive(session, out, "sscard", app.Accept(action="accept"), app.Examine(action="examine"))
    # 2. another family at the window, without consent: everything asked, just submitted
    other = next(p for p in people[10:] if p["gender"] == "女")
    partner = next(p for p in people[20:] if p["gender"] == "男")
    submission.submit(
        session,
        window,
        "newborn",
        BundleApplicationIn(
            applicant={"type": "1", "name": other["name"], "id_number": other["id_number"]},
            answers=newborn
            | {
                "child.name": "李沐阳",
                "child.gender": "男",
                "mother.name": other["name"],
                "mother.id_number": other["id_number"],
                "father.name": partner["name"],
                "father.id_number": partner["id_number"],
                "person.household_address": other["household_address"],
                "person.phone": "13874010086",
            },
            materials=[
                "birth.record",
                "parents.id_card",
                "child.birth_medical_certificate",
                "person.household_register",
                "person.id_or_household",
            ],
            consent=False,
        ),
    )
    made += 1
    # 3. the restaurant company at the window, with consent: the fire check denied, the rest go on
    restaurant = {
        "enterprise.credit_code": HOTPOT,
        "person.phone": "13507318899",
        "premises.address": "长沙市岳麓区麓山南路326号一层",
        "premises.area": "180",
        "food.category": "热食类食品制售",
    }
    paper = [
        "scjg.company_registration_form",
        "scjg.articles_of_association",
        "premises.title",
        "food.application_form",
        "food.layout_plan",
        "food.safety_rules",
        "health.public_venue_form",
        "health.venue_layout",
        "health.staff_health",
        "fire.application_form",
        "fire.premises_plan",
        "fire.safety_rules",
    ]
    out = submission.submit(
        session,
        window,
        "open-restaurant",
        BundleApplicationIn(
            applicant={
                "type": "2",
                "name": "长沙坡子街湘味餐饮管理有限公司",
                "credit_code": HOTPOT,
                "id_number": zhang["id_number"],
            },
            answers=restaurant,
            materials=[*paper, "enterprise.shareholder_id", "enterprise.legal_rep_id"],
            consent=True,
        ),
    )
    made += 1
    _drive(session, out, "licence", app.Accept(action="accept"), app.Examine(action="examine"))
    _drive(session, out, "food", app.Accept(action="accept"))
    _drive(
        session,
        out,
        "fire",
        app.Accept(action="accept"),
        app.Examine(action="examine"),
        app.Deny(
            action="deny",
            reason="现场检查发现疏散通道被占用、应急照明不足，不符合消防技术标准",
            legal_basis="《中华人民共和国消防法》第十五条；《公众聚集场所投入使用、营业消防安全检查规则》第十条",
        ),
    )
    # 4. a noodle shop whose registration was refused: the parts that need it are withdrawn
    out = submission.submit(
        session,
        window,
        "open-restaurant",
        BundleApplicationIn(
            applicant={"type": "5", "name": "长沙市天心区樊记米粉店", "credit_code": SHOP},
            answers=restaurant
            | {
                "enterprise.credit_code": SHOP,
                "enterprise.name": "长沙市天心区樊记米粉店",
                "legal_rep.name": "樊建军",
                "business.scope": "餐饮服务（米粉）",
                "premises.address": "长沙市天心区黄兴南路步行街18号",
                "premises.area": "45",
                "food.category": "热食类食品制售",
            },
            materials=[
                *paper,
                "enterprise.shareholder_id",
                "enterprise.legal_rep_id",
                "enterprise.business_licence",
            ],
            consent=False,
        ),
    )
    made += 1
    _drive(
        session,
        out,
        "licence",
        app.RefuseAcceptance(
            action="refuse_acceptance",
            reason="经营场所位于历史文化街区限制餐饮业态区域，不予登记",
            legal_basis="《市场主体登记管理条例》第二十六条；《长沙市历史文化名城保护条例》",
        ),
    )
    # 5. retirement at the window with consent, all decided; 6. another just submitted
    born = sorted(
        (p for p in people if p["id_number"] in {r["id_number"] for r in insured}),
        key=lambda p: p["birth_date"],
    )
    for n, person in enumerate(born[:2]):
        out = submission.submit(
            session,
            window,
            "retirement",
            BundleApplicationIn(
                applicant={"type": "1", "name": person["name"], "id_number": person["id_number"]},
                answers={
                    "person.id_number": person["id_number"],
                    "retire.date": (today + timedelta(days=20)).isoformat(),
                    "bank.account": f"6217 0029 3000 {1234 + n:04d} 567",
                },
                materials=[
                    "retire.application",
                    "person.archive",
                    "person.bank_card",
                ],  # the contribution record: read by 人社局 from its own RS-SB-001 (免提交)
                consent=True,
            ),
        )
        made += 1
        if n == 0:
            for part in ("retire", "pension", "medical"):
                try:
                    _drive(
                        session,
                        out,
                        part,
                        app.Accept(action="accept"),
                        app.Examine(action="examine"),
                        app.Approve(action="approve", opinion="符合条件，准予"),
                    )
                except DomainError:  # pragma: no cover - a demo without a signing key
                    break
    return {"bundles": 3, "bundle_applications": made, "bundle_grants": grants}
