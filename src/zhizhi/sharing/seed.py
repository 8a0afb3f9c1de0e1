"""Reference content for the demo city and the tests: the Changsha data resources of four
providers (public security's population, market regulation's business licences, social
security, natural resources' property register) and generated, realistic provider rows.

Generated people are fictitious: names from common surnames and given names, ID numbers with a
Changsha district prefix, a real birth date and a valid GB 11643 check character.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zhizhi.sharing.schemas import ResourceIn

DISTRICTS = {
    "430102": ("芙蓉区", ["五一大道", "八一路", "韶山北路", "人民东路"]),
    "430103": ("天心区", ["书院路", "劳动西路", "芙蓉南路", "城南西路"]),
    "430104": ("岳麓区", ["麓山南路", "桐梓坡路", "枫林三路", "岳麓大道"]),
    "430105": ("开福区", ["湘江中路", "芙蓉中路", "三一大道", "北辰路"]),
    "430111": ("雨花区", ["韶山中路", "万家丽中路", "劳动东路", "井湾路"]),
    "430112": ("望城区", ["雷锋大道", "金星北路", "郭亮北路"]),
    "430121": ("长沙县", ["星沙大道", "开元东路", "板仓路"]),
}
SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "文博",
    "子涵",
    "梓萱",
    "浩然",
    "一诺",
    "思远",
    "雨桐",
    "俊杰",
    "晓东",
    "湘宁",
    "欣怡",
    "宇航",
    "佳琪",
    "嘉豪",
    "诗涵",
]
ETHNICITIES = ["汉族"] * 18 + ["土家族", "苗族"]
EMPLOYERS = [
    "长沙市第一医院",
    "湖南中联重科股份有限公司",
    "三一重工股份有限公司",
    "长沙银行股份有限公司",
    "湖南大学",
    "长沙市岳麓区教育局",
    "湖南湘江新区管理委员会",
    "长沙地铁集团有限公司",
    "步步高商业连锁股份有限公司",
    "长沙晚报报业集团",
]
BUSINESS = [
    ("湘味小厨餐饮店", "个体工商户", "餐饮服务"),
    ("麓山科技有限公司", "有限责任公司", "软件开发；信息技术咨询服务"),
    ("星城建材贸易有限公司", "有限责任公司", "建筑材料销售"),
    ("橘洲文化传媒有限公司", "有限责任公司", "文艺创作；广告设计、代理"),
    ("湘江物流有限公司", "有限责任公司", "道路货物运输；仓储服务"),
    ("芙蓉便民超市", "个体工商户", "食品销售；日用百货销售"),
    ("岳麓书香文具店", "个体工商户", "文具用品零售"),
    ("长沙智造机械股份有限公司", "股份有限公司", "通用设备制造；机械设备销售"),
    ("天心家政服务有限公司", "有限责任公司", "家政服务"),
    ("开福口腔诊所有限公司", "有限责任公司", "诊所服务"),
]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number(district: str, birth: date, serial: int) -> str:
    body = f"{district}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + id_check(body)


def _credit_code(rng: random.Random) -> str:
    """A unified social credit code of the 18-character shape (not checksum-valid: demo only)."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91430100" + "".join(rng.choice(chars) for _ in range(10))


def _address(rng: random.Random, district: str) -> str:
    name, roads = DISTRICTS[district]
    building, room = rng.randint(1, 30), rng.randint(1, 28) * 100 + rng.randint(1, 4)
    return f"湖南省长沙市{name}{rng.choice(roads)}{rng.randint(1, 999)}号{building}栋{room}室"


