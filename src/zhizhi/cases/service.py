"""Case rules: creation, actions through the lifecycle table, reads with masking, and what other
capabilities read about cases. One function per use case; flushes, never commits."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhizhi.addresses.service import Location, locate
from zhizhi.cases import actions, actors, eventtext, integrity, kinds, lifecycles, policy, search
from zhizhi.cases import repository as repo
from zhizhi.cases import schemas as s
from zhizhi.cases.enums import LABELS, UNRESOLVED, CaseKind, CaseStatus, Channel, SlaState
from zhizhi.cases.models import Case, IdempotencyKey  # Case: the type other domains annotate with
from zhizhi.cases.opening import open_case  # other kinds' first write (cases.lifecycles)
from zhizhi.cases.repository import feeds, intake, stats
from zhizhi.cases.sla import compute_deadline, sla_state, working_days_left
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.core import audit, clock, events, fieldcrypt
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.masking import mask_name, mask_phone, redact_text
from zhizhi.core.permissions import ROLE_LABELS, Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.core.statemachine import PREVIOUS, STAY
from zhizhi.core.workdays import local_date
from zhizhi.org import service as org

# the encrypted columns of the cases table: column → encryption context (key rotation reads it)
ENCRYPTED_COLUMNS = fieldcrypt.encrypted_columns(Case)

PUBLIC_CHANNELS = {Channel.WEB, Channel.APP, Channel.WECHAT, Channel.OPEN311}
ANONYMOUS = Principal(0, "anonymous", "匿名群众", Role.PUBLIC, None, None)


def _request_hash(data: s.CaseCreate) -> str:
    return hashlib.sha256(json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def _claim_key(session: Session, scope: str, key: str, digest: str) -> Case | None:
    """Return the case an earlier identical request created, or ``None`` to go ahead."""
    existing = repo.idempotency_key(session, scope, key)
    if existing is None:
        return None
    if existing.request_hash != digest:
        raise ValidationFailed(
            "Idempotency-Key 已用于另一个不同的请求",
            "Idempotency-Key was already used for a different request",
            field="Idempotency-Key",
        )
    return repo.by_id(session, existing.case_id)


def _check_key_length(key: str) -> None:
    if not 1 <= len(key) <= 200:
        raise ValidationFailed(
            "Idempotency-Key 长度应为 1–200",
            "Idempotency-Key must be 1–200 characters",
            field="Idempotency-Key",
        )


def _save_key(session: Session, scope: str, key: str, digest: str, case_id: int, now: datetime) -> None:
    row = IdempotencyKey(scope=scope, key=key, request_hash=digest, case_id=case_id, created_at=now)
    try:
        repo.save_idempotency_key(session, row)
    except IntegrityError:  # a concurrent retry with the same key got there first
        raise Conflict(
            "相同 Idempotency-Key 的请求正在处理，请稍后重试",
            "a request with this Idempotency-Key is being processed; retry shortly",
            field="Idempotency-Key",
        ) from None


def create_case(
    session: Session, data: s.CaseCreate, principal: Principal | None, idempotency_key: str | None = None
) -> tuple[Case, bool]:
    """Create a case; ``(case, False)`` when an identical retry with the same key is replayed."""
    caller = principal or ANONYMOUS
    if principal is not None and not principal.can(Permission.CASE_CREATE):
        raise Forbidden("当前角色不能登记工单", "your role cannot create cases")
    is_public = caller.role is Role.PUBLIC
    channel = data.channel or (
        Channel.WEB if is_public else Channel.GRID if caller.role is Role.GRID_WORKER else Channel.HOTLINE
    )
    if is_public:
        if data.kind is not CaseKind.APPEAL:
            raise ValidationFailed("群众只能提交诉求", "the public can only submit appeals", field="kind")
        if channel not in PUBLIC_CHANNELS:
            raise ValidationFailed(
                "该渠道仅供工作人员使用", "this channel is for staff only", field="channel"
            )
        if principal is None and not data.contact_phone:
            raise ValidationFailed(
                "匿名提交需留联系电话以便查询和回访",
                "anonymous submissions need a phone number for tracking and follow-up",
                field="contact_phone",
            )
    if idempotency_key is not None:
        _check_key_length(idempotency_key)
        # an anonymous caller's keys are scoped by the blind index of the phone, never the phone
        anon = f"anon:{fieldcrypt.phone_index(data.contact_phone)}"
        scope = f"user:{caller.user_id}" if principal else anon
        digest = _request_hash(data)
        # under every usable index key version: a retry across an index rotation is still a replay
        scopes = (
            [scope]
            if principal
            else [f"anon:{i}" for i in fieldcrypt.phone_indexes(data.contact_phone or "")]
        )
        for earlier in scopes:
            replay = _claim_key(session, earlier, idempotency_key, digest)
            if replay is not None:
                return replay, False

    category = catalogue.category_ref(session, data.category) if data.category else None
    limit = catalogue.time_limit_for(session, category.id if category else None, data.urgency)
    ratio = limit.warning_ratio or get_settings().sla_warning_ratio
    now = clock.now()
    deadline = compute_deadline(
        load_calendar(session),
        started_at=now,
        amount=limit.amount,
        unit=limit.unit,
        extension=0,
        paused_days=0,
        paused_seconds=0,
        warning_ratio=ratio,
    )
    place = (
        locate(session, data.address, data.latitude, data.longitude)
        if data.address or data.latitude is not None
        else Location()
    )
    status = CaseStatus.RECEIVED if is_public else CaseStatus.ACCEPTED
    given_subject = data.subject or data.content.splitlines()[0][:30]
    # phones, ID numbers, bank cards and plates in the words are stored masked; the words as given
    # are kept encrypted and shown to those who may read personal data (docs/crypto.md)
    subject, content = redact_text(given_subject), redact_text(data.content)
    originals = (
        json.dumps({"subject": given_subject, "content": data.content}, ensure_ascii=False)
        if (subject, content) != (given_subject, data.content)
        else None
    )
    values: dict[str, Any] = dict(
        kind=data.kind.value,
        appeal_type=data.appeal_type.value if data.appeal_type else None,
        channel=channel.value,
        subject=subject,
        content=content,
        personal_text=originals,
        urgency=data.urgency.value,
        status=status.value,
        category_id=category.id if category else None,
        address=data.address,
        latitude=data.latitude,
        longitude=data.longitude,
        address_code=place.address_code,
        division_code=place.division_code,
        grid_code=place.grid_code,
        territorial_department_id=place.territorial_department_id,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_phone_index=fieldcrypt.phone_index(data.contact_phone),
        contact_phone_tail=fieldcrypt.phone_tail_index(data.contact_phone),
        confidential=data.confidential,
        language=data.language or "zh",
        reporter_id=caller.user_id if principal is not None and is_public else None,
        created_by_id=principal.user_id if principal is not None else None,
        created_at=now,
        accepted_at=None if is_public else now,
        limit_amount=limit.amount,
        limit_unit=limit.unit.value,
        warning_ratio=ratio,
        due_at=deadline.due_at,
        warn_at=deadline.warn_at,
        due_provisional=deadline.provisional,
    )
    first_event = {  # timeline entry 1, "create", at created_at
        "actor_id": caller.user_id or None,
        "actor_name": caller.username,
        "actor_role": caller.role.value,
        "to_status": status.value,
        "payload": {"channel": channel.value, "kind": data.kind.value},
    }
    created_event = {"seq": 1, "action": "create", "at": now, "from_status": None, "reason": None}
    entry = audit.entry(
        "case.create",
        caller.actor,
        object_type="case",
        kind=data.kind.value,
        channel=channel.value,
        category=category.code if category else None,
        integrity=integrity.seal(values, created_event | first_event),
    )
    case = intake.insert_case(session, values, first_event, entry, local_date(now))
    if idempotency_key is not None:
        _save_key(session, scope, idempotency_key, digest, case.id, now)
    events.publish("case.created", session, case=case, principal=caller)
    return case, True


def _append_event(
    session: Session,
    case: Case,
    principal: Principal,
    action: str,
    from_status: str,
    to_status: str,
    reason: str | None,
    payload: dict[str, Any],
    originals: dict[str, str] | None = None,
) -> None:
    """The action's timeline event and audit entry (one statement on PostgreSQL), after the
    case's own changes are flushed. The reason is stored masked, the words as given encrypted."""
    case.event_count += 1
    reason, personal_text = eventtext.mask(reason, originals)
    event = {
        "case_id": case.id,
        "seq": case.event_count,
        "action": action,
        "at": clock.now(),
        "actor_id": principal.user_id or None,
        "actor_name": principal.username,
        "actor_role": principal.role.value,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "payload": payload,
        "personal_text": personal_text,
    }
    units = repo.co_unit_ids(session, case.id) if "co_departments" in payload else None
    entry = audit.entry(
        f"case.{action}",
        principal.actor,
        object_type="case",
        object_id=case.number,
        from_status=from_status,
        to_status=to_status,
        integrity=integrity.seal(case, event, units),  # the row after the write, the new event
    )
    repo.append_event(session, case, event, entry)


