"""The case lifecycle as a transition table (checked before any write).

received ─accept→ accepted ─dispatch→ dispatched ─sign→ in_progress ─reply→ replied ─close→ closed
    └──answer_directly──────────────────────────────────────────────────────┘    │
    └──answer_directly (close: 直办办结, the caller accepted the answer) ─────────────→ closed
dispatched/in_progress ─return→ returned ─redispatch / reject_return→ dispatched     │
accepted/dispatched/in_progress ─suspend→ suspended ─resume→ (previous status)      │
replied ─rate (bad or unresolved)→ reviewing (差评复核) ─review_reopen→ dispatched (督办重办)
                                              ├─review_explain→ closed (解释说明)
                                              └─review_appeal→ closed (申诉成立，评价不计入统计)
closed (bad rating or unresolved) ─reopen→ dispatched (重办)
dispatched/in_progress ─co_reply→ (stays): a co-unit's reply to the lead unit (协办回复)
received/accepted/dispatched ─merge→ merged (并单)
stay-in-place actions: handle, co_reply, request/approve/reject extension, supervise, rate (good)
"""

from __future__ import annotations

from zhizhi.cases.enums import CaseStatus as S
from zhizhi.core.permissions import Permission as P
from zhizhi.core.statemachine import PREVIOUS, STAY, Transition, TransitionTable


def _t(
    action: str, sources: set[S], target: str, permission: P, zh: str, en: str, branch: S | None = None
) -> Transition:
    return Transition(
        action,
        frozenset(s.value for s in sources),
        str(target),
        permission,
        zh,
        en,
        str(branch) if branch is not None else None,
    )


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
            branch=S.CLOSED,  # 直办办结: the caller accepted the answer on the call
        ),
        _t("dispatch", {S.ACCEPTED}, S.DISPATCHED, P.CASE_DISPATCH, "派单", "dispatch"),
        _t("sign", {S.DISPATCHED}, S.IN_PROGRESS, P.CASE_SIGN, "签收", "sign for"),
        _t("handle", {S.IN_PROGRESS}, STAY, P.CASE_HANDLE, "办理", "record handling of"),
        _t("co_reply", _HANDLING, STAY, P.CASE_HANDLE, "协办回复", "reply as a co-unit on"),
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
        _t("rate", {S.REPLIED}, STAY, P.CASE_RATE, "回访评价", "rate", branch=S.REVIEWING),
        _t(
            "review_reopen",
            {S.REVIEWING},
            S.DISPATCHED,
            P.CASE_REVIEW_RATING,
            "差评复核：督办重办",
            "reopen under supervision after reviewing the rating of",
        ),
        _t(
            "review_explain",
            {S.REVIEWING},
            S.CLOSED,
            P.CASE_REVIEW_RATING,
            "差评复核：解释说明",
            "close with an explanation after reviewing the rating of",
        ),
        _t(
            "review_appeal",
            {S.REVIEWING},
            S.CLOSED,
            P.CASE_REVIEW_RATING,
            "差评复核：申诉成立",
            "uphold an appeal against the rating of",
        ),
        _t("close", {S.REPLIED}, S.CLOSED, P.CASE_CLOSE, "办结", "close"),
        _t("reopen", {S.CLOSED}, S.DISPATCHED, P.CASE_REOPEN, "重办", "reopen"),
        _t("merge", {S.RECEIVED, S.ACCEPTED, S.DISPATCHED}, S.MERGED, P.CASE_MERGE, "并单", "merge"),
    ]
)
