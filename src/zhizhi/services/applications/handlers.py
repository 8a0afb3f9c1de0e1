"""The application actions' handlers, declared once each (body, plain words for tracking).

They run inside :func:`zhizhi.cases.service.perform` after visibility, permission, the
transition table and the object policy; they check what needs data (materials complete, one
notice per round, one extension, a certificate's fields), change the case's clock and the
satellite row, and return the event payload and reason. The clock (docs/services.md):

* before 受理 the case runs on the pre-review limit (5 working days, art. 32); a supplement
  notice stops it and the supplement starts a new round with a fresh pre-review clock, so
  supplements never consume the promised limit;
* 受理 starts the promised limit (counted from the working day after) and the legal deadline;
* a special procedure stops both; its end credits the paused working days (art. 45);
* an extension (art. 42) adds at most ``MAX_EXTENSION_WORKING_DAYS`` once, to both;
* the decision stops the clock; delivery closes the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import object_session

from zhizhi.cases.lifecycles import ActionSet, Context, Outcome
from zhizhi.cases.service import Case
from zhizhi.cases.sla import compute_deadline, pause_credit
from zhizhi.catalogue.enums import LimitUnit
from zhizhi.core.errors import Conflict, FieldProblem, ValidationFailed
from zhizhi.core.masking import redact_text
from zhizhi.services.applications import repository as repo
from zhizhi.services.applications import results, rules
from zhizhi.services.applications import schemas as s
from zhizhi.services.applications.enums import (
    MAX_EXTENSION_WORKING_DAYS,
    PRE_REVIEW_WORKING_DAYS,
    Decision,
    Delivery,
)
from zhizhi.services.applications.models import Application
from zhizhi.services.items import service as items

_SET = ActionSet()
ACTIONS = _SET.actions
declare = _SET.declare


def application_of(ctx: Context, case: Case) -> Application:
    app = repo.by_case_id(ctx.session, case.id)
    if app is None:  # pragma: no cover - an application case always has its row
        raise Conflict("办件数据缺失", "the application's record is missing")
    return app


def _reschedule(ctx: Context, case: Case) -> None:
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


def _legal_due(ctx: Context, case: Case, app: Application) -> datetime | None:
    if app.accepted_at is None:
        return None
    unit = rules.case_unit(app.legal_limit["unit"])
    paused = sum(int(sp.get("legal_paused_days", 0)) for sp in app.specials)
    seconds = sum(int(sp.get("paused_seconds", 0)) for sp in app.specials)
    return compute_deadline(
        ctx.calendar,
        started_at=app.accepted_at,
        amount=int(app.legal_limit["value"]),
        unit=unit,
        extension=app.extension_days,
        paused_days=paused,
        paused_seconds=seconds,
        warning_ratio=case.warning_ratio,
    ).due_at


def restart_clock(ctx: Context, case: Case, amount: int, unit: LimitUnit) -> None:
    case.clock_started_at, case.clock_stopped_at = ctx.now, None
    case.limit_amount, case.limit_unit = amount, unit.value
    case.extension_amount = case.paused_days = case.paused_seconds = 0
    _reschedule(ctx, case)


def _start_limits(ctx: Context, case: Case, app: Application) -> None:
    """受理: the promised limit from the working day after; the legal deadline beside it."""
    case.accepted_at = app.accepted_at = ctx.now
    limit = app.promised_limit
    restart_clock(ctx, case, int(limit["value"]), rules.case_unit(limit["unit"]))
    app.legal_due_at = _legal_due(ctx, case, app)


def _complete(app: Application) -> None:
    problems = rules.missing_problems(app.materials)
    if problems:
        raise Conflict(
            "材料不齐全，不能受理：请一次性告知申请人补正",
            "the materials are incomplete: send the applicant one notice listing everything missing",
            errors=problems,
            field="materials",
        )


@declare(s.Accept, plain=("已受理", "Accepted"))
def accept(ctx: Context, case: Case, body: s.Accept) -> Outcome:
    app = application_of(ctx, case)
    if app.immediate:
        raise Conflict(
            "即办件应当场办结（decide_at_acceptance）", "an on-the-spot item is decided at acceptance"
        )
    _complete(app)
    _start_limits(ctx, case, app)
    return {
        "due_at": case.due_at.isoformat(),
        "legal_due_at": app.legal_due_at.isoformat() if app.legal_due_at else None,
    }, body.note


def _decide(ctx: Context, case: Case, app: Application, decision: Decision, reason: str | None) -> None:
    app.decision, app.decided_at, app.decision_reason = decision.value, ctx.now, reason
    case.clock_stopped_at = ctx.now
    case.replied_at, case.replied_on_time = ctx.now, ctx.now <= case.due_at


@declare(s.DecideAtAcceptance, plain=("即办件已当场办结", "Decided on the spot"))
def decide_at_acceptance(ctx: Context, case: Case, body: s.DecideAtAcceptance) -> Outcome:
    app = application_of(ctx, case)
    if not app.immediate:
        raise Conflict("只有即办件可以当场办结", "only an on-the-spot item is decided at acceptance")
    _complete(app)
    _start_limits(ctx, case, app)
    _decide(ctx, case, app, Decision.APPROVED, body.opinion)
    payload = results.issue_if_due(ctx, case, app, body.certificate_fields, body.valid_to)
    return payload | {"decision": Decision.APPROVED.value}, body.opinion


@declare(s.RefuseAcceptance, plain=("不予受理（已说明理由和依据）", "Not accepted (reasons and basis given)"))
def refuse_acceptance(ctx: Context, case: Case, body: s.RefuseAcceptance) -> Outcome:
    app = application_of(ctx, case)
    app.refusal_basis = body.legal_basis
    case.clock_stopped_at = case.closed_at = ctx.now
    return {"legal_basis": body.legal_basis}, body.reason


@declare(s.RequestSupplement, plain=("请一次性补正以下材料", "Please supplement, all at once"))
def request_supplement(ctx: Context, case: Case, body: s.RequestSupplement) -> Outcome:
    app = application_of(ctx, case)
    if app.notice is not None and app.notice.get("round") == app.round:
        raise Conflict(
            "本轮已发出一次性补正告知，不能再次要求补正",
            "this round already had its one-time notice: a second request is refused",
        )
    version = items.version_by_id(ctx.session, app.item_version_id)
    known = {m.code: m.name for m in version.materials} | {f.code: f.label for f in version.fields}
    codes = [i.code for i in body.items]
    unknown = [c for c in codes if c not in known]
    if unknown or len(set(codes)) != len(codes):
        raise ValidationFailed(
            f"补正项应为本事项的材料或表单字段且不重复：{'、'.join(unknown) or '重复'}",
            f"each item is a material or form field of the item, once: {', '.join(unknown) or 'duplicates'}",
            field="items",
        )
    listed = [{"code": i.code, "name": known[i.code], "problem": redact_text(i.problem)} for i in body.items]
    respond_by = compute_deadline(
        ctx.calendar,
        started_at=ctx.now,
        amount=body.respond_days,
        unit=LimitUnit.WORKING_DAYS,
        extension=0,
        paused_days=0,
        paused_seconds=0,
        warning_ratio=1.0,
    ).due_at
    app.notice = {
        "round": app.round,
        "items": listed,
        "note": body.note,
        "respond_by": respond_by.isoformat(),
        "at": ctx.now.isoformat(),
        "by": ctx.principal.username,
    }
    app.notices = [*app.notices, app.notice]
    case.clock_stopped_at = ctx.now  # the pre-review clock waits for the applicant
    return {"round": app.round, "items": listed, "respond_by": respond_by.isoformat()}, body.note


def given_materials(materials: list[s.MaterialIn]) -> dict[str, rules.Given]:
    return {m.code: rules.Given(received=m.received, note=m.note) for m in materials}


@declare(s.Supplement, plain=("申请人已补正", "The applicant supplemented"))
def supplement(ctx: Context, case: Case, body: s.Supplement) -> Outcome:
    """The materials of the notice (files are added by the applications API before this runs,
    ``ctx.originals['files']``); what the notice asked for must now be there, else one list."""
    app = application_of(ctx, case)
    notice = app.notice or {"items": []}
    version = items.version_by_id(ctx.session, app.item_version_id)
    materials = {m.code for m in version.materials}
    unknown = [m.code for m in body.materials if m.code not in materials]
    if unknown:
        raise ValidationFailed(
            f"本事项没有这些材料：{'、'.join(unknown)}",
            f"no such materials: {', '.join(unknown)}",
            field="materials",
        )
    given = given_materials(body.materials)
    for code, ids in results.pending_files(ctx).items():
        g = given.get(code, rules.Given())
        given[code] = rules.Given(tuple(g.attachments) + tuple(ids), g.received or bool(ids), g.note)
    merged = rules.merge(app.materials, given)
    form = results.form_of(app) | {k: v for k, v in body.form.items()}
    problems = results.check_form(version, form)
    # every material the notice named must come again this round (a new file, or the original
    # checked at a window); the required ones not named must still be there
    asked = [i for i in notice["items"] if i["code"] in materials]
    problems += [
        FieldProblem(
            f"materials.{i['code']}", f"请补正：{i['name']}（{i['problem']}）", f"to supplement: {i['code']}"
        )
        for i in asked
        if not (given.get(i["code"]) and (given[i["code"]].attachments or given[i["code"]].received))
    ]
    problems += rules.missing_problems(merged)
    if problems:
        raise ValidationFailed(
            "补正后仍有以下问题（已全部列出）",
            "after the supplement these problems remain (all listed)",
            errors=problems,
        )
    app.materials = merged
    results.set_form(app, form)
    app.round += 1
    restart_clock(ctx, case, PRE_REVIEW_WORKING_DAYS, LimitUnit.WORKING_DAYS)  # a new pre-review round
    return {"round": app.round, "materials": sorted(given)}, body.note


@declare(s.Examine, plain=("进入审查", "Under examination"), public=True)
def examine(ctx: Context, case: Case, body: s.Examine) -> Outcome:
    return {}, body.note


@declare(
    s.StartSpecial, plain=("进入特别程序，期间不计入办理时限", "Special procedure: its time is not counted")
)
def start_special(ctx: Context, case: Case, body: s.StartSpecial) -> Outcome:
    app = application_of(ctx, case)
    version = items.version_by_id(ctx.session, app.item_version_id)
    declared = {p.kind: p.name for p in version.special_procedures}
    if declared and body.procedure not in declared:
        raise ValidationFailed(
            f"本事项的特别程序为：{'、'.join(declared.values())}",
            f"the item's special procedures are: {', '.join(declared)}",
            field="procedure",
        )
    name = declared.get(body.procedure, body.procedure)
    app.special = {
        "procedure": body.procedure,
        "name": name,
        "started_at": ctx.now.isoformat(),
        "reason": redact_text(body.reason),
        "expected_days": body.expected_days,
    }
    case.clock_stopped_at = ctx.now
    # 行政许可法 art. 45: the applicant is told in writing (the event is public on tracking)
    return {
        "procedure": body.procedure,
        "name": name,
        "expected_days": body.expected_days,
        "told": True,
    }, body.reason


@declare(s.EndSpecial, plain=("特别程序结束，恢复计时", "Special procedure over: the clock runs again"))
def end_special(ctx: Context, case: Case, body: s.EndSpecial) -> Outcome:
    app = application_of(ctx, case)
    stopped = case.clock_stopped_at or ctx.now
    days, seconds = pause_credit(ctx.calendar, LimitUnit(case.limit_unit), stopped, ctx.now)
    legal_days, _ = pause_credit(ctx.calendar, rules.case_unit(app.legal_limit["unit"]), stopped, ctx.now)
    case.paused_days += days
    case.paused_seconds += seconds
    case.clock_stopped_at = None
    _reschedule(ctx, case)
    record = (app.special or {}) | {
        "ended_at": ctx.now.isoformat(),
        "result": redact_text(body.result),
        "paused_days": days,
        "paused_seconds": seconds,
        "legal_paused_days": legal_days,
    }
    app.specials = [*app.specials, record]
    app.special = None
    app.legal_due_at = _legal_due(ctx, case, app)
    return {"paused_days": days, "due_at": case.due_at.isoformat()}, body.result


@declare(
    s.Extend, plain=("经负责人批准延长办理期限", "The time limit was extended by the head of department")
)
def extend(ctx: Context, case: Case, body: s.Extend) -> Outcome:
    app = application_of(ctx, case)
    if app.extension_days:
        raise Conflict("办理期限只能延长一次", "the time limit can be extended only once")
    if body.days > MAX_EXTENSION_WORKING_DAYS:
        raise ValidationFailed(
            f"延长期限最多 {MAX_EXTENSION_WORKING_DAYS} 个工作日（行政许可法第四十二条）",
            f"an extension is at most {MAX_EXTENSION_WORKING_DAYS} working days (Licensing Law art. 42)",
            field="days",
        )
    before = case.due_at
    app.extension_days, app.extension_reason = body.days, redact_text(body.reason)
    case.extension_amount += body.days
    _reschedule(ctx, case)
    app.legal_due_at = _legal_due(ctx, case, app)
    return {
        "days": body.days,
        "due_before": before.isoformat(),
        "due_after": case.due_at.isoformat(),
        "told": True,
    }, body.reason


@declare(s.Approve, plain=("审批通过（准予）", "Approved"))
def approve(ctx: Context, case: Case, body: s.Approve) -> Outcome:
    app = application_of(ctx, case)
    _decide(ctx, case, app, Decision.APPROVED, body.opinion)
    payload = results.issue_if_due(ctx, case, app, body.certificate_fields, body.valid_to)
    return payload | {"decision": Decision.APPROVED.value}, body.opinion


@declare(s.Deny, plain=("不予许可（已说明理由和依据）", "Denied (reasons and basis given)"))
def deny(ctx: Context, case: Case, body: s.Deny) -> Outcome:
    app = application_of(ctx, case)
    _decide(ctx, case, app, Decision.DENIED, body.reason)
    app.decision_basis = body.legal_basis
    return {"decision": Decision.DENIED.value, "legal_basis": body.legal_basis}, body.reason


@declare(s.Deliver, plain=("办理结果已送达，办结", "Result delivered: closed"))
def deliver(ctx: Context, case: Case, body: s.Deliver) -> Outcome:
    app = application_of(ctx, case)
    if body.method is Delivery.CERTIFICATE and not app.certificate_number:
        raise ValidationFailed(
            "该办件没有电子证照，请选择邮寄或窗口领取",
            "no certificate was issued: deliver by post or at the window",
            field="method",
        )
    if body.method is Delivery.POST and not body.detail:
        raise ValidationFailed(
            "邮寄送达请填写运单号", "give the waybill number for delivery by post", field="detail"
        )
    app.delivery, app.delivery_detail, app.delivered_at = body.method.value, body.detail, ctx.now
    case.closed_at = ctx.now
    return {"method": body.method.value, "detail": body.detail}, None


@declare(s.Withdraw, plain=("申请人已撤回申请", "Withdrawn by the applicant"))
def withdraw(ctx: Context, case: Case, body: s.Withdraw) -> Outcome:
    case.clock_stopped_at = case.closed_at = ctx.now
    return ({"reason_en": body.reason_en} if body.reason_en else {}), body.reason


def offered(case: Case, action: str) -> bool:
    """What the pages and ``available_actions`` offer: 受理 or 即办 by the item's case type, an
    extension only while none was granted."""
    if action not in ("accept", "decide_at_acceptance", "extend"):
        return True
    session = object_session(case)
    app = repo.by_case_id(session, case.id) if session is not None else None
    if app is None:
        return True
    if action == "accept":
        return not app.immediate
    if action == "decide_at_acceptance":
        return app.immediate
    return not app.extension_days


def action_names() -> list[str]:
    return list(ACTIONS)


__all__ = ["ACTIONS", "application_of", "offered"]