def get_case(session: Session, principal: Principal, number: str, *, for_update: bool = False) -> Case:
    case, visible = repo.find_visible(session, principal, number, for_update=for_update)
    if case is None:
        raise NotFound(f"工单 {number} 不存在", f"case {number} not found", field="number")
    if not visible:
        if principal.role is Role.PUBLIC:
            raise NotFound(f"工单 {number} 不存在", f"case {number} not found", field="number")
        raise Forbidden("该工单不在您部门的办理范围内", "this case is outside your department's scope")
    return case


def _action_hash(number: str, body: Any) -> str:
    data = {"number": number, "body": body.model_dump(mode="json")}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def perform(
    session: Session, principal: Principal, number: str, body: Any, idempotency_key: str | None = None
) -> Case:
    """Check everything first (visibility, permission, transition, policy, guards), then write.

    With an ``idempotency_key``, a retry of the same request (same caller, case and body) returns
    the case as it is now instead of acting twice; the key with another body is a 422."""
    case, _ = perform_once(session, principal, number, body, idempotency_key)
    return case


def perform_once(
    session: Session,
    principal: Principal,
    number: str,
    body: Any,
    idempotency_key: str | None = None,
    *,
    parsed_as: str | None = None,
) -> tuple[Case, bool]:
    """:func:`perform`, also saying whether it acted (``False``: an idempotent replay).

    ``parsed_as``: the kind whose lifecycle read ``body`` (``kinds.kind_of``); when the locked
    case is of a kind with another lifecycle, ``kinds.StaleKind`` before anything is written."""
    action: str = body.action
    case = get_case(session, principal, number, for_update=True)
    if parsed_as is not None and lifecycles.for_kind(parsed_as) is not lifecycles.for_kind(case.kind):
        kinds.remember(number, case.kind)
        raise kinds.StaleKind(case.kind)
    scope = digest = ""
    if idempotency_key is not None:
        _check_key_length(idempotency_key)
        scope, digest = f"act:{principal.user_id}:{case.id}", _action_hash(case.number, body)
        if _claim_key(session, scope, idempotency_key, digest) is not None:
            return case, False
    life = lifecycles.for_kind(case.kind)
    if action not in life.table or not isinstance(body, life.actions[action].body):
        raise ValidationFailed(
            f"「{LABELS.get(case.kind, (case.kind,))[0]}」类工单没有操作「{action}」",
            f"a case of kind {case.kind} has no action {action!r}",
            field="action",
        )
    transition = life.table.get(action)
    if not principal.can(transition.permission):
        zh_role, en_role = ROLE_LABELS[principal.role]
        raise Forbidden(
            f"角色「{zh_role}」无权「{transition.zh}」",
            f"role {en_role} may not {transition.en} a case",
            permission=transition.permission.value,
        )
    current = case.status
    life.table.check(action, current, life.status_label(current))
    denial = life.policy(session, principal, case, action)
    if denial is not None:
        raise Forbidden(*denial)
    ctx = actions.Context(session, principal, clock.now(), load_calendar(session))
    target = transition.target
    if target == PREVIOUS:
        target = case.status_before_suspend or CaseStatus.ACCEPTED.value
    payload, reason = life.actions[action].handler(ctx, case, body)
    if ctx.branch and transition.branch is not None:
        target = transition.branch
    new_status = case.status if target == STAY else target
    case.status = new_status
    case.updated_at = ctx.now
    _append_event(session, case, principal, action, current, new_status, reason, payload, ctx.originals)
    if idempotency_key is not None:
        _save_key(session, scope, idempotency_key, digest, case.id, ctx.now)
    session.flush()
    events.publish(f"case.{action}", session, case=case, principal=principal, payload=payload, reason=reason)
    if new_status == CaseStatus.REVIEWING and _auto_reopens(case):
        auto = s.ReviewReopen(action="review_reopen", reason=AUTO_REOPEN_REASON[0])
        perform(session, SYSTEM, case.number, auto)
    return case, True


