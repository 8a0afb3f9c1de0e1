"""The cockpit's one write: a leader's instruction (领导指令) becomes a case under supervision."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhizhi.cases import schemas as s
from zhizhi.cases import service as cases
from zhizhi.cases.enums import Channel
from zhizhi.cases.service import Case
from zhizhi.core.db import savepoint
from zhizhi.core.errors import Forbidden
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal

DEFAULT_NOTE = "领导指令，请优先办理"


def issue_instruction(
    session: Session,
    principal: Principal,
    *,
    content: str,
    address: str | None,
    category: str | None,
    urgency: str,
    note: str | None,
) -> Case:
    """Register a system-channel case titled 领导指令 and put it under supervision at once: both
    steps or neither. 403 for a role without ``case:supervise``; Pydantic's ``ValidationError``
    for bad fields (as the API's body would give)."""
    if not principal.can(Permission.CASE_SUPERVISE):
        raise Forbidden("当前角色不能下达指令", "your role cannot issue instructions")
    data = s.CaseCreate.model_validate(
        {
            "channel": Channel.SYSTEM,
            "subject": f"领导指令：{content.strip()[:20]}" if content.strip() else None,
            "content": content,
            "address": address,
            "category": category,
            "urgency": urgency,
        }
    )
    supervise = s.Supervise(action="supervise", note=note or DEFAULT_NOTE)
    with savepoint(session):
        case, _ = cases.create_case(session, data, principal)
        cases.perform(session, principal, case.number, supervise)
    return case
