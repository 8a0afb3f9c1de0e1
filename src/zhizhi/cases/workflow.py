"""The case lifecycle as a transition table (checked before any write).

received ─accept→ accepted ─dispatch→ dispatched ─sign→ in_progress ─reply→ replied ─close→ closed
    └──answer_directly──────────────────────────────────────────────────────┘    │
dispatched/in_progress ─return→ returned ─redispatch / reject_return→ dispatched     │
accepted/dispatched/in_progress ─suspend→ suspended ─resume→ (previous status)      │
replied/closed (bad rating or unresolved) ─reopen→ dispatched (重办) ←──────────────┘
received/accepted/dispatched ─merge→ merged (并单)
stay-in-place actions: handle, request/approve/reject extension, supervise, rate
"""

from __future__ import annotations

from zhizhi.cases.enums import CaseStatus as S
from zhizhi.core.permissions import Permission as P
from zhizhi.core.statemachine import PREVIOUS, STAY, Transition, TransitionTable


def _t(action: str, sources: set[S], target: str, permission: P, zh: str, en: str) -> Transition:
    return Transition(action, frozenset(s.value for s in sources), str(target), permission, zh, en)


_HANDLING = {S.DISPATCHED, S.IN_PROGRESS}
_RUNNING = {S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED, S.SUSPENDED}

CASE_LIFECYCLE = TransitionTable(
    [
        _t("accept", {S.RECEIVED}, S.ACCEPTED, P.CASE_ACCEPT, "受理", "accept"),
        _t(
            "answer_directly",
            {S.RECEIVED, S.ACCEPTED},
            S.REPLIED,
            P.CASE_ANSWER_DIRECTLY,
            "直办答复",
            "answer directly",
        ),
        _t("dispatch", {S.ACCEPTED}, S.DISPATCHED, P.CASE_DISPATCH, "派单", "dispatch"),
        _t("sign", {S.DISPATCHED}, S.IN_PROGRESS, P.CASE_SIGN, "签收", "sign for"),
        _t("handle", {S.IN_PROGRESS}, STAY, P.CASE_HANDLE, "办理", "record handling of"),
        _t("reply", {S.IN_PROGRESS}, S.REPLIED, P.CASE_REPLY, "答复", "reply to"),
        _t("return", _HANDLING, S.RETURNED, P.CASE_RETURN, "退单", "return"),
        _t("redispatch", {S.RETURNED}, S.DISPATCHED, P.CASE_REVIEW_RETURN, "改派", "re-dispatch"),
        _t(
            "reject_return",
            {S.RETURNED},
            S.DISPATCHED,
            P.CASE_REVIEW_RETURN,
            "驳回退单",
            "reject the return of",
        ),
        _t(
            "request_extension",
            _HANDLING,
            STAY,
            P.CASE_REQUEST_EXTENSION,
            "申请延期",
            "request an extension for",
        ),
        _t(
            "approve_extension",
            _HANDLING | {S.SUSPENDED},
            STAY,
            P.CASE_APPROVE_EXTENSION,
            "审批延期",
            "decide the extension of",
        ),
        _t(
            "suspend",
            {S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS},
            S.SUSPENDED,
            P.CASE_SUSPEND,
            "挂起",
            "suspend",
        ),
        _t("resume", {S.SUSPENDED}, PREVIOUS, P.CASE_SUSPEND, "恢复", "resume"),
        _t("supervise", _RUNNING | {S.REPLIED}, STAY, P.CASE_SUPERVISE, "督办", "supervise"),
        _t("rate", {S.REPLIED}, STAY, P.CASE_RATE, "回访评价", "rate"),
        _t("close", {S.REPLIED}, S.CLOSED, P.CASE_CLOSE, "办结", "close"),
        _t("reopen", {S.REPLIED, S.CLOSED}, S.DISPATCHED, P.CASE_REOPEN, "重办", "reopen"),
        _t("merge", {S.RECEIVED, S.ACCEPTED, S.DISPATCHED}, S.MERGED, P.CASE_MERGE, "并单", "merge"),
    ]
)