__all__ = ["Case", "open_case"]
SYSTEM = Principal(0, "system", "系统", Role.ADMIN, None, None)
AUTO_REOPEN_REASON = (
    "按设置 BAD_RATING_AUTO_REOPEN 自动督办重办",
    "reopened under supervision automatically (setting BAD_RATING_AUTO_REOPEN)",
)


def _auto_reopens(case: Case) -> bool:
    """Whether the deployment reopens this bad rating without waiting for a supervisor."""
    auto = set(get_settings().bad_rating_auto_reopen)
    return case.rating in auto or (case.resolved is False and UNRESOLVED in auto)


def list_cases(
    session: Session,
    principal: Principal,
    *,
    status: CaseStatus | None,
    sla: SlaState | None,
    department: str | None,
    page: int,
    page_size: int,
    queue: str | None = None,
) -> tuple[list[Case], int]:
    """A page of the cases ``principal`` sees; ``queue`` names one of ``queries.ALL_QUEUES``
    (422 with field ``queue`` otherwise)."""
    now = clock.now()
    extra = queue_clauses(principal, queue, now) if queue is not None else []
    path = None
    if department:
        dept = org.find_department(session, department, active_only=False)
        if dept is None:  # an unknown department leads and co-handles nothing
            return [], 0
        path = dept.path
    return repo.list_cases(
        session,
        principal,
        status=status.value if status is not None else None,
        sla=sla,
        department_path=path,
        now=now,
        page=page,
        page_size=page_size,
        extra=extra,
    )


