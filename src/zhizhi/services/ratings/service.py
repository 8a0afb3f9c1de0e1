"""Rating use cases: the applicant rates (once per stage), a bad rating opens its rectification
(due in N working days, ``ZHIZHI_RECTIFICATION_WORKING_DAYS``), the department verifies and
rectifies, the applicant reads the result; figures per item, department and window. Flushes,
never commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock, fieldcrypt, freetext
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.core.workdays import end_of_local_day, local_date
from zhizhi.org import service as org
from zhizhi.services.ratings import facts as applications
from zhizhi.services.ratings import repository as repo
from zhizhi.services.ratings import schemas as s
from zhizhi.services.ratings.enums import (
    BAD_RATINGS,
    DIMENSIONS,
    Channel,
    Measure,
    RectificationStatus,
    Stage,
)
from zhizhi.services.ratings.models import Rectification, ServiceRating
from zhizhi.services.window import service as window

fieldcrypt.register_table("service_ratings", fieldcrypt.encrypted_columns(ServiceRating))
fieldcrypt.register_table("service_rectifications", fieldcrypt.encrypted_columns(Rectification))

_NOT_FOUND = (
    "办件不存在或申请人身份核验不符",
    "no such application, or the applicant's identity does not match",
)


def _application(
    session: Session, number: str, principal: Principal | None, id_number: str | None
) -> applications.Facts:
    """The application, if the caller is its applicant (signed in as them, or giving their ID
    number or credit code): otherwise 404, the same for a wrong number and a wrong identity."""
    found = applications.application(session, number)
    if found is None or not applications.is_applicant(session, found, principal, id_number):
        raise NotFound(*_NOT_FOUND, field="number")
    return found


def rate(session: Session, principal: Principal | None, data: s.RatingIn) -> ServiceRating:
    """*Rules:* one rating per application and stage (409 for a second); ``completion`` once the
    application is completed; ``acceptance`` only for a 承诺件 once accepted; the dimensions are
    those of the channel (on site when it was received at a window, else online); a bad rating
    needs the reason in words and opens its rectification in the same unit of work."""
    if principal is not None and principal.role is not Role.PUBLIC:
        raise Forbidden("好差评由申请人本人评价", "only the applicant rates a service")
    found = _application(session, data.number, principal, data.id_number)
    if data.stage is Stage.COMPLETION and not found.completed:
        raise Conflict("办件办结后才能评价", "an application is rated after it is completed", field="stage")
    if data.stage is Stage.ACCEPTANCE:
        if not found.promised:
            raise Conflict(
                "只有承诺件可在受理环节评价",
                "only promised-time items are rated at acceptance",
                field="stage",
            )
        if not found.accepted:
            raise Conflict(
                "办件受理后才能评价受理环节", "the acceptance is rated once accepted", field="stage"
            )
    if repo.rating(session, found.case_id, data.stage.value) is not None:
        raise Conflict(
            "该办件此环节已评价过（一事一评）",
            "this application was already rated at this stage",
            field="stage",
        )
    window_id = window.received_at_window(session, [found.case_id]).get(found.case_id)
    channel = Channel.ONSITE if window_id is not None else Channel.ONLINE
    allowed = DIMENSIONS[channel]
    wrong = [d.value for d in data.dimensions if d not in allowed]
    if wrong:
        onsite = channel is Channel.ONSITE
        raise ValidationFailed(
            f"评价维度不适用于{'现场' if onsite else '网上'}评价：{'、'.join(wrong)}",
            f"dimensions not rated {'on site' if onsite else 'online'}: {', '.join(wrong)}",
            field="dimensions",
        )
    bad = data.level in BAD_RATINGS
    texts, personal_text = freetext.mask({"comment": data.comment or None})
    comment = texts["comment"]
    if bad and (comment is None or len(comment) < 2):
        raise ValidationFailed(
            "差评请写明不满意的原因，以便核实整改",
            "a bad rating needs the reason, to verify and rectify it",
            field="comment",
        )
    now = clock.now()
    row = ServiceRating(
        case_id=found.case_id,
        number=found.number,
        stage=data.stage.value,
        channel=channel.value,
        level=data.level.value,
        bad=bad,
        dimensions={d.value: v.value for d, v in data.dimensions.items()},
        comment=comment,
        personal_text=personal_text,
        item_code=found.item_code,
        item_name=found.item_name,
        department_id=found.department_id,
        window_id=window_id,
        rater_user_id=principal.user_id if principal is not None and principal.user_id else None,
        rated_at=now,
    )
    repo.add(session, row)
    actor = principal.actor if principal is not None else audit.Actor(None, "applicant (verified by ID)")
    audit.record(
        session,
        "service_rating.create",
        actor,
        object_type="application",
        object_id=found.number,
        stage=row.stage,
        level=row.level,
    )
    if bad:
        _open_rectification(session, row, now)
    return row


def rectification_due(session: Session, opened_at: datetime) -> datetime:
    days = get_settings().rectification_working_days
    due = load_calendar(session).add_working_days(local_date(opened_at), days)
    return end_of_local_day(due.due_date)


def _open_rectification(session: Session, rating: ServiceRating, now: datetime) -> Rectification:
    row = Rectification(
        rating_id=rating.id,
        department_id=rating.department_id,
        status=RectificationStatus.VERIFYING.value,
        opened_at=now,
        due_at=rectification_due(session, now),
    )
    repo.add(session, row)
    audit.record(
        session,
        "service_rectification.open",
        audit.Actor(None, "system"),
        object_type="application",
        object_id=rating.number,
        due_at=row.due_at.isoformat(),
    )
    return row


def ratings_for_applicant(
    session: Session, principal: Principal | None, number: str, id_number: str | None
) -> list[s.RatingOut]:
    """The applicant's view: their ratings and each bad one's verification and result."""
    found = _application(session, number, principal, id_number)
    return [to_out(session, r) for r in repo.ratings_of(session, found.case_id)]


# -- rectification -------------------------------------------------------------------------------


def _scope(session: Session, principal: Principal) -> Any:
    """*Rule:* a department rectifies the bad ratings of its subtree; city-wide readers
    (``case:read_all``: supervisors, leaders) see all. ``None``: no restriction."""
    if principal.can(Permission.CASE_READ_ALL):
        return None
    if principal.department_path is None:
        return org.subtree_query("/-/")  # nothing
    return org.subtree_query(principal.department_path)


def rectifications(
    session: Session, principal: Principal, status: str | None = None
) -> list[tuple[Rectification, ServiceRating]]:
    if not principal.can(Permission.RATING_RECTIFY) and not principal.can(Permission.SERVICE_SUPERVISE):
        raise Forbidden("当前角色不能查看差评整改", "your role cannot read rating rectifications")
    if status and status not in {"open", "overdue", *(x.value for x in RectificationStatus)}:
        raise ValidationFailed(f"未知的状态 {status[:20]}", f"unknown status {status[:20]}", field="status")
    return repo.queue(session, _scope(session, principal), status, clock.now())


def _get(
    session: Session, principal: Principal, rectification_id: int
) -> tuple[Rectification, ServiceRating]:
    if not principal.can(Permission.RATING_RECTIFY):
        raise Forbidden("当前角色不能办理差评整改", "your role cannot rectify bad ratings")
    row = repo.rectification(session, rectification_id)
    rating = repo.rating_by_id(session, row.rating_id) if row is not None else None
    if row is None or rating is None:
        raise NotFound("整改记录不存在", "no such rectification", field="id")
    scope = _scope(session, principal)
    if scope is not None and (
        row.department_id is None
        or not org.any_in_subtree(session, [row.department_id], principal.department_path)
    ):
        raise NotFound("整改记录不存在", "no such rectification", field="id")
    return row, rating


def verify(session: Session, principal: Principal, rectification_id: int, data: s.VerifyIn) -> Rectification:
    """Record the call-back and the measure: 立行立改 and 解释说明 end here with the result fed
    back; 限期整改 stays open until :func:`complete`, by the same deadline."""
    row, rating = _get(session, principal, rectification_id)
    if row.status != RectificationStatus.VERIFYING:
        raise Conflict("该差评已核实", "this bad rating was already verified", field="status")
    now = clock.now()
    texts, row.personal_text = freetext.mask({"verification": data.verification}, row.personal_text)
    row.verification, row.verified_at, row.verified_by = texts["verification"], now, principal.username
    row.measure = data.measure.value
    if data.measure is Measure.DEADLINE:
        if data.result:
            raise ValidationFailed(
                "限期整改的结果在整改完成时填写",
                "the result of a deadline rectification comes at completion",
                field="result",
            )
        row.status = RectificationStatus.RECTIFYING.value
    else:
        if not data.result:
            raise ValidationFailed(
                "立行立改或解释说明须填写反馈给申请人的结果",
                "fixing at once or explaining needs the result told to the applicant",
                field="result",
            )
        texts, row.personal_text = freetext.mask({"result": data.result}, row.personal_text)
        row.status, row.result, row.completed_at, row.completed_by = (
            RectificationStatus.DONE.value,
            texts["result"],
            now,
            principal.username,
        )
    session.flush()
    audit.record(
        session,
        "service_rectification.verify",
        principal.actor,
        object_type="application",
        object_id=rating.number,
        measure=row.measure,
        status=row.status,
    )
    return row


def complete(
    session: Session, principal: Principal, rectification_id: int, data: s.CompleteIn
) -> Rectification:
    row, rating = _get(session, principal, rectification_id)
    if row.status != RectificationStatus.RECTIFYING:
        raise Conflict(
            "只有限期整改中的差评可以完成整改",
            "only a rectification in progress can be completed",
            field="status",
        )
    now = clock.now()
    texts, row.personal_text = freetext.mask({"result": data.result}, row.personal_text)
    row.status, row.result, row.completed_at, row.completed_by = (
        RectificationStatus.DONE.value,
        texts["result"],
        now,
        principal.username,
    )
    session.flush()
    audit.record(
        session,
        "service_rectification.complete",
        principal.actor,
        object_type="application",
        object_id=rating.number,
        late=now > row.due_at,
    )
    return row


# -- answers and figures ------------------------------------------------------------------------


def rectification_out(session: Session, row: Rectification) -> s.RectificationOut:
    dept = org.department(session, row.department_id) if row.department_id else None
    return s.RectificationOut(
        id=row.id,
        status=row.status,
        measure=row.measure,
        opened_at=row.opened_at,
        due_at=row.due_at,
        overdue=(row.completed_at or clock.now()) > row.due_at,
        verification=row.verification,
        verified_at=row.verified_at,
        result=row.result,
        completed_at=row.completed_at,
        department=dept.name if dept else None,
    )


def to_out(session: Session, r: ServiceRating) -> s.RatingOut:
    dept = org.department(session, r.department_id) if r.department_id else None
    rect = repo.rectification_of(session, r.id)
    names = {w: name for w, _code, name in window.window_choices(session)} if r.window_id else {}
    return s.RatingOut(
        id=r.id,
        number=r.number,
        stage=r.stage,
        channel=r.channel,
        level=r.level,
        bad=r.bad,
        dimensions=dict(r.dimensions),
        comment=r.comment,
        item_code=r.item_code,
        item_name=r.item_name,
        department=dept.name if dept else None,
        window=names.get(r.window_id) if r.window_id else None,
        rated_at=r.rated_at,
        rectification=rectification_out(session, rect) if rect else None,
    )


def figures(session: Session, principal: Principal, days: int = 30) -> dict[str, Any]:
    """Ratings, good rate (非常满意/满意/基本满意), bad ratings, average score (5 … 1) and open or
    overdue rectifications per item, department and window over the last ``days`` days."""
    if not principal.can(Permission.SERVICE_SUPERVISE) and not principal.can(Permission.RATING_RECTIFY):
        raise Forbidden("当前角色不能查看好差评统计", "your role cannot read rating figures")
    until = clock.now()
    since = until - timedelta(days=max(1, min(days, 366)))
    scope = _scope(session, principal)

    def rows(by: str, name_of: Any) -> list[dict[str, Any]]:
        out = []
        for key, n, good, bad, avg, open_, overdue in repo.figures(session, by, since, until, scope):
            out.append(
                {
                    "key": key,
                    "name": name_of(key),
                    "ratings": n,
                    "good": good,
                    "bad": bad,
                    "good_rate": round(100 * good / n, 1) if n else None,
                    "score": round(avg, 2) if avg is not None else None,
                    "open": open_,
                    "overdue": overdue,
                }
            )
        return sorted(out, key=lambda r: (-r["bad"], -r["ratings"], str(r["key"])))

    items = rows("item", lambda k: k)
    names = repo.item_names(session, [r["key"] for r in items])
    for r in items:
        r["name"] = names.get(r["key"], r["key"])
    depts = org.departments_by_ids(
        session, [k for k, *_ in repo.figures(session, "department", since, until, scope) if k]
    )
    windows = {w: name for w, _c, name in window.window_choices(session)}
    return {
        "days": days,
        "items": items,
        "departments": rows("department", lambda k: depts[k].name if k in depts else "—"),
        "windows": rows("window", lambda k: windows.get(k, "—")),
    }
