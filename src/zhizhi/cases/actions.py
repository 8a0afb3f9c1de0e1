"""The case actions, each declared once: its body, its handler and how the pages show it.

A lifecycle action has a row in the transition table (``cases.workflow``: from which statuses,
to which, with which permission) and one declaration here: ``@declare(Body, plain=…)`` on its
handler, where ``Body`` (``cases.schemas``) is both the API's JSON and the workbench's form.
The API's ``ActionIn`` union, the workbench's forms, the bulk actions of a queue and the plain
words of public tracking are all read from :data:`ACTIONS`; an action missing from either the
table or the declarations stops the import.

Handlers run after the generic checks (visibility, permission, transition table, object
policy) in :func:`zhizhi.cases.service.perform`; they check what needs data, change the case
and return the event payload and reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from zhizhi.cases import lifecycles, policy
from zhizhi.cases import repository as repo
from zhizhi.cases import schemas as s
from zhizhi.cases.enums import BAD_RATINGS, LABELS, OPEN_STATUSES, CaseStatus, Rating
from zhizhi.cases.lifecycles import ActionSet, CaseAction, Context, Handler, Outcome
from zhizhi.cases.models import Case
from zhizhi.cases.sla import compute_deadline, pause_credit
from zhizhi.cases.workflow import CASE_LIFECYCLE
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.core.errors import Conflict, ValidationFailed
from zhizhi.core.masking import redact_text
from zhizhi.org import service as org
from zhizhi.org.schemas import DepartmentRef

APPEAL_ACTIONS = ActionSet()
ACTIONS = APPEAL_ACTIONS.actions  # the appeal lifecycle's declarations (other kinds: ``lifecycles``)
declare = APPEAL_ACTIONS.declare


def reschedule(ctx: Context, case: Case) -> None:
    deadline = compute_deadline(
        ctx.calendar,
        started_at=case.clock_started_at,
        amount=case.limit_amount,
        unit=LimitUnit(case.limit_unit),
        extension=case.extension_amount,
        paused_days=case.paused_days,
        paused_seconds=case.paused_seconds,
        warning_ratio=case.warning_ratio,
    )
    case.due_at, case.warn_at, case.due_provisional = deadline.due_at, deadline.warn_at, deadline.provisional


def _unit(ctx: Context, code: str, field: str, zh: str, en: str) -> DepartmentRef:
    """The active department ``code``; unknown or retired (撤销) → 422 naming ``field``."""
    dept = org.find_department(ctx.session, code, active_only=False)
    if dept is None:
        raise ValidationFailed(f"{zh} {code} 不存在", f"unknown {en} {code}", field=field)
    if not dept.active:
        raise ValidationFailed(
            f"{zh} {code}（{dept.name}）已撤销，请另选单位",
            f"{en} {code} ({dept.name}) is retired: choose another unit",
            field=field,
        )
    return dept


def _units(ctx: Context, lead_code: str, co_codes: list[str]) -> tuple[DepartmentRef, list[DepartmentRef]]:
    lead = _unit(ctx, lead_code, "lead_department", "主办单位", "lead department")
    co: list[DepartmentRef] = []
    for i, code in enumerate(dict.fromkeys(co_codes)):
        dept = _unit(ctx, code, f"co_departments.{i}", "协办单位", "co-department")
        if dept.id == lead.id:
            raise ValidationFailed(
                "主办单位不能同时为协办单位",
                "the lead unit cannot also be a co-unit",
                field=f"co_departments.{i}",
            )
        co.append(dept)
    return lead, co


def _route(ctx: Context, case: Case, lead_code: str, co_codes: list[str]) -> dict[str, Any]:
    lead, co = _units(ctx, lead_code, co_codes)
    case.lead_department_id = lead.id
    case.dispatched_at, case.signed_at = ctx.now, None
    repo.set_co_units(ctx.session, case.id, [d.id for d in co])
    return {"lead_department": lead.code, "co_departments": [d.code for d in co]}


def _stop_clock(ctx: Context, case: Case) -> None:
    case.clock_stopped_at = ctx.now


def _categorise(ctx: Context, case: Case, code: str | None) -> dict[str, Any]:
    """Set the category a person chose (active only: 422 otherwise); a new category brings its
    time limit (nearest ancestor's, from the clock's start). The payload names the category, so
    the confirmation is recorded (training data for the classifier)."""
    if not code:
        return {}
    info = catalogue.category_for_work(ctx.session, code)
    changed = info.id != case.category_id
    if changed:
        case.category_id = info.id
        limit = catalogue.time_limit_for(ctx.session, info.id, Urgency(case.urgency))
        if (limit.amount, limit.unit.value) != (
            case.limit_amount,
            case.limit_unit,
        ) and case.clock_stopped_at is None:
            case.limit_amount, case.limit_unit = limit.amount, limit.unit.value
            reschedule(ctx, case)
    return {"category": info.code, "category_changed": changed}


@declare(s.Accept, plain=("12345 已受理", "Accepted by 12345"), bulk_queue="received")
def accept(ctx: Context, case: Case, body: s.Accept) -> Outcome:
    case.accepted_at = ctx.now
    return _categorise(ctx, case, body.category), body.note


@declare(s.AnswerDirectly, plain=("12345 已直接答复", "Answered directly by 12345"))
def answer_directly(ctx: Context, case: Case, body: s.AnswerDirectly) -> Outcome:
    if body.close and case.category_id is None:
        raise Conflict(
            "直办办结需先选择诉求分类",
            "choose the case's category before closing it with a direct answer",
            field="category",
        )
    case.accepted_at = case.accepted_at or ctx.now
    payload = _record_reply(ctx, case, body.reply)
    if body.cite:
        payload["cite"] = body.cite
    if body.close:  # 直办办结: to the transition's branch (closed)
        ctx.branch = True
        case.closed_at = ctx.now
        payload["closed"] = True
    return payload, None


def _record_reply(ctx: Context, case: Case, given: str) -> dict[str, Any]:
    text = redact_text(given)  # phones, ID numbers, cards, plates masked at rest (docs/crypto.md)
    if text != given:
        ctx.originals["reply"] = given  # kept encrypted in the event, for readers of personal data
    case.reply, case.replied_at = text, ctx.now
    case.replied_on_time = ctx.now <= case.due_at
    _stop_clock(ctx, case)
    return {"reply": text, "on_time": case.replied_on_time}


@declare(s.Dispatch, plain=("已转交办理单位", "Sent to the responsible unit"), bulk_queue="accepted")
def dispatch(ctx: Context, case: Case, body: s.Dispatch) -> Outcome:
    payload = _categorise(ctx, case, body.category)
    return _route(ctx, case, body.lead_department, body.co_departments) | payload, body.note


@declare(s.Sign, plain=("办理单位已签收", "Signed for by the unit"))
def sign(ctx: Context, case: Case, body: s.Sign) -> Outcome:
    case.signed_at = ctx.now
    return {}, body.note


@declare(s.Handle, plain=("办理单位记录了处理情况", "The unit recorded progress"), public=False)
def handle(ctx: Context, case: Case, body: s.Handle) -> Outcome:
    return {}, body.note


@declare(s.CoReply, plain=("协办单位已回复主办单位", "A co-unit answered the lead unit"), public=False)
def co_reply(ctx: Context, case: Case, body: s.CoReply) -> Outcome:
    """Marks the co-units the caller answers for (its own or those below it; ``cases.policy``
    has checked there is one) as replied this round."""
    units = repo.co_units(ctx.session, case.id)
    path = ctx.principal.department_path
    pending = org.departments_by_ids(ctx.session, [u.department_id for u in units if u.replied_at is None])
    mine = [d for d in pending.values() if path is None or d.path.startswith(path)]
    if not mine:
        raise Conflict("没有待回复的协办单位", "no co-unit of yours is waiting to reply")
    repo.mark_co_units_replied(ctx.session, case.id, [d.id for d in mine], ctx.now)
    codes = sorted(d.code for d in mine)
    text = redact_text(body.reply)  # masked at rest, as a reply (docs/crypto.md)
    if text != body.reply:
        ctx.originals["reply"] = body.reply
    return {"co_departments": codes, "reply": text}, body.reply  # the reason is masked on append


@declare(s.Reply, plain=("办理单位已答复", "The unit replied"))
def reply(ctx: Context, case: Case, body: s.Reply) -> Outcome:
    return _record_reply(ctx, case, body.reply), None


@declare(s.Return, plain=("办理单位申请改由其他单位办理", "The unit asked to re-assign it"))
def return_(ctx: Context, case: Case, body: s.Return) -> Outcome:
    case.return_count += 1
    return {"returned_by": ctx.principal.department_id}, body.reason


@declare(s.Redispatch, plain=("已改派给其他单位", "Re-assigned to another unit"))
def redispatch(ctx: Context, case: Case, body: s.Redispatch) -> Outcome:
    return _route(ctx, case, body.lead_department, body.co_departments), body.reason


@declare(s.RejectReturn, plain=("已要求原单位继续办理", "The original unit must continue"))
def reject_return(ctx: Context, case: Case, body: s.RejectReturn) -> Outcome:
    case.signed_at = None
    return {}, body.reason


@declare(s.RequestExtension, plain=("办理单位申请延期", "The unit asked for more time"), public=False)
def request_extension(ctx: Context, case: Case, body: s.RequestExtension) -> Outcome:
    if case.pending_extension:
        raise Conflict("已有待审批的延期申请", "an extension request is already pending")
    case.pending_extension = {
        "amount": body.amount,
        "unit": case.limit_unit,
        "reason": redact_text(body.reason) if body.reason else body.reason,
        "requested_by": ctx.principal.username,
        "requested_at": ctx.now.isoformat(),
    }
    return {"amount": body.amount, "unit": case.limit_unit}, body.reason


@declare(s.ApproveExtension, plain=("延期申请已审批", "The extension request was decided"), public=False)
def approve_extension(ctx: Context, case: Case, body: s.ApproveExtension) -> Outcome:
    pending = case.pending_extension
    if not pending:
        raise Conflict("没有待审批的延期申请", "no extension request is pending")
    payload: dict[str, Any] = {"approved": body.approved, "amount": pending["amount"]}
    if body.approved:
        before = case.due_at
        case.extension_amount += int(pending["amount"])
        reschedule(ctx, case)
        payload |= {"due_before": before.isoformat(), "due_after": case.due_at.isoformat()}
    case.pending_extension = None
    return payload, body.reason


@declare(s.Suspend, plain=("暂停办理", "Paused"))
def suspend(ctx: Context, case: Case, body: s.Suspend) -> Outcome:
    case.status_before_suspend = case.status
    _stop_clock(ctx, case)
    return {"status_before": case.status}, body.reason


@declare(s.Resume, plain=("恢复办理", "Resumed"))
def resume(ctx: Context, case: Case, body: s.Resume) -> Outcome:
    stopped = case.clock_stopped_at or ctx.now
    days, seconds = pause_credit(ctx.calendar, LimitUnit(case.limit_unit), stopped, ctx.now)
    case.paused_days += days
    case.paused_seconds += seconds
    case.clock_stopped_at = None
    before = case.due_at
    reschedule(ctx, case)
    case.status_before_suspend = None
    return {
        "paused_days": days,
        "paused_seconds": seconds,
        "due_before": before.isoformat(),
        "due_after": case.due_at.isoformat(),
    }, body.note


@declare(s.Supervise, plain=("已列入督办", "Placed under supervision"))
def supervise(ctx: Context, case: Case, body: s.Supervise) -> Outcome:
    case.supervision_count += 1
    return {"supervision_no": case.supervision_count}, body.note


@declare(s.Rate, plain=("已评价", "Rated"))
def rate(ctx: Context, case: Case, body: s.Rate) -> Outcome:
    if case.rated_at is not None and case.replied_at is not None and case.rated_at >= case.replied_at:
        raise Conflict("本次答复已评价，不能重复评价", "this reply has already been rated")
    case.rating, case.resolved, case.rated_at = body.rating.value, body.resolved, ctx.now
    case.rating_excluded = False
    bad = _unsatisfied(case)
    if bad:  # 差评 or 未解决: a supervisor reviews it within one working day
        ctx.branch = True
        case.review_due_at = compute_deadline(
            ctx.calendar,
            started_at=ctx.now,
            amount=REVIEW_WORKING_DAYS,
            unit=LimitUnit.WORKING_DAYS,
            extension=0,
            paused_days=0,
            paused_seconds=0,
            warning_ratio=case.warning_ratio,
        ).due_at
    return {
        "rating": body.rating.value,
        "resolved": body.resolved,
        "bad": body.rating in BAD_RATINGS,
        "review": bad,
    }, body.comment


REVIEW_WORKING_DAYS = 1  # 差评复核 is due within one working day of the rating


def _unsatisfied(case: Case) -> bool:
    if case.rating_excluded:  # an upheld appeal took the rating out
        return False
    return (case.rating is not None and Rating(case.rating) in BAD_RATINGS) or case.resolved is False


def _reopen(ctx: Context, case: Case) -> dict[str, Any]:
    """Back to the lead unit for a new round: the reply, rating and clock start again."""
    payload = {"previous_reply": case.reply, "previous_rating": case.rating}
    case.reopen_count += 1
    case.reply = case.replied_at = case.replied_on_time = None
    case.rating = case.resolved = case.rated_at = case.closed_at = case.signed_at = None
    case.review_due_at, case.rating_excluded = None, False
    case.clock_started_at, case.clock_stopped_at = ctx.now, None
    case.extension_amount = case.paused_days = case.paused_seconds = 0
    case.dispatched_at = ctx.now
    reschedule(ctx, case)
    return payload


@declare(s.ReviewReopen, plain=("差评复核：已督办重新办理", "Rating reviewed: reopened under supervision"))
def review_reopen(ctx: Context, case: Case, body: s.ReviewReopen) -> Outcome:
    payload = _reopen(ctx, case) | {"decision": "reopen"}
    case.supervision_count += 1  # the 督办 mark: the new round runs under supervision
    payload["supervision_no"] = case.supervision_count
    return payload, body.reason


@declare(s.ReviewExplain, plain=("差评复核：已解释说明并办结", "Rating reviewed: explained and closed"))
def review_explain(ctx: Context, case: Case, body: s.ReviewExplain) -> Outcome:
    case.closed_at, case.review_due_at = ctx.now, None
    return {"decision": "explain", "rating": case.rating, "resolved": case.resolved}, body.reason


@declare(
    s.ReviewAppeal,
    plain=("差评复核：评价经申诉核实后不计入统计", "Rating reviewed: on appeal it no longer counts"),
)
def review_appeal(ctx: Context, case: Case, body: s.ReviewAppeal) -> Outcome:
    case.closed_at, case.review_due_at = ctx.now, None
    case.rating_excluded = True
    return {"decision": "appeal", "excluded_rating": case.rating, "resolved": case.resolved}, body.reason


@declare(s.Close, plain=("已办结", "Closed"))
def close(ctx: Context, case: Case, body: s.Close) -> Outcome:
    if _unsatisfied(case) and not body.reason:
        raise Conflict(
            "群众评价为不满意或未解决：应重办，或说明办结理由",
            "the rating is unsatisfied or unresolved: reopen it, or give a reason to close",
        )
    payload = _categorise(ctx, case, body.category)
    if case.category_id is None:
        raise Conflict(
            "工单尚未分类：请先选择诉求分类再办结",
            "the case has no category: choose one before closing it",
            field="category",
        )
    case.closed_at = ctx.now
    return {"rating": case.rating, "resolved": case.resolved} | payload, body.reason


@declare(s.Reopen, plain=("重新办理", "Reopened"))
def reopen(ctx: Context, case: Case, body: s.Reopen) -> Outcome:
    if not _unsatisfied(case):
        raise Conflict(
            "只有评价不满意或未解决的工单才能重办",
            "only a case rated unsatisfied or unresolved can be reopened",
        )
    return _reopen(ctx, case), body.reason


@declare(s.Merge, plain=("已合并办理", "Merged"))
def merge(ctx: Context, case: Case, body: s.Merge) -> Outcome:
    parent = repo.find(ctx.session, body.parent)
    if parent is None:
        raise ValidationFailed(
            f"主工单 {body.parent} 不存在", f"parent case {body.parent} not found", field="parent"
        )
    if parent.id == case.id:
        raise Conflict("不能并入自身", "a case cannot be merged into itself")
    if parent.status not in OPEN_STATUSES and parent.status != CaseStatus.REPLIED:
        raise Conflict(f"主工单 {parent.number} 已办结或已并单", f"parent case {parent.number} is not open")
    case.parent_case_id = parent.id
    _stop_clock(ctx, case)
    return {"parent": parent.number}, body.reason


def offered(case: Case, action: str) -> bool:
    """An extension is decided only while one is asked for, and asked for only while none is."""
    if action == "approve_extension":
        return bool(case.pending_extension)
    if action == "request_extension":
        return not case.pending_extension
    return True


APPEAL_LIFECYCLE = lifecycles.Lifecycle(
    kind=lifecycles.APPEAL,
    table=CASE_LIFECYCLE,
    actions=ACTIONS,
    labels={status.value: LABELS[status] for status in CaseStatus},
    policy=policy.check,
    offered=offered,
    open_statuses=frozenset(st.value for st in OPEN_STATUSES),
)
lifecycles.register(APPEAL_LIFECYCLE)
__all__ = ["ACTIONS", "ActionIn", "CaseAction", "Context", "Handler", "Outcome", "declare", "reschedule"]

if TYPE_CHECKING:
    ActionIn = s.ActionBody
else:  # the API's body: one of the declared bodies, chosen by its ``action`` (in declaration order)
    ActionIn = Annotated[Union[tuple(a.body for a in ACTIONS.values())], Field(discriminator="action")]  # noqa: UP007