def queue_clauses(principal: Principal, queue: str, now: datetime | None = None) -> list[Any]:
    """The SQL conditions of a work queue (``queries.ALL_QUEUES``), for a list or a search; an
    unknown name is a 422 on field ``queue`` in both languages."""
    if queue not in stats.ALL_QUEUES:
        raise ValidationFailed(
            f"未知的工作队列「{queue}」，可用：{'、'.join(stats.ALL_QUEUES)}",
            f"unknown queue {queue!r}; known queues: {', '.join(stats.ALL_QUEUES)}",
            field="queue",
        )
    return stats.queue_filter(queue, now or clock.now(), principal)


def timeline(
    session: Session, principal: Principal, number: str, *, reveal: bool = False
) -> list[s.EventOut]:
    """The timeline, actors named by display name, role and unit, never login (``actors``);
    reasons and replies masked, as given with ``reveal`` for a reader of
    personal data (audited ``case.personal_read``, docs/crypto.md)."""
    case = get_case(session, principal, number)
    out = []
    unmasked = reveal and policy.sees_personal_data(principal, case)
    shown = False
    life = lifecycles.for_kind(case.kind)
    rows = repo.events(session, case.id)
    staff = org.staff_names(session, [e.actor_id for e in rows if e.actor_id])
    for e in rows:
        reason, payload = e.reason, e.payload
        if unmasked and e.personal_text:
            reason, payload = eventtext.revealed(reason, payload, e.personal_text)
            shown = True
        step = life.table.get(e.action) if e.action in life.table else None
        zh, en = (step.zh, step.en) if step else ("登记", "created")
        out.append(actors.event_out(e, zh, en, staff, reason, payload))
    if shown:
        audit.record(
            session,
            "case.personal_read",
            principal.actor,
            object_type="case",
            object_id=case.number,
            part="timeline",
        )
    return out


def case_state(case: Case, now: datetime | None = None) -> SlaState:
    return sla_state(
        due_at=case.due_at, warn_at=case.warn_at, reference=case.clock_stopped_at or now or clock.now()
    )


