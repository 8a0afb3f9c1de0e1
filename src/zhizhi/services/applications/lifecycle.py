"""The application lifecycle (办件) as a transition table, registered with the case engine.

submitted ─accept→ accepted ─examine→ examining ─approve→ approved ─deliver→ closed
    │  └─decide_at_acceptance (即办件)→ approved                 └─deny→ denied ─deliver→ closed
    ├─request_supplement (一次性告知)→ correcting ─supplement→ submitted (next round)
    ├─refuse_acceptance (不予受理, reasons + basis)→ not_accepted
examining ─start_special (听证/检验检测/专家评审…)→ special ─end_special→ examining
examining ─extend (art. 42, head of department, reason told)→ (stays)
submitted/correcting/accepted/examining ─withdraw→ withdrawn

The statuses are members of ``cases.enums.CaseStatus`` (one column, one check constraint; the
labels here say what ``accepted`` and ``closed`` mean for an application). Handlers live in
``handlers``; the object policy (department scope, the applicant's own application) here.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhizhi.cases import lifecycles
from zhizhi.cases.enums import CaseKind
from zhizhi.cases.enums import CaseStatus as S
from zhizhi.cases.service import Case
from zhizhi.core.permissions import Permission as P
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.core.statemachine import STAY, Transition, TransitionTable
from zhizhi.org import service as org


def _t(action: str, sources: set[S], target: str, permission: P, zh: str, en: str) -> Transition:
    return Transition(action, frozenset(s.value for s in sources), str(target), permission, zh, en)


_OPEN = {S.SUBMITTED, S.CORRECTING, S.ACCEPTED, S.EXAMINING}

APPLICATION_LIFECYCLE = TransitionTable(
    [
        _t("accept", {S.SUBMITTED}, S.ACCEPTED, P.APPLICATION_REVIEW, "受理", "accept"),
        _t(
            "decide_at_acceptance",
            {S.SUBMITTED},
            S.APPROVED,
            P.APPLICATION_DECIDE,
            "即办：当场办结",
            "decide on the spot",
        ),
        _t(
            "refuse_acceptance",
            {S.SUBMITTED, S.CORRECTING},
            S.NOT_ACCEPTED,
            P.APPLICATION_REVIEW,
            "不予受理",
            "refuse to accept",
        ),
        _t(
            "request_supplement",
            {S.SUBMITTED},
            S.CORRECTING,
            P.APPLICATION_REVIEW,
            "一次性告知补正",
            "request supplements for",
        ),
        _t("supplement", {S.CORRECTING}, S.SUBMITTED, P.APPLICATION_SUBMIT, "补正材料", "supplement"),
        _t("examine", {S.ACCEPTED}, S.EXAMINING, P.APPLICATION_REVIEW, "审查", "examine"),
        _t(
            "start_special",
            {S.EXAMINING},
            S.SPECIAL,
            P.APPLICATION_REVIEW,
            "启动特别程序",
            "start a special procedure for",
        ),
        _t(
            "end_special",
            {S.SPECIAL},
            S.EXAMINING,
            P.APPLICATION_REVIEW,
            "特别程序结束",
            "end the special procedure of",
        ),
        _t("extend", {S.EXAMINING}, STAY, P.APPLICATION_EXTEND, "延长办理期限", "extend the time limit of"),
        _t("approve", {S.EXAMINING}, S.APPROVED, P.APPLICATION_DECIDE, "准予", "approve"),
        _t("deny", {S.EXAMINING}, S.DENIED, P.APPLICATION_DECIDE, "不予", "deny"),
        _t(
            "deliver",
            {S.APPROVED, S.DENIED},
            S.CLOSED,
            P.APPLICATION_REVIEW,
            "送达办结",
            "deliver the result of",
        ),
        _t("withdraw", _OPEN, S.WITHDRAWN, P.APPLICATION_SUBMIT, "撤回申请", "withdraw"),
    ]
)

STATUS_LABELS: dict[str, tuple[str, str]] = {
    S.SUBMITTED: ("待预审", "submitted, awaiting pre-review"),
    S.CORRECTING: ("待补正", "awaiting supplements"),
    S.NOT_ACCEPTED: ("不予受理", "not accepted"),
    S.ACCEPTED: ("已受理", "accepted"),
    S.EXAMINING: ("审查中", "under examination"),
    S.SPECIAL: ("特别程序中（暂停计时）", "in a special procedure (clock paused)"),
    S.APPROVED: ("准予，待送达", "approved, result to deliver"),
    S.DENIED: ("不予，待送达", "denied, decision to deliver"),
    S.CLOSED: ("已办结", "closed"),
    S.WITHDRAWN: ("已撤回", "withdrawn"),
}
OPEN_STATUSES = frozenset(s.value for s in (*_OPEN, S.SPECIAL, S.APPROVED, S.DENIED))
# what the applicant (or a window clerk for them) does; everything else is the back office's
_APPLICANT_ACTIONS = {"supplement", "withdraw"}


def policy(session: Session, principal: Principal, case: Case, action: str) -> tuple[str, str] | None:
    """Department scope: the back office of the implementing department (or a unit above it)
    acts on its applications; the applicant supplements and withdraws their own only."""
    if principal.role is Role.ADMIN:
        return None
    if principal.role is Role.PUBLIC:
        own = principal.user_id != 0 and case.reporter_id == principal.user_id
        if action not in _APPLICANT_ACTIONS or not own:
            return ("只能办理本人提交的申请", "you can only act on your own applications")
        return None
    if principal.department_path is None:
        if principal.role is Role.LEADER:  # a city leader extends any department's application
            return None
        return ("该申请不属于您的部门", "this application belongs to another department")
    in_scope = case.lead_department_id is not None and org.any_in_subtree(
        session, [case.lead_department_id], principal.department_path
    )
    if not in_scope and not (action in _APPLICANT_ACTIONS and case.created_by_id == principal.user_id):
        return (
            "只有事项实施部门（及其上级）可以办理该申请",
            "only the implementing department (or a unit above it) may act on this application",
        )
    return None


def register() -> None:
    """Run cases of kind ``application`` by this lifecycle (the manifest's install hook and the
    module import both call it; safe to repeat)."""
    from zhizhi.services.applications.handlers import ACTIONS, offered

    if lifecycles.for_kind(CaseKind.APPLICATION).kind == CaseKind.APPLICATION.value:
        return
    lifecycles.register(
        lifecycles.Lifecycle(
            kind=CaseKind.APPLICATION.value,
            table=APPLICATION_LIFECYCLE,
            actions=ACTIONS,
            labels=STATUS_LABELS,
            policy=policy,
            offered=offered,
            open_statuses=OPEN_STATUSES,
        )
    )
