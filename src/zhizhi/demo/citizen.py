"""The demo citizen 张伟 (account ``citizen``): a phone of his own, three appeals filed with it —
one waiting, one answered and waiting for his rating, one closed and rated — so that signing in
with an SMS code (the code is shown on screen in development) opens a real 我的诉求; and a phone
for 岳麓区's handler so dispatches and supervision send text messages too (the outbox)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.enums import Rating
from zhizhi.core import clock
from zhizhi.org import service as org

ZHANG_WEI_PHONE = "13974101234"
HANDLER_PHONE = "13974105678"

APPEALS = [
    ("小区门口人行道破损", "岳麓区麓山南路 88 号小区门口人行道地砖破损多处，老人容易绊倒，请尽快修补。"),
    ("夜间施工噪音扰民", "岳麓区枫林三路在建工地每晚 11 点后仍在施工，噪音很大，影响休息。"),
    ("公交站台顶棚漏雨", "岳麓区桐梓坡路公交站顶棚漏雨，下雨天候车的人都被淋湿。"),
]


def load_citizen(session: Session) -> int:
    """File 张伟's appeals as the ``citizen`` account and drive two of them on; returns the count."""
    citizen = org.principal_for_username(session, "citizen")
    agent = org.principal_for_username(session, "agent")
    dispatcher = org.principal_for_username(session, "dispatcher")
    handler = org.principal_for_username(session, "handler")
    yuelu = org.department(session, handler.department_id)
    start = clock.now() - timedelta(days=6)
    numbers = []
    for i, (subject, content) in enumerate(APPEALS):
        clock.freeze(start + timedelta(days=2 * i, hours=1))
        data = s.CaseCreate(
            channel="web",
            subject=subject,
            content=content,
            address="湖南省长沙市岳麓区",
            contact_name="张伟",
            contact_phone=ZHANG_WEI_PHONE,
        )
        case, _ = service.create_case(session, data, citizen)
        numbers.append(case.number)
    answered, closed = numbers[0], numbers[1]
    for k, number in enumerate((answered, closed)):
        t = start + timedelta(days=2 * k, hours=2)
        steps = [
            (agent, s.Accept(action="accept", category="CXJS")),
            (dispatcher, s.Dispatch(action="dispatch", lead_department=yuelu.code if yuelu else "430104")),
            (handler, s.Sign(action="sign")),
            (handler, s.Reply(action="reply", reply="已安排维修队现场处理，问题已整改完毕，感谢您的监督。")),
        ]
        for who, body in steps:
            t += timedelta(hours=3)
            clock.freeze(t)
            service.perform(session, who, number, body)
    clock.freeze(start + timedelta(days=4))
    rate = s.Rate(action="rate", rating=Rating.SATISFIED, resolved=True, comment="处理及时，谢谢。")
    service.perform(session, citizen, closed, rate)
    clock.freeze(None)
    return len(numbers)
