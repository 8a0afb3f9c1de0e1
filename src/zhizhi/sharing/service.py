"""Data sharing use cases: the catalogue, requests, decisions, grants and their views.

One function per use case, called by the API, the pages, the Excel import and the demo alike;
flushes, never commits; every write audited.  The exchange itself is in ``exchange.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock, freetext
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.core.workdays import end_of_local_day, local_date
from zhizhi.org import service as org
from zhizhi.sharing import deadlines
from zhizhi.sharing import repository as repo
from zhizhi.sharing.enums import AdapterKind, Grade, RequestStatus, ShareType
from zhizhi.sharing.models import Grant, Resource, ResourceField, ShareRequest
from zhizhi.sharing.schemas import (
    ConflictOut,
    DecisionIn,
    FieldOut,
    RequestIn,
    ResourceIn,
    ResourceOut,
)

MAX_PERIOD_DAYS = 3 * 366  # a grant lasts at most about three years; then it is asked for again


def check_permission(principal: Principal, permission: Permission, zh: str, en: str) -> None:
    if not principal.can(permission):
        raise Forbidden(zh, en, permission=permission.value)


def reject_controls(value: str | None, field: str) -> None:
    """NUL and other control characters never reach a query (PostgreSQL refuses NUL: a 500)."""
    if value and any(ord(c) < 32 for c in value):
        raise ValidationFailed("含有不允许的控制字符", "contains control characters", field=field)


def require_staff(principal: Principal) -> None:
    if principal.role == Role.PUBLIC:
        raise Forbidden("数据资源目录仅对工作人员开放", "the data catalogue is for staff")


# ---- the catalogue -----------------------------------------------------------------------


def _validate_resource(body: ResourceIn) -> None:
    names = [f.name for f in body.fields]
    if len(set(names)) != len(names):
        raise ValidationFailed("字段名重复", "duplicate field names", field="fields")
    if body.key_field not in names:
        raise ValidationFailed(
            "主键字段不在字段列表中", "the key field is not among the fields", field="key_field"
        )
    if body.subject_field and body.subject_field not in names:
        raise ValidationFailed(
            "数据主体字段不在字段列表中", "the subject field is not among the fields", field="subject_field"
        )
    if body.adapter == AdapterKind.TABLE:
        if body.adapter_target not in repo.PROVIDER_TABLES:
            raise ValidationFailed(
                f"未知的数据表：{body.adapter_target}",
                f"unknown provider table {body.adapter_target!r}",
                field="adapter_target",
            )
        columns = set(repo.provider_columns(body.adapter_target))
        missing = [n for n in names if n not in columns]
        if missing:
            raise ValidationFailed(
                f"数据表中没有这些字段：{'、'.join(missing)}",
                f"the provider table has no column {', '.join(missing)}",
                field="fields",
            )
        if not repo.provider_key_searchable(body.adapter_target, body.key_field):
            raise ValidationFailed(
                f"字段 {body.key_field} 加密存储且没有盲索引，不能作为查询主键",
                f"{body.key_field} is encrypted without a blind index: it cannot be the key field",
                field="key_field",
            )
    elif not body.adapter_target.startswith(("http://", "https://")) or "{key}" not in body.adapter_target:
        raise ValidationFailed(
            "接口地址应为 http(s):// 开头并含 {key}",
            "the provider API address must start with http(s):// and contain {key}",
            field="adapter_target",
        )


def save_resource(session: Session, principal: Principal, body: ResourceIn) -> tuple[Resource, bool]:
    """Create or replace a resource of the catalogue (API, Excel import, demo); ``True`` when new."""
    check_permission(
        principal, Permission.DATA_MANAGE, "无权维护数据资源目录", "not allowed to manage the data catalogue"
    )
    _validate_resource(body)
    owner = org.find_department(session, body.owner)
    if owner is None:
        raise NotFound(f"部门 {body.owner} 不存在", f"department {body.owner} not found", field="owner")
    now = clock.now()
    resource = repo.resource_by_code(session, body.code)
    created = resource is None
    if resource is None:
        resource = Resource(code=body.code, created_at=now)
    for attr in (
        "name",
        "description",
        "source_system",
        "adapter_target",
        "key_field",
        "subject_field",
        "keywords",
    ):
        setattr(resource, attr, getattr(body, attr))
    resource.owner_department_id = owner.id
    resource.share_type = body.share_type.value
    resource.update_cycle = body.update_cycle.value
    resource.adapter = body.adapter.value
    resource.updated_at = now
    repo.add(session, resource)
    repo.replace_fields(
        session,
        resource.id,
        [
            ResourceField(
                resource_id=resource.id,
                position=i,
                name=f.name,
                label=f.label,
                grade=f.grade.value,
                personal=f.personal.value,
                mask=f.mask.value,
                data_item=f.data_item or None,
                authoritative=f.authoritative,
            )
            for i, f in enumerate(body.fields)
        ],
    )
    audit.record(
        session,
        "sharing.resource_created" if created else "sharing.resource_updated",
        principal.actor,
        object_type="sharing_resource",
        object_id=body.code,
        owner=owner.code,
        share_type=body.share_type.value,
        fields=[f.name for f in body.fields],
    )
    return resource, created


def resource(session: Session, code: str) -> Resource:
    reject_controls(code, "resource")
    found = repo.resource_by_code(session, code)
    if found is None:
        raise NotFound(f"数据资源 {code} 不存在", f"data resource {code} not found", field="resource")
    return found


def fields_of(session: Session, resource_id: int) -> list[ResourceField]:
    return repo.fields_of(session, [resource_id])[resource_id]


def search(
    session: Session, q: str | None = None, owner: str | None = None, share_type: str | None = None
) -> list[Resource]:
    for value, name in ((q, "q"), (owner, "owner"), (share_type, "share_type")):
        reject_controls(value, name)
    owner_id = None
    if owner:
        dept = org.find_department(session, owner)
        if dept is None:
            return []
        owner_id = dept.id
    return repo.search_resources(session, (q or "").strip()[:80] or None, owner_id, share_type or None)


def resource_outs(session: Session, resources: Sequence[Resource]) -> list[ResourceOut]:
    depts = org.departments_by_ids(session, [r.owner_department_id for r in resources])
    fields = repo.fields_of(session, [r.id for r in resources])
    return [
        ResourceOut(
            code=r.code,
            name=r.name,
            description=r.description,
            owner=depts[r.owner_department_id].code,
            owner_name=depts[r.owner_department_id].name,
            share_type=r.share_type,
            source_system=r.source_system,
            update_cycle=r.update_cycle,
            adapter=r.adapter,
            adapter_target=r.adapter_target,
            key_field=r.key_field,
            subject_field=r.subject_field,
            keywords=r.keywords,
            updated_at=r.updated_at,
            fields=[
                FieldOut(
                    name=f.name,
                    label=f.label,
                    grade=f.grade,
                    personal=f.personal,
                    mask=f.mask,
                    data_item=f.data_item,
                    authoritative=f.authoritative,
                )
                for f in fields[r.id]
            ],
        )
        for r in resources
    ]


def source_conflicts(session: Session) -> list[ConflictOut]:
    """一数一源: the data items more than one resource claims as their authoritative source."""
    grouped: dict[str, list[str]] = {}
    for item, code, name in repo.authoritative_claims(session):
        grouped.setdefault(item, []).append(f"{code}.{name}")
    return [ConflictOut(data_item=item, sources=sources) for item, sources in grouped.items()]


# ---- requests and decisions ----------------------------------------------------------------


def _department_of(principal: Principal) -> int:
    if principal.department_id is None:
        raise Forbidden("只有部门工作人员可以申请共享数据", "only staff of a department can request data")
    return principal.department_id


def _new_number(session: Session) -> str:
    prefix = "GX" + clock.today_local().strftime("%Y%m%d")
    return f"{prefix}{repo.count_requests_with_prefix(session, prefix) + 1:04d}"


def submit_request(session: Session, principal: Principal, body: RequestIn) -> ShareRequest:
    """A department asks for a resource: unconditional ones are granted at once, 不予共享 ones
    refused at once, conditional ones wait for the owner within the working-day deadline."""
    check_permission(
        principal, Permission.SHARING_REQUEST, "无权申请共享数据", "not allowed to request shared data"
    )
    consumer_id = _department_of(principal)
    res = resource(session, body.resource)
    if res.owner_department_id == consumer_id:
        raise ValidationFailed(
            "本部门的数据无需申请共享", "a department does not request its own data", field="resource"
        )
    fields = {f.name: f for f in fields_of(session, res.id)}
    unknown = [n for n in body.fields if n not in fields]
    if unknown:
        raise ValidationFailed(
            f"资源没有这些字段：{'、'.join(unknown)}", f"no such fields: {', '.join(unknown)}", field="fields"
        )
    core = [n for n in body.fields if fields[n].grade == Grade.CORE]
    if core:
        raise ValidationFailed(
            f"核心数据不通过共享交换提供：{'、'.join(core)}",
            f"core data is not shared through the exchange: {', '.join(core)}",
            field="fields",
        )
    today = clock.today_local()
    if body.period_end < body.period_start or body.period_end < today:
        raise ValidationFailed(
            "使用期限无效（结束日期须不早于开始日期和今天）",
            "invalid period (the end must not be before the start or today)",
            field="period_end",
        )
    if (body.period_end - body.period_start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed("使用期限最长三年", "the period is at most three years", field="period_end")
    now = clock.now()
    # phones and ID numbers typed into the texts are stored masked, the words as given encrypted
    texts, personal = freetext.mask({"purpose_detail": body.purpose_detail, "legal_basis": body.legal_basis})
    request = ShareRequest(
        number=_new_number(session),
        resource_id=res.id,
        consumer_department_id=consumer_id,
        owner_department_id=res.owner_department_id,
        purpose=body.purpose.value,
        purpose_detail=texts["purpose_detail"],
        legal_basis=texts["legal_basis"],
        personal_text=personal,
        fields=list(dict.fromkeys(body.fields)),
        period_start=body.period_start,
        period_end=body.period_end,
        status=RequestStatus.PENDING.value,
        requested_by=principal.username,
        submitted_at=now,
    )
    if res.share_type == ShareType.CONDITIONAL:
        days = get_settings().sharing_answer_working_days
        request.due_date = load_calendar(session).add_working_days(today, days).due_date
    elif res.share_type == ShareType.NONE:
        request.status = RequestStatus.REFUSED.value
        request.decided_at, request.decided_by = now, "system"
        request.reason = "该资源为不予共享类，不通过共享交换提供 / the resource is not shared"
    repo.add(session, request)
    audit.record(
        session,
        "sharing.request_submitted",
        principal.actor,
        object_type="sharing_request",
        object_id=request.number,
        resource=res.code,
        purpose=request.purpose,
        fields=request.fields,
        period=[str(body.period_start), str(body.period_end)],
        status=request.status,
    )
    if res.share_type == ShareType.UNCONDITIONAL:
        _approve(
            session,
            request,
            plain_fields=[],
            actor=audit.Actor.system(),
            reason="无条件共享，自动授权 / unconditional",
            now=now,
        )
    return request


def _approve(
    session: Session,
    request: ShareRequest,
    *,
    plain_fields: list[str],
    actor: audit.Actor,
    reason: str,
    now: datetime,
) -> Grant:
    by = actor.name
    request.status = RequestStatus.APPROVED.value
    request.decided_at, request.decided_by = now, by
    _set_reason(request, reason)
    start = clock.as_utc(datetime.combine(request.period_start, datetime.min.time(), tzinfo=clock.SHANGHAI))
    grant = Grant(
        request_id=request.id,
        resource_id=request.resource_id,
        consumer_department_id=request.consumer_department_id,
        purpose=request.purpose,
        fields=list(request.fields),
        plain_fields=plain_fields,
        valid_from=min(max(start, now), end_of_local_day(request.period_end)),
        expires_at=end_of_local_day(request.period_end),
    )
    repo.add(session, grant)
    audit.record(
        session,
        "sharing.grant_issued",
        actor,
        object_type="sharing_grant",
        object_id=grant.id,
        request=request.number,
        fields=grant.fields,
        plain_fields=plain_fields,
        expires_at=grant.expires_at.isoformat(),
    )
    return grant


def _set_reason(request: ShareRequest, reason: str | None) -> None:
    """The decision's reason, masked; the words as given kept encrypted (``core.freetext``)."""
    texts, request.personal_text = freetext.mask({"reason": reason or None}, request.personal_text)
    request.reason = texts["reason"]


