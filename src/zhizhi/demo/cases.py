"""A realistic stream of demo cases, driven through the real lifecycle at past instants."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.enums import AppealType, CaseStatus, Rating
from zhizhi.catalogue.enums import Urgency
from zhizhi.core import clock
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.demo import vending
from zhizhi.demo.org import DemoOrg
from zhizhi.org import service as org
from zhizhi.routing.service import compute_suggestions

# (category code, appeal type, subject, content template); {place} is a Changsha street or road.
TEMPLATES: list[tuple[str, AppealType, str, str]] = [
    (
        "CXJS",
        AppealType.COMPLAINT,
        "小区电梯频繁故障",
        "{place}某小区3栋电梯近一个月停运四次，老人上下楼困难，物业拖延维修，请督促处理。",
    ),
    (
        "CXJS",
        AppealType.HELP,
        "老旧小区屋顶漏水",
        "{place}老旧小区顶楼住户反映雨天屋顶漏水严重，墙面发霉，希望纳入老旧小区改造。",
    ),
    (
        "CXJS",
        AppealType.CONSULT,
        "公租房申请条件",
        "想咨询{place}附近公租房的申请条件和所需材料，外地户籍是否可以申请。",
    ),
    (
        "HJBH",
        AppealType.COMPLAINT,
        "夜间施工噪音扰民",
        "{place}工地每天夜里十一点后仍在施工，噪音很大，严重影响居民休息。",
    ),
    (
        "HJBH",
        AppealType.REPORT,
        "企业偷排废水",
        "{place}附近一家作坊晚上向河道排放有异味的污水，河水发黑，请查处。",
    ),
    (
        "HJBH",
        AppealType.COMPLAINT,
        "餐馆油烟扰民",
        "{place}临街餐馆油烟直排居民楼，窗户都不敢开，要求安装油烟净化设备。",
    ),
    (
        "JTYS",
        AppealType.SUGGESTION,
        "建议增设公交线路",
        "{place}新建小区较多，居民出行不便，建议增开一条到地铁站的公交接驳线。",
    ),
    ("JTYS", AppealType.COMPLAINT, "出租车拒载", "在{place}打车，司机以交班为由拒载，车牌号已记下，请处理。"),
    (
        "JTYS",
        AppealType.HELP,
        "路口红绿灯故障",
        "{place}路口红绿灯全部熄灭，早高峰车辆拥堵，存在安全隐患，请尽快修复。",
    ),
    ("JYWT", AppealType.CONSULT, "小学入学划片", "孩子今年上小学，户口在{place}，想咨询对口学校和报名时间。"),
    (
        "JYWT",
        AppealType.COMPLAINT,
        "培训机构退费难",
        "{place}一家培训机构停课后拒不退还剩余课时费用，涉及几十名学生。",
    ),
    (
        "LDSB",
        AppealType.HELP,
        "工资被拖欠",
        "在{place}一处工地务工，老板拖欠三个月工资共计两万余元，请帮助讨薪。",
    ),
    (
        "LDSB",
        AppealType.CONSULT,
        "社保转移接续",
        "从外省来长沙工作，想咨询养老保险关系转移到{place}社保经办机构的流程。",
    ),
    ("SMLY", AppealType.COMPLAINT, "景区强制消费", "在{place}景区游玩时被导游带进购物店强制消费，要求退款。"),
    (
        "WSJS",
        AppealType.SUGGESTION,
        "社区医院延长服务时间",
        "{place}社区卫生服务中心下午五点就停诊，上班族看病不便，建议延长时间。",
    ),
    ("WSJS", AppealType.COMPLAINT, "医院挂号难", "{place}附近医院专家号总是挂不上，怀疑有号贩子倒号。"),
    (
        "SRHJ.02",
        AppealType.COMPLAINT,
        "流动摊贩占道经营",
        "{place}人行道被流动摊贩长期占用，行人只能走机动车道。",
    ),
    (
        "SRHJ.05",
        AppealType.COMPLAINT,
        "露天烧烤扰民",
        "{place}路边烧烤摊每晚占道经营到凌晨，油烟和吆喝声扰民。",
    ),
    ("SRHJ.01", AppealType.HELP, "垃圾清运不及时", "{place}小区门口垃圾站三天没有清运，气味很大，蚊蝇滋生。"),
    # the city's own 市容环境 as citizens put it (varied: the classifier learns from these)
    (
        "SRHJ.02",
        AppealType.COMPLAINT,
        "商贩摆摊堵路",
        "{place}地铁口一到傍晚就有十几个小贩摆地摊，行人要绕到马路上走。",
    ),
    (
        "SRHJ.02",
        AppealType.COMPLAINT,
        "门店出店经营",
        "{place}几家门店把货架和桌子摆上人行道，盲道被完全挡住。",
    ),
    (
        "SRHJ.02",
        AppealType.REPORT,
        "地摊占用人行道",
        "{place}桥下卖水果、卖衣服的摊位越来越多，占了整条人行道。",
    ),
    (
        "SRHJ.02",
        AppealType.COMPLAINT,
        "乱摆摊设点",
        "{place}一带每天傍晚有人乱摆摊设点，卖小吃、卖日用品的摊子连成一片，附近居民出行困难。",
    ),
    (
        "SRHJ.02",
        AppealType.REPORT,
        "小贩推车占道叫卖",
        "{place}沿线有小贩推着车占道叫卖，城管巡查时散开，一走又回来了，希望长效管理。",
    ),
    (
        "SRHJ.01",
        AppealType.COMPLAINT,
        "生活垃圾堆放",
        "{place}小区几个垃圾桶早就满了，袋装垃圾堆在地上没人收。",
    ),
    (
        "SRHJ.01",
        AppealType.HELP,
        "建筑垃圾无人清理",
        "{place}路边被人倾倒了一大堆装修垃圾，一个星期了还没有拉走。",
    ),
    (
        "SRHJ.05",
        AppealType.COMPLAINT,
        "烧烤油烟噪音",
        "{place}楼下的夜宵烧烤摊半夜还在营业，油烟熏人，划拳声吵得睡不着。",
    ),
    (
        "SCJG.01",
        AppealType.REPORT,
        "超市销售过期食品",
        "在{place}一家超市买到过期一个月的牛奶，店家拒绝退换。",
    ),
    (
        "SDQR.01",
        AppealType.HELP,
        "突发停水",
        "{place}片区从早上开始停水，没有任何通知，家里老人小孩生活困难。",
    ),
    (
        "SDQR",
        AppealType.COMPLAINT,
        "燃气费异常",
        "{place}住户本月燃气费比往常高出三倍，怀疑表具故障，请核查。",
    ),
    (
        "GGAQ.03",
        AppealType.REPORT,
        "电动车楼道充电",
        "{place}小区多名住户在楼道内给电动车充电，存在火灾隐患。",
    ),
    (
        "QT",
        AppealType.PRAISE,
        "表扬社区工作人员",
        "感谢{place}社区工作人员帮助独居老人办理医保报销，服务热情周到。",
    ),
]
ROADS = [
    "麓山南路",
    "五一大道",
    "芙蓉中路",
    "韶山北路",
    "岳麓大道",
    "湘江中路",
    "劳动西路",
    "万家丽路",
    "人民东路",
    "东二环",
    "金星北路",
    "雷锋大道",
    "星沙大道",
    "解放西路",
    "坡子街",
    "黄兴中路",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"

# target status → weight (a few hundred cases in every state)
TARGETS = {
    "received": 25,
    "accepted": 30,
    "dispatched": 40,
    "in_progress": 60,
    "returned": 12,
    "suspended": 10,
    "replied": 40,
    "closed": 90,
    "merged": 10,
    "reopened": 12,
    "extended": 12,
}


# every 12th appeal carries personal data in its words, as callers do: masked at intake for
# roles without personal:read, kept encrypted as given (docs/crypto.md)
_PERSONAL_WORDS = (
    "。我的电话 139 0731 {n:04d}，请回电",
    "。肇事车辆车牌湘A·{n:05d}",
    "。我身份证号430104199001011230，请核实",
    "。退款请转到卡号6222021234567894",
)


def _personal_words(i: int) -> str:
    if i % 12 != 5:
        return ""
    return _PERSONAL_WORDS[(i // 12) % len(_PERSONAL_WORDS)].format(n=i % 10_000)


def load_cases(
    session: Session,
    demo: DemoOrg,
    *,
    count: int = 341,
    seed: int = 2026,
    end: datetime | None = None,
    closed_log: list[tuple[s.CaseCreate, str, datetime]] | None = None,
) -> int:
    """Drive ``count`` cases to their target states; ``closed_log`` receives (what was filed, the
    lead unit's code, the closure time) of each closed case (the follow-ups read it)."""
    rng = random.Random(seed)
    # the words of street-vending appeals: composed (``demo.vending``) from a stream of their own,
    # so the rest of the demo's cases stay what they were
    wording = random.Random(seed + 2)
    # some decisions left waiting, so the supervisor's 延期待审 and 差评待复核 queues hold work; a
    # stream of its own, so the demo's cases stay what they were
    waiting = random.Random(seed + 1)
    end = end or clock.now()
    p = {
        name: org.principal_for_username(session, name)
        for name in ("agent", "dispatcher", "supervisor", "citizen", "admin")
    }
    handlers: dict[int, Principal] = {}

    def handler_for(dept_id: int) -> Principal:
        if dept_id not in handlers:  # the newest handler of the unit or of a unit above it
            handlers[dept_id] = org.principal_above(session, dept_id, Role.HANDLER) or p["admin"]
        return handlers[dept_id]

    districts = {d.id: d for d in demo.districts}
    targets = [t for t, w in TARGETS.items() for _ in range(w)]
    rng.shuffle(targets)
    targets = (targets * (count // len(targets) + 1))[:count]
    open_numbers: list[str] = []
    made = 0
    for target in targets:
        cat, atype, subject, template = rng.choice(TEMPLATES)
        street = rng.choice(demo.streets)
        district = districts[street.parent_id or 0].name.removesuffix("人民政府")
        street_name = street.name.removesuffix("办事处").removesuffix("人民政府")
        place = f"{district}{street_name}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        content = template.format(place=place)
        if cat == vending.CODE:  # as many ways of putting it as callers have
            subject, content = vending.appeal(wording, place)
        start = end - timedelta(days=rng.uniform(0.2, 40))
        start = start.replace(hour=rng.randint(0, 11), minute=rng.randint(0, 59))
        public = target == "received" or rng.random() < 0.3
        data = s.CaseCreate(
            appeal_type=atype,
            channel="web" if public else "hotline",
            subject=subject,
            content=content + _personal_words(made),
            address=f"湖南省长沙市{place}",
            urgency=Urgency.URGENT if rng.random() < 0.08 else Urgency.NORMAL,
            contact_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "伟", "芳", "娜", "磊"]),
            contact_phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            confidential=rng.random() < 0.05,
            category=None if public else cat,  # the portal has no category: the agent sets it
        )
        clock.freeze(start)
        case, _ = service.create_case(session, data, p["citizen"] if public else p["agent"])
        compute_suggestions(session, case)  # now, so the dispatches below record accept / override
        number, t = case.number, start

        def act(who: Principal, body: Any, hours: float = 3.0, number: str = number) -> None:
            nonlocal t
            t = min(t + timedelta(hours=rng.uniform(0.3, hours)), end)
            clock.freeze(t)
            service.perform(session, who, number, body)

        if target == "received":
            made += 1
            continue
        if case.status == CaseStatus.RECEIVED:
            act(p["agent"], s.Accept(action="accept", category=cat))
        if target == "merged" and open_numbers:
            act(p["dispatcher"], s.Merge(action="merge", parent=rng.choice(open_numbers), reason="重复诉求"))
            made += 1
            continue
        if target == "accepted":
            open_numbers.append(number)
            made += 1
            continue
        top = cat.split(".")[0]
        territorial = top in {"SRHJ", "QT"} or rng.random() < 0.3
        lead = street if territorial else demo.functional[top]
        co = [demo.functional["SRHJ"].code] if top == "SRHJ" else []
        act(
            p["dispatcher"],
            s.Dispatch(
                action="dispatch",
                category=cat,  # the dispatcher confirms the category
                lead_department=lead.code,
                co_departments=co,
                note="属地街道更熟悉现场情况" if territorial else None,
            ),
        )
        handler = handler_for(lead.id)
        if target == "dispatched":
            open_numbers.append(number)
            made += 1
            continue
        if target == "returned":
            act(handler, s.Return(action="return", reason="该事项不属于本单位职责，请改派"))
            made += 1
            continue
        act(handler, s.Sign(action="sign"), hours=20)
        if target == "suspended":
            act(p["supervisor"], s.Suspend(action="suspend", reason="需第三方检测，检测期间暂停计时"))
            made += 1
            continue
        # the note names the caller's phone: stored masked, the words as given encrypted (docs/crypto.md)
        note = f"已回拨诉求人 1390731{made % 10_000:04d}，安排人员现场核查"
        act(handler, s.Handle(action="handle", note=note), hours=30)
        if target == "extended":
            act(handler, s.RequestExtension(action="request_extension", amount=5, reason="涉及多部门协调"))
            if waiting.random() < 0.4:  # 延期待审: the request waits for a decision
                rng.uniform(0.3, 3.0)  # (the time the decision would have taken: same stream)
            else:
                act(p["dispatcher"], s.ApproveExtension(action="approve_extension", approved=True))
            made += 1
            continue
        if target == "in_progress":
            if rng.random() < 0.3:
                act(p["supervisor"], s.Supervise(action="supervise", note="请加快办理并及时答复群众"))
            open_numbers.append(number)
            made += 1
            continue
        act(
            handler,
            s.Reply(
                action="reply", reply="经核实，已安排整改，问题已于近日处理完毕。如有疑问请致电承办单位。"
            ),
            hours=rng.choice([24, 60, 200]),
        )
        if target == "replied":
            made += 1
            continue
        bad = target == "reopened" or rng.random() < 0.06
        rating = (
            rng.choice([Rating.DISSATISFIED, Rating.VERY_DISSATISFIED])
            if bad
            else rng.choice(
                [Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED]
            )
        )
        act(p["agent"], s.Rate(action="rate", rating=rating, resolved=not bad), hours=24)
        if target == "reopened":  # a bad rating goes to 差评复核; the supervisor reopens it
            act(p["supervisor"], s.ReviewReopen(action="review_reopen", reason="回访核实问题仍在，督办重办"))
        else:
            if bad and waiting.random() < 0.5:  # 差评待复核: the supervisor has yet to decide
                rng.uniform(0.3, 3.0)
                made += 1
                continue
            if bad:  # 差评复核: the supervisor explains, the case closes
                act(
                    p["supervisor"],
                    s.ReviewExplain(action="review_explain", reason="已向群众解释说明相关政策"),
                )
            else:
                act(p["dispatcher"], s.Close(action="close"))
            if closed_log is not None:
                closed_log.append((data, lead.code, t))
        made += 1
    clock.freeze(None)
    return made