def people(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        district = rng.choice(list(DISTRICTS))
        birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
        gender_code = rng.randint(0, 1)
        serial = rng.randint(0, 49) * 20 + i % 10 * 2 + gender_code  # odd: male
        out.append(
            {
                "id_number": id_number(district, birth, serial),
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "gender": "男" if serial % 2 else "女",
                "birth_date": birth,
                "ethnicity": rng.choice(ETHNICITIES),
                "household_address": _address(rng, district),
                "phone": f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            }
        )
    return out


def provider_rows(count: int, seed: int = 2026) -> dict[str, list[dict[str, Any]]]:
    """Rows for the four provider tables: ``count`` people, and licences, insurance records and
    property certificates of some of them."""
    rng = random.Random(seed + 1)
    persons = people(count, seed)
    insured = [
        {
            "id_number": p["id_number"],
            "name": p["name"],
            "employer": rng.choice(EMPLOYERS),
            "insurance_status": rng.choice(["参保缴费", "参保缴费", "参保缴费", "暂停缴费", "终止参保"]),
            "insured_since": date(2005 + rng.randint(0, 18), rng.randint(1, 12), 1),
            "months_paid": rng.randint(6, 240),
            "contribution_base": Decimal(rng.randint(4_000, 24_000)).quantize(Decimal("0.01")),
        }
        for p in persons[: max(1, count * 2 // 3)]
    ]
    owners = persons[: max(1, count // 2)]
    properties = [
        {
            "certificate_no": f"湘（{2015 + i % 10}）长沙市不动产权第{rng.randint(1, 999_999):07d}号",
            "owner_id_number": p["id_number"],
            "owner_name": p["name"],
            "address": _address(rng, p["id_number"][:6]),
            "area_m2": Decimal(rng.randint(4_500, 18_000)) / 100,
            "use": rng.choice(["住宅", "住宅", "住宅", "商业", "车位"]),
            "registered_on": date(2015 + i % 10, rng.randint(1, 12), rng.randint(1, 28)),
            "mortgaged": rng.random() < 0.4,
        }
        for i, p in enumerate(owners)
    ]
    licences = []
    for i, (name, kind, scope) in enumerate(BUSINESS * (1 + count // 60)):
        rep = persons[(i * 7) % len(persons)]
        licences.append(
            {
                "credit_code": _credit_code(rng),
                "name": f"长沙市{name}"
                if i < len(BUSINESS)
                else f"长沙市{name}（{i // len(BUSINESS) + 1}号店）",
                "kind": kind,
                "legal_representative": rep["name"],
                "legal_representative_id": rep["id_number"],
                "registered_capital": Decimal(rng.choice([3, 10, 50, 100, 500, 1000])) * 10_000,
                "established": date(2008 + rng.randint(0, 16), rng.randint(1, 12), rng.randint(1, 28)),
                "address": _address(rng, rng.choice(list(DISTRICTS))),
                "business_scope": scope,
                "status": rng.choice(["存续", "存续", "存续", "注销"]),
            }
        )
    return {
        "provider_population": persons,
        "provider_social_security": insured,
        "provider_property": properties,
        "provider_business_licences": licences,
    }


def _f(
    name: str, label: str, grade: str = "general", personal: str = "none", mask: str = "none", **kw: Any
) -> dict[str, Any]:
    return {"name": name, "label": label, "grade": grade, "personal": personal, "mask": mask, **kw}


def resources(owners: dict[str, str]) -> Iterator[ResourceIn]:
    """The demo catalogue; ``owners`` maps ga / scjg / rs / zrzy to department codes."""
    yield ResourceIn(
        code="GA-RK-001",
        name="人口基本信息",
        description="全市户籍人口和登记流动人口的基本信息，用于政务服务中的身份核验和免提交材料。",
        owner=owners["ga"],
        share_type="conditional",
        source_system="公安人口信息管理系统",
        update_cycle="daily",
        adapter_target="provider_population",
        key_field="id_number",
        subject_field="id_number",
        keywords="人口,身份证,户籍,身份核验",
        fields=[
            _f(
                "id_number",
                "公民身份号码",
                "important",
                "sensitive",
                "id_number",
                data_item="person.id_number",
                authoritative=True,
            ),
            _f("name", "姓名", "important", "personal", "name", data_item="person.name", authoritative=True),
            _f("gender", "性别", "general", "personal"),
            _f("birth_date", "出生日期", "general", "personal"),
            _f("ethnicity", "民族", "important", "sensitive"),
            _f(
                "household_address",
                "户籍地址",
                "important",
                "personal",
                "address",
                data_item="person.household_address",
                authoritative=True,
            ),
            _f("phone", "联系电话", "general", "personal", "phone", data_item="person.phone"),
        ],
    )
    yield ResourceIn(
        code="SCJG-YYZZ-001",
        name="营业执照信息",
        description="市场主体登记的营业执照信息（统一社会信用代码、名称、法定代表人、经营范围、状态）。",
        owner=owners["scjg"],
        share_type="unconditional",
        source_system="市场主体登记注册系统",
        update_cycle="realtime",
        adapter_target="provider_business_licences",
        key_field="credit_code",
        keywords="营业执照,市场主体,统一社会信用代码",
        fields=[
            _f("credit_code", "统一社会信用代码", data_item="enterprise.credit_code", authoritative=True),
            _f("name", "名称", data_item="enterprise.name", authoritative=True),
            _f("kind", "类型"),
            _f("legal_representative", "法定代表人", "general", "personal", "name"),
            _f("legal_representative_id", "法定代表人身份证号", "important", "sensitive", "id_number"),
            _f("registered_capital", "注册资本（元）"),
            _f("established", "成立日期"),
            _f("address", "住所"),
            _f("business_scope", "经营范围"),
            _f("status", "登记状态", data_item="enterprise.status", authoritative=True),
        ],
    )
    yield ResourceIn(
        code="RS-SB-001",
        name="社会保险参保信息",
        description="职工基本养老保险参保和缴费信息，用于人才落户、购房资格、子女入学等审核。",
        owner=owners["rs"],
        share_type="conditional",
        source_system="社会保险经办信息系统",
        update_cycle="monthly",
        adapter_target="provider_social_security",
        key_field="id_number",
        subject_field="id_number",
        keywords="社保,参保,缴费,养老保险",
        fields=[
            _f(
                "id_number",
                "公民身份号码",
                "important",
                "sensitive",
                "id_number",
                data_item="person.id_number",
            ),
            # the social security register also calls itself the source of names: flagged (一数一源)
            _f("name", "姓名", "important", "personal", "name", data_item="person.name", authoritative=True),
            _f("employer", "参保单位", "general", "personal"),
            _f(
                "insurance_status",
                "参保状态",
                "general",
                "personal",
                data_item="person.pension_status",
                authoritative=True,
            ),
            _f("insured_since", "首次参保日期", "general", "personal"),
            _f("months_paid", "累计缴费月数", "general", "personal"),
            _f("contribution_base", "缴费基数", "important", "sensitive"),
        ],
    )
    yield ResourceIn(
        code="ZRZY-BDC-001",
        name="不动产登记信息",
        description="不动产权证书登记信息（权利人、坐落、面积、用途、抵押状态），用于住房保障和入学审核。",
        owner=owners["zrzy"],
        share_type="conditional",
        source_system="不动产登记信息管理平台",
        update_cycle="realtime",
        adapter_target="provider_property",
        key_field="certificate_no",
        subject_field="owner_id_number",
        keywords="不动产,房产,产权证",
        fields=[
            _f("certificate_no", "不动产权证书号", data_item="property.certificate_no", authoritative=True),
            _f("owner_id_number", "权利人身份证号", "important", "sensitive", "id_number"),
            _f("owner_name", "权利人", "important", "personal", "name"),
            _f("address", "坐落", "important", "personal", "address"),
            _f("area_m2", "建筑面积（㎡）", "general", "personal"),
            _f("use", "用途"),
            _f("registered_on", "登记日期"),
            _f("mortgaged", "抵押状态", "important", "sensitive"),
        ],
    )
    yield ResourceIn(
        code="GA-ZDRY-001",
        name="重点人员管控信息",
        description="公安机关依法掌握的重点人员信息，涉及国家安全和公共安全，不予共享。",
        owner=owners["ga"],
        share_type="none",
        source_system="公安重点人员管控系统",
        update_cycle="realtime",
        adapter_target="provider_population",
        key_field="id_number",
        subject_field="id_number",
        keywords="重点人员",
        fields=[_f("id_number", "公民身份号码", "core", "sensitive", "id_number")],
    )