def _owner_check(principal: Principal, owner_department_id: int) -> None:
    check_permission(
        principal, Permission.SHARING_APPROVE, "无权审批共享申请", "not allowed to answer sharing requests"
    )
    if principal.role != Role.ADMIN and principal.department_id != owner_department_id:
        raise Forbidden("只有数源部门可以审批或撤销", "only the owning department may decide or revoke")


def decide_request(session: Session, principal: Principal, number: str, body: DecisionIn) -> ShareRequest:
    """The owner approves (a grant, optionally some fields unmasked) or refuses with a reason."""
    reject_controls(number, "number")
    request = repo.request_by_number(session, number, lock=True)
    if request is None:
        raise NotFound(f"共享申请 {number} 不存在", f"sharing request {number} not found", field="number")
    _owner_check(principal, request.owner_department_id)
    if request.status != RequestStatus.PENDING:
        raise Conflict("该申请已经答复", "the request has already been answered", field="approve")
    if not body.approve and not body.reason:
        raise ValidationFailed("拒绝须说明理由", "a refusal needs a reason", field="reason")
    outside = [n for n in body.plain_fields if n not in request.fields]
    if outside:
        raise ValidationFailed(
            "明文字段须在申请字段之内",
            "unmasked fields must be among the requested fields",
            field="plain_fields",
        )
    now = clock.now()
    if body.approve:
        _approve(
            session,
            request,
            plain_fields=list(dict.fromkeys(body.plain_fields)),
            actor=principal.actor,
            reason=body.reason,
            now=now,
        )
    else:
        request.status = RequestStatus.REFUSED.value
        request.decided_at, request.decided_by = now, principal.username
        _set_reason(request, body.reason)
    session.flush()
    audit.record(
        session,
        "sharing.request_approved" if body.approve else "sharing.request_refused",
        principal.actor,
        object_type="sharing_request",
        object_id=request.number,
        reason=request.reason,
        late=deadlines.answered_late(request.due_date, local_date(now)),
    )
    return request


