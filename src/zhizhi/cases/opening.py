"""Opening a case of a kind with its own lifecycle (``cases.lifecycles``): the capability that
owns the kind (``services`` for applications) has checked its own rules and gives the first
status, the unit, the clock's limit and the contact; the engine writes the row, its first
timeline event and the sealed audit entry exactly as for an appeal (``service.create_case``).
Flushes, never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import integrity, lifecycles
from zhizhi.cases.enums import CaseKind, Channel
from zhizhi.cases.models import Case
from zhizhi.cases.repository import intake
from zhizhi.cases.sla import compute_deadline
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.core import audit, clock, events, fieldcrypt
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import ValidationFailed
from zhizhi.core.masking import redact_text
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.core.workdays import local_date


def open_case(
    session: Session,
    actor: Principal,
    *,
    kind: CaseKind,
    status: str,
    channel: Channel,
    subject: str,
    content: str,
    lead_department_id: int | None,
    limit_amount: int,
    limit_unit: LimitUnit,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    reporter_id: int | None = None,
    created_by_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Case:
    """A new case of ``kind`` in ``status`` (a status of the kind's lifecycle), its clock started
    now on ``limit_amount`` ``limit_unit``; timeline entry 1 is ``create``."""
    life = lifecycles.for_kind(kind.value)
    if life.kind != kind.value or status not in life.labels:
        raise ValidationFailed(
            f"工单类型 {kind.value} 没有状态 {status}",
            f"case kind {kind.value} has no status {status}",
            field="status",
        )
    now = clock.now()
    ratio = get_settings().sla_warning_ratio
    deadline = compute_deadline(
        load_calendar(session),
        started_at=now,
        amount=limit_amount,
        unit=limit_unit,
        extension=0,
        paused_days=0,
        paused_seconds=0,
        warning_ratio=ratio,
    )
    values: dict[str, Any] = dict(
        kind=kind.value,
        appeal_type=None,
        channel=channel.value,
        subject=redact_text(subject)[:200],
        content=redact_text(content),
        personal_text=None,
        urgency=Urgency.NORMAL.value,
        status=status,
        category_id=None,
        address=None,
        latitude=None,
        longitude=None,
        address_code=None,
        division_code=None,
        grid_code=None,
        territorial_department_id=None,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_phone_index=fieldcrypt.phone_index(contact_phone),
        contact_phone_tail=fieldcrypt.phone_tail_index(contact_phone),
        confidential=False,
        reporter_id=reporter_id,
        created_by_id=created_by_id,
        created_at=now,
        accepted_at=None,
        lead_department_id=lead_department_id,
        limit_amount=limit_amount,
        limit_unit=limit_unit.value,
        warning_ratio=ratio,
        due_at=deadline.due_at,
        warn_at=deadline.warn_at,
        due_provisional=deadline.provisional,
    )
    first_event = {
        "actor_id": actor.user_id or None,
        "actor_name": actor.username,
        "actor_role": actor.role.value,
        "to_status": status,
        "payload": {"channel": channel.value, "kind": kind.value} | (payload or {}),
    }
    created_event = {"seq": 1, "action": "create", "at": now, "from_status": None, "reason": None}
    entry = audit.entry(
        "case.create",
        actor.actor,
        object_type="case",
        kind=kind.value,
        channel=channel.value,
        category=None,
        integrity=integrity.seal(values, created_event | first_event),
    )
    case = intake.insert_case(session, values, first_event, entry, local_date(now))
    events.publish("case.created", session, case=case, principal=actor)
    return case