def to_out(session: Session, case: Case, principal: Principal | None, *, reveal: bool = False) -> s.CaseOut:
    """The API view; contact details are masked unless ``reveal`` and the policy allows (audited)."""
    co_rows = repo.co_units(session, case.id) if case.lead_department_id else []
    co_ids = [u.department_id for u in co_rows]
    units = (
        org.departments_by_ids(session, [case.lead_department_id, *co_ids]) if case.lead_department_id else {}
    )
    lead = units.get(case.lead_department_id or 0)
    co = sorted((units[i] for i in co_ids if i in units), key=lambda d: d.code)
    category = catalogue.category_info(session, case.category_id) if case.category_id else None
    parent_number = repo.number_of(session, case.parent_case_id) if case.parent_case_id else None
    unmasked = reveal and policy.sees_personal_data(principal, case)
    name, phone = case.contact_name, case.contact_phone
    subject, content = case.subject, case.content
    if not unmasked:
        name, phone = (None, None) if case.confidential else (mask_name(name), mask_phone(phone))
    else:
        subject, content = given_words(case)
    if unmasked and principal is not None and (name or phone or case.personal_text):
        audit.record(
            session, "case.personal_read", principal.actor, object_type="case", object_id=case.number
        )
    now = clock.now()
    state = case_state(case, now)
    life = lifecycles.for_kind(case.kind)
    zh, en = life.status_label(case.status)
    szh, sen = LABELS[state]
    calendar = load_calendar(session)
    available = []
    if principal is not None:
        available = [
            t.action
            for t in life.table.available(case.status)
            if principal.can(t.permission) and life.offered(case, t.action)
        ]
    unit = LimitUnit(case.limit_unit)
    return s.CaseOut(
        number=case.number,
        kind=case.kind,
        appeal_type=case.appeal_type,
        channel=case.channel,
        subject=subject,
        content=content,
        address=case.address,
        latitude=case.latitude,
        longitude=case.longitude,
        division_code=case.division_code,
        grid_code=case.grid_code,
        urgency=case.urgency,
        status=case.status,
        status_label=s.Labelled(code=case.status, zh=zh, en=en),
        category=s.DepartmentRef(code=category.code, name=category.name, name_en=category.name_en)
        if category
        else None,
        lead_department=s.DepartmentRef(code=lead.code, name=lead.name) if lead else None,
        co_departments=[s.DepartmentRef(code=d.code, name=d.name) for d in co],
        co_units=[
            s.CoUnitOut(
                code=units[u.department_id].code, name=units[u.department_id].name, replied_at=u.replied_at
            )
            for u in sorted(
                co_rows, key=lambda u: units[u.department_id].code if u.department_id in units else ""
            )
            if u.department_id in units
        ],
        contact_name=name,
        contact_phone=phone,
        contact_masked=not unmasked,
        confidential=case.confidential,
        language=case.language or "zh",
        created_at=case.created_at,
        accepted_at=case.accepted_at,
        replied_at=case.replied_at,
        closed_at=case.closed_at,
        due_at=case.due_at,
        warn_at=case.warn_at,
        due_provisional=case.due_provisional,
        sla_state=state.value,
        sla_label=s.Labelled(code=state.value, zh=szh, en=sen),
        working_days_left=working_days_left(calendar, case.due_at, case.clock_stopped_at or now),
        time_limit={
            "amount": case.limit_amount,
            "unit": unit.value,
            "extension": case.extension_amount,
            "urgency": Urgency(case.urgency).value,
        },
        pending_extension=case.pending_extension,
        reply=case.reply,
        rating=case.rating,
        resolved=case.resolved,
        rating_excluded=case.rating_excluded,
        review_due_at=case.review_due_at,
        parent_number=parent_number,
        supervision_count=case.supervision_count,
        reopen_count=case.reopen_count,
        return_count=case.return_count,
        marks=search.marks(case),
        version=case.version,
        available_actions=available,
    )


def given_words(case: Case) -> tuple[str, str]:
    """Subject and content as the person wrote them (the stored ones have personal data masked):
    for views that may show personal data."""
    if not case.personal_text:
        return case.subject, case.content
    words = json.loads(case.personal_text)
    return str(words["subject"]), str(words["content"])


# ---- what other capabilities read about cases ------------------------------------------------


def cases_in_warning(session: Session, limit: int = 500) -> list[Case]:
    """Running cases past their warning time, not yet due (the notifications' SLA warning)."""
    running = [CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.RETURNED]
    return repo.in_warning(session, clock.now(), [s.value for s in running], limit)


def case_by_id(session: Session, case_id: int) -> Case | None:
    """A case by id, unscoped: for background work on behalf of the platform (AI suggestions)."""
    return repo.by_id(session, case_id)


def case_numbers(session: Session, case_ids: list[int]) -> dict[int, str]:
    return repo.numbers_of(session, case_ids)


def duplicate_candidates(session: Session, case: Case, *, window_days: int, limit: int) -> list[Any]:
    """Rows (number, subject, content, created_at, address, division, grid, coordinates) of the
    open or replied, unmerged cases of the ``window_days`` before ``case`` in its county, newest
    first: what a duplicate comparison reads."""
    since = case.created_at - timedelta(days=window_days)
    prefix = case.division_code[:6] if case.division_code else None
    return feeds.duplicate_candidates(session, case, since, limit, prefix)


def recent_appeals(session: Session, *, days: int, limit: int) -> list[Any]:
    """Rows (number, subject, content, created_at, reporter_id, contact_key — the blind index of the
    phone, address) of the
    cases of the last ``days`` (applications excepted), newest first: hotspot discovery's input."""
    return feeds.recent_appeals(session, clock.now() - timedelta(days=days), limit)


def case_texts(session: Session, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    """``id → (subject, content)`` for routing's classifier training (no personal data: the
    appeal's words only)."""
    return feeds.texts_of(session, case_ids)


def verify_integrity(session: Session) -> tuple[list[Any], int, int]:
    """Every case row, co-units and timeline against the digests sealed in the audit chain
    (``zhizhi audit verify``; :mod:`zhizhi.cases.integrity`): (findings, cases, events)."""
    sealing = ["case.create", *(f"case.{name}" for name in lifecycles.sealing_actions())]
    return integrity.verify(session, sealing)