def revoke_grant(session: Session, principal: Principal, grant_id: int, reason: str) -> Grant:
    grant = repo.grant_by_id(session, grant_id, lock=True) if 0 < grant_id < 2**31 else None
    if grant is None:
        raise NotFound(f"授权 {grant_id} 不存在", f"grant {grant_id} not found", field="grant")
    res = repo.resources_by_ids(session, [grant.resource_id])[grant.resource_id]
    _owner_check(principal, res.owner_department_id)
    if grant.revoked_at is not None:
        raise Conflict("该授权已撤销", "the grant is already revoked", field="grant")
    texts, grant.personal_text = freetext.mask({"revoke_reason": reason}, grant.personal_text)
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = (
        clock.now(),
        principal.username,
        texts["revoke_reason"],
    )
    session.flush()
    audit.record(
        session,
        "sharing.grant_revoked",
        principal.actor,
        object_type="sharing_grant",
        object_id=grant.id,
        reason=grant.revoke_reason,
    )
    return grant


def load_provider_rows(session: Session, principal: Principal, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Fill demo provider tables (the table adapter's data); audited with the counts only."""
    check_permission(
        principal, Permission.DATA_MANAGE, "无权维护数据资源目录", "not allowed to manage the data catalogue"
    )
    unknown = [t for t in rows if t not in repo.PROVIDER_TABLES]
    if unknown:
        raise ValidationFailed(
            f"未知的数据表：{unknown[0]}", f"unknown provider table {unknown[0]!r}", field="table"
        )
    for table, table_rows in rows.items():
        repo.insert_provider_rows(session, table, table_rows)
    audit.record(
        session,
        "sharing.provider_rows_loaded",
        principal.actor,
        object_type="sharing_provider",
        counts={t: len(r) for t, r in rows.items()},
    )
    return sum(len(r) for r in rows.values())
