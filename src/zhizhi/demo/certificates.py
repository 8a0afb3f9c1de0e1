"""The demo city's electronic certificates: Changsha businesses and residents, issued by the
market regulation bureau, the natural resources and planning bureau, the health commission and
a district civil affairs bureau — A-grade ones signed with keys made on first run in the key
store (``certificate_keys_dir``), some B/C/D, one revoked, one expired."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.certificates import service
from zhizhi.certificates.holders import id_check_char, uscc_check_char
from zhizhi.certificates.schemas import IssueIn
from zhizhi.core import audit, clock
from zhizhi.core.permissions import Role
from zhizhi.demo.org import DEMO_PASSWORD, DemoOrg
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind

# issuing departments the demo adds beside the case units: code -> (name, division)
EXTRA_ISSUERS = {
    "CS-ZRZY": ("长沙市自然资源和规划局", "430100000000"),
    "YL-MZ": ("长沙市岳麓区民政局", "430104000000"),
}
# certificate clerks (数据管理员 role: cert:issue): username -> (display name, department)
CLERKS = {
    "cert_scjg": ("市场监管局证照专员 黄丽", "CS-SCJG"),
    "cert_zrzy": ("自然资源和规划局证照专员 邓超", "CS-ZRZY"),
    "cert_wj": ("卫健委证照专员 谭静", "CS-WJ"),
    "cert_mz": ("岳麓区民政局婚姻登记员 罗芳", "YL-MZ"),
}
SIGNING = ("CS-SCJG", "CS-ZRZY", "CS-WJ")  # departments with an SM2 key (YL-MZ issues grade B only)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


def _certificates(today: date) -> list[tuple[str, dict[str, Any]]]:
    """(clerk, issue body) of each demo certificate."""
    maker = _uscc("91430100MA4QX7K2T")
    hotpot = _uscc("91430103MA4T3R8L0")
    shop = _uscc("92430103MA4M9B6F1")  # 92: 个体工商户
    market = _uscc("91430102MA4P2N7W4")
    closed = _uscc("91430111MA4R5D1J8")
    developer = _uscc("91430100MA4L6H2P9")
    return [
        (
            "cert_scjg",
            {
                "type": "business_licence",
                "number": maker,
                "grade": "A",
                "valid_from": "2021-09-06",
                "holder": {"name": "湖南麓谷智造科技有限公司", "id": maker},
                "fields": {
                    "类型": "有限责任公司（自然人投资或控股）",
                    "法定代表人": "贺志强",
                    "注册资本": "贰仟万元整",
                    "成立日期": "2021-09-06",
                    "住所": "湖南省长沙市岳麓区麓谷街道麓松路680号",
                    "经营范围": "智能制造装备研发、制造与销售；软件开发；技术服务",
                },
            },
        ),
        (
            "cert_scjg",
            {
                "type": "business_licence",
                "number": hotpot,
                "grade": "A",
                "valid_from": "2023-04-12",
                "holder": {"name": "长沙坡子街湘味餐饮管理有限公司", "id": hotpot},
                "fields": {
                    "类型": "有限责任公司（自然人独资）",
                    "法定代表人": "彭丽华",
                    "注册资本": "壹佰万元整",
                    "成立日期": "2023-04-12",
                    "住所": "湖南省长沙市天心区坡子街127号",
                    "经营范围": "餐饮服务；食品销售；餐饮管理",
                },
            },
        ),
        (
            "cert_scjg",
            {
                "type": "food_business_permit",
                "number": "JY24301030045871",
                "grade": "A",
                "valid_from": "2023-05-08",
                "valid_to": "2028-05-07",
                "holder": {"name": "长沙坡子街湘味餐饮管理有限公司", "id": hotpot},
                "fields": {
                    "经营场所": "长沙市天心区坡子街127号一至二层",
                    "主体业态": "餐饮服务经营者（中型餐馆）",
                    "经营项目": "热食类食品制售；冷食类食品制售",
                },
            },
        ),
        (
            "cert_scjg",
            {
                "type": "business_licence",
                "number": shop,
                "grade": "B",
                "valid_from": "2019-11-20",
                "holder": {"name": "长沙市天心区樊记米粉店", "id": shop},
                "fields": {
                    "类型": "个体工商户",
                    "法定代表人": "樊建军",
                    "注册资本": "—",
                    "成立日期": "2019-11-20",
                    "住所": "湖南省长沙市天心区黄兴南路步行街38号",
                    "经营范围": "餐饮服务（米粉、面食）",
                },
            },
        ),
        (
            "cert_scjg",
            {
                "type": "business_licence",
                "number": market,
                "grade": "C",
                "valid_from": "2016-03-02",
                "holder": {"name": "长沙芙蓉区惠民生鲜超市有限公司", "id": market},
                "fields": {
                    "类型": "有限责任公司",
                    "法定代表人": "曾小兵",
                    "注册资本": "伍拾万元整",
                    "成立日期": "2016-03-02",
                    "住所": "湖南省长沙市芙蓉区五一大道368号",
                    "经营范围": "食品销售；日用百货销售",
                },
            },
        ),
        (
            "cert_scjg",
            {  # expired: a five-year permit that ran out last year
                "type": "food_business_permit",
                "number": "JY24301020031266",
                "grade": "A",
                "valid_from": (today - timedelta(days=5 * 365 + 200)).isoformat(),
                "valid_to": (today - timedelta(days=200)).isoformat(),
                "holder": {"name": "长沙芙蓉区惠民生鲜超市有限公司", "id": market},
                "fields": {
                    "经营场所": "长沙市芙蓉区五一大道368号",
                    "主体业态": "食品销售经营者（超市）",
                    "经营项目": "预包装食品销售；散装食品销售",
                },
            },
        ),
        (
            "cert_scjg",
            {  # revoked below: the company was deregistered
                "type": "business_licence",
                "number": closed,
                "grade": "A",
                "valid_from": "2020-07-15",
                "holder": {"name": "长沙雨花区星辰电子商务有限公司", "id": closed},
                "fields": {
                    "类型": "有限责任公司",
                    "法定代表人": "袁浩",
                    "注册资本": "叁佰万元整",
                    "成立日期": "2020-07-15",
                    "住所": "湖南省长沙市雨花区韶山中路419号",
                    "经营范围": "互联网销售；电子产品销售",
                },
            },
        ),
        (
            "cert_zrzy",
            {
                "type": "real_estate_title",
                "number": "湘(2025)长沙市不动产权第0086421号",
                "grade": "A",
                "valid_from": "2025-06-20",
                "holder": {"name": "王小红", "id": _id("43010419880612302")},
                "fields": {
                    "坐落": "岳麓区桃子湖路18号3栋502室",
                    "不动产单元号": "430104003005GB00012F00030052",
                    "权利类型": "国有建设用地使用权/房屋所有权",
                    "用途": "城镇住宅用地/住宅",
                    "面积": "共有宗地面积 8231.5㎡ / 房屋建筑面积 96.42㎡",
                },
            },
        ),
        (
            "cert_zrzy",
            {
                "type": "real_estate_title",
                "number": "湘(2012)长沙市不动产权第0003318号",
                "grade": "C",
                "valid_from": "2012-10-09",
                "holder": {"name": "刘德明", "id": _id("43010219650304151")},
                "fields": {
                    "坐落": "芙蓉区八一路57号2栋301室",
                    "不动产单元号": "430102001002GB00031F00020301",
                    "权利类型": "房屋所有权",
                    "用途": "住宅",
                    "面积": "房屋建筑面积 78.60㎡",
                },
            },
        ),
        (
            "cert_zrzy",
            {
                "type": "construction_planning_permit",
                "number": "建字第430100202500612号",
                "grade": "A",
                "valid_from": "2025-08-01",
                "valid_to": (today + timedelta(days=400)).isoformat(),
                "holder": {"name": "长沙湘江新城置业有限公司", "id": developer},
                "fields": {
                    "建设项目名称": "梅溪湖国际新城二期住宅项目",
                    "建设位置": "岳麓区梅溪湖街道环湖路以北",
                    "建设规模": "总建筑面积 186,420㎡（地上 142,300㎡）",
                },
            },
        ),
        (
            "cert_wj",
            {
                "type": "birth_medical_certificate",
                "number": "Y430012345",
                "grade": "A",
                "valid_from": "2025-03-15",
                "holder": {"name": "陈思远", "id": _id("43010420250315003")},
                "fields": {
                    "出生时间": "2025年03月15日 08时42分",
                    "出生地点": "湖南省长沙市开福区",
                    "母亲姓名": "李婉",
                    "父亲姓名": "陈浩",
                    "助产机构": "湖南省妇幼保健院",
                },
            },
        ),
        (
            "cert_mz",
            {
                "type": "marriage_certificate",
                "number": "J430104-2024-003187",
                "grade": "B",
                "valid_from": "2024-05-20",
                "holder": {"name": "李明", "id": _id("43010419920817001")},
                "fields": {"配偶姓名": "周婷", "登记日期": "2024-05-20"},
            },
        ),
        (
            "cert_zrzy",
            {  # D: a scan of an old paper certificate, not yet checked
                "type": "real_estate_title",
                "number": "长房权证开福字第710012345号",
                "grade": "D",
                "valid_from": "2007-04-18",
                "holder": {"name": "赵桂兰", "id": _id("43010519560921202")},
                "fields": {
                    "坐落": "开福区湘江中路二段86号",
                    "不动产单元号": "（旧证，无）",
                    "权利类型": "房屋所有权",
                    "用途": "住宅",
                    "面积": "房屋建筑面积 64.20㎡",
                },
            },
        ),
    ]


def load_certificates(session: Session, demo: DemoOrg) -> int:
    """Issuing departments, their clerks and keys, and the demo certificates; returns the count."""
    for code, (name, division) in EXTRA_ISSUERS.items():
        org.create_department(
            session,
            code=code,
            name=name,
            kind=DepartmentKind.FUNCTIONAL,
            parent=demo.city,
            division_code=division,
        )
    for username, (display, dept_code) in CLERKS.items():
        org.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.DATA_STEWARD,
            department_code=dept_code,
            display_name=display,
        )
    for code in SIGNING:
        service.create_key(session, code, audit.Actor.system())
    today = clock.today_local()
    clerks = {name: org.principal_for_username(session, name) for name in CLERKS}
    made = 0
    for clerk, body in _certificates(today):
        if clerk in ("cert_scjg", "cert_wj"):  # city bureaux without a division of their own
            body = body | {"jurisdiction": "430100000000"}
        service.issue(session, clerks[clerk], IssueIn.model_validate(body))
        made += 1
    service.revoke(
        session,
        clerks["cert_scjg"],
        _uscc("91430111MA4R5D1J8"),
        "企业申请注销登记，已核准（长市监注销字〔2026〕第0312号）",
    )
    return made
