"""Who acted, as staff views name them (docs/security.md, "Naming actors").

The public timeline names an actor by role and unit only (``tracking.public_steps``). A staff
view may also name the person, by the display name the organisation gave them, but never by the
login name: a login name is half of a credential, and the timeline is read, printed and exported
by many more people than those who administer accounts. Events keep ``actor_name`` (the login
name, sealed by the audit chain) for the audit trail; views read the label built here instead.
"""

from __future__ import annotations

from typing import Any

from zhizhi.cases import schemas as s
from zhizhi.core.permissions import ROLE_LABELS, Role
from zhizhi.org.schemas import DepartmentRef

PUBLIC = ("群众", "the public")
SYSTEM = ("系统", "the system")


def _role(value: str | None) -> Role | None:
    try:
        return Role(value) if value else None
    except ValueError:
        return None


def label(
    actor_id: int | None,
    role_value: str | None,
    staff: dict[int, tuple[str, DepartmentRef | None]],
) -> tuple[str, str, s.Labelled, s.Labelled | None]:
    """``(actor, kind, label, unit)`` of one event's actor: ``actor`` is the display name of a
    staff member, ``public`` or ``system``; ``label`` joins name, role and unit in each
    language ("李敏（受理员，市12345热线中心）"); the login name is never part of it."""
    role = _role(role_value)
    if role is Role.PUBLIC:
        return "public", "public", s.Labelled(code="public", zh=PUBLIC[0], en=PUBLIC[1]), None
    person = staff.get(actor_id or 0)
    if person is None:  # the platform itself (timers, automatic reopening) or an unknown row
        return "system", "system", s.Labelled(code="system", zh=SYSTEM[0], en=SYSTEM[1]), None
    name, dept = person
    role_zh, role_en = ROLE_LABELS.get(role, ("", "")) if role is not None else ("", "")
    unit = s.Labelled(code=dept.code, zh=dept.name, en=dept.name) if dept is not None else None
    zh_parts = [p for p in (role_zh, unit.zh if unit else "") if p]
    en_parts = [p for p in (role_en.lower(), unit.en if unit else "") if p]
    zh = f"{name}（{'，'.join(zh_parts)}）" if zh_parts else name
    en = f"{name} ({', '.join(en_parts)})" if en_parts else name
    return name, "staff", s.Labelled(code="staff", zh=zh, en=en), unit


def event_out(
    e: Any, zh: str, en: str, staff: dict[int, tuple[str, DepartmentRef | None]], reason: Any, payload: Any
) -> s.EventOut:
    """A timeline row for a staff view: the event with its action's words and its actor named here."""
    actor, kind, who, unit = label(e.actor_id, e.actor_role, staff)
    return s.EventOut(
        seq=e.seq,
        action=e.action,
        action_label=s.Labelled(code=e.action, zh=zh, en=en),
        at=e.at,
        actor=actor,
        actor_kind=kind,
        actor_label=who,
        actor_unit=unit,
        actor_role=e.actor_role,
        from_status=e.from_status,
        to_status=e.to_status,
        reason=reason,
        payload=payload,
    )
