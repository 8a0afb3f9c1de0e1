"""Object policies: may this principal take this action on this case? ``None`` or a reason."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases.models import Case
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org

Denial = tuple[str, str]  # (zh, en)

_UNIT_ACTIONS = {"sign", "reply", "return", "request_extension"}


def _dept_in_subtree(session: Session, principal: Principal, department_id: int | None) -> bool:
    if department_id is None:
        return False
    return org.any_in_subtree(session, [department_id], principal.department_path)


def check(session: Session, principal: Principal, case: Case, action: str) -> Denial | None:
    if principal.role is Role.ADMIN:
        return None
    if action in _UNIT_ACTIONS and not _dept_in_subtree(session, principal, case.lead_department_id):
        return ("只有主办单位（及其下级）可以执行此操作", "only the lead unit (or its sub-units) may do this")
    if action == "handle":
        lead = _dept_in_subtree(session, principal, case.lead_department_id)
        if not lead and not org.any_in_subtree(
            session, repo.co_unit_ids(session, case.id), principal.department_path
        ):
            return ("只有主办或协办单位可以记录办理情况", "only the lead or a co-unit may record handling")
    if action == "co_reply" and not org.any_in_subtree(
        session, repo.co_unit_ids(session, case.id), principal.department_path
    ):
        return (
            "只有协办单位（及其下级）可以回复主办单位",
            "only a co-unit (or its sub-units) may reply as a co-unit",
        )
    own = case.reporter_id == principal.user_id or case.id == principal.verified_case_id
    if action == "rate" and principal.role is Role.PUBLIC and not own:
        return ("只能评价本人提交的诉求", "you can only rate your own appeals")
    return None


def sees_personal_data(principal: Principal | None, case: Case) -> bool:
    """May contact details be shown unmasked? To the signed-in reporter and to roles with
    personal:read (intake, dispatch, admin) — confidential cases included. Everyone else sees them
    masked or, on a confidential case, not at all (``service.to_out``)."""
    if principal is None:
        return False
    if principal.role is Role.PUBLIC:
        return case.reporter_id == principal.user_id and principal.user_id != 0
    return principal.can(Permission.PERSONAL_READ)
