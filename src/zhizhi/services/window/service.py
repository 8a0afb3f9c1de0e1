"""The window's use cases: set up windows and seats, receive an application at a window (the
receipt, or the one-time notice and nothing else), reprint, and the statistics. One function per
use case; flushes, never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.workdays import local_date
from zhizhi.org import service as org
from zhizhi.services.window import backoffice, rules
from zhizhi.services.window import repository as repo
from zhizhi.services.window import schemas as s
from zhizhi.services.window.enums import Outcome, WindowKind
from zhizhi.services.window.models import ServiceWindow, WindowClerk, WindowReception

NOTICE_PREFIX = "GZ"  # 一次性告知书 numbers: GZ + date + reception id


def _require(principal: Principal, permission: Permission, zh: str, en: str) -> None:
    if not principal.can(permission):
        raise Forbidden(zh, en, permission=permission.value)


# -- windows and seats ----------------------------------------------------------------------------


def create_window(session: Session, principal: Principal, data: s.WindowIn) -> ServiceWindow:
    _require(principal, Permission.WINDOW_MANAGE, "当前角色不能设置窗口", "your role cannot set up windows")
    hall = org.find_department(session, data.hall)
    if hall is None:
        raise ValidationFailed(
            f"服务大厅（部门）{data.hall} 不存在", f"no department {data.hall}", field="hall"
        )
    if repo.window_by_code(session, data.code) is not None:
        raise Conflict(f"窗口编号 {data.code} 已存在", f"window {data.code} already exists", field="code")
    row = ServiceWindow(
        code=data.code,
        name=data.name,
        kind=data.kind.value,
        hall_department_id=hall.id,
        location=data.location or None,
        active=True,
        created_at=clock.now(),
    )
    repo.add(session, row)
    audit.record(
        session,
        "window.create",
        principal.actor,
        object_type="service_window",
        object_id=row.code,
        hall=hall.code,
    )
    return row


def get_window(session: Session, code: str) -> ServiceWindow:
    row = repo.window_by_code(session, code)
    if row is None:
        raise NotFound(f"窗口 {code} 不存在", f"window {code} not found", field="window")
    return row


def assign_clerk(session: Session, principal: Principal, code: str, username: str) -> WindowClerk:
    """Seat a window clerk of the hall at the window (moving them from another seat)."""
    _require(
        principal, Permission.WINDOW_MANAGE, "当前角色不能安排窗口人员", "your role cannot assign clerks"
    )
    window = get_window(session, code)
    clerk = org.principal_for_username(session, username)
    if clerk.role is not Role.WINDOW_CLERK:
        raise ValidationFailed(
            f"用户 {username} 不是窗口受理员", f"user {username} is not a window clerk", field="username"
        )
    if clerk.department_id is None or not org.any_in_subtree(
        session, [clerk.department_id], _hall_path(session, window)
    ):
        raise ValidationFailed(
            f"用户 {username} 不属于该窗口所在的服务大厅",
            f"user {username} does not belong to this window's service hall",
            field="username",
        )
    seat = repo.seat_of(session, clerk.user_id)
    if seat is not None:
        repo.remove(session, seat)
    seat = WindowClerk(window_id=window.id, user_id=clerk.user_id, assigned_at=clock.now())
    repo.add(session, seat)
    audit.record(
        session,
        "window.assign",
        principal.actor,
        object_type="service_window",
        object_id=window.code,
        clerk=username,
    )
    return seat


def _hall_path(session: Session, window: ServiceWindow) -> str:
    hall = org.department(session, window.hall_department_id)
    assert hall is not None
    return hall.path


def seat_window(session: Session, principal: Principal) -> ServiceWindow:
    """The window the clerk sits at; 409 when unseated or the window is closed."""
    seat = repo.seat_of(session, principal.user_id) if principal.user_id else None
    window = repo.window_by_id(session, seat.window_id) if seat else None
    if window is None or not window.active:
        raise Conflict(
            "您尚未被安排到开放的窗口，请联系大厅管理员",
            "you are not seated at an open window; ask the hall's administrator",
            field="window",
        )
    return window


def visible_windows(session: Session, principal: Principal) -> list[ServiceWindow]:
    """*Rule:* statistics and receipts are seen hall by hall: a clerk sees the windows of the hall
    of their seat, city-wide readers (``case:read_all``) every hall."""
    _require(
        principal,
        Permission.WINDOW_STATS,
        "当前角色不能查看窗口统计",
        "your role cannot read window statistics",
    )
    if principal.can(Permission.CASE_READ_ALL):
        return repo.windows(session, None)
    seat = repo.seat_of(session, principal.user_id) if principal.user_id else None
    window = repo.window_by_id(session, seat.window_id) if seat else None
    if window is None:
        return []
    return repo.windows(session, [window.hall_department_id])


def to_out(session: Session, w: ServiceWindow) -> s.WindowOut:
    hall = org.department(session, w.hall_department_id)
    clerks = repo.seats(session, [w.id])
    names = [org.user_display(session, c.user_id) for c in clerks]
    return s.WindowOut(
        code=w.code,
        name=w.name,
        kind=WindowKind(w.kind),
        hall=hall.code if hall else "",
        hall_name=hall.name if hall else "",
        location=w.location,
        active=w.active,
        clerks=names,
    )


# -- receiving -------------------------------------------------------------------------------------


def checklist(session: Session, principal: Principal, code: str) -> backoffice.WindowItem:
    _require(
        principal, Permission.WINDOW_RECEIVE, "当前角色不能窗口收件", "your role cannot receive at a window"
    )
    return backoffice.item_for_window(session, code)


def receive(
    session: Session, principal: Principal, data: s.ReceiveIn
) -> tuple[WindowReception, s.ReceiptOut]:
    """Receive at the clerk's window. Materials complete: the application is submitted with
    channel ``window`` and goes to the implementing department; the receipt carries its number.
    Materials missing: the one-time notice lists every missing one and nothing but the
    reception's record is written (no application, no case)."""
    _require(
        principal, Permission.WINDOW_RECEIVE, "当前角色不能窗口收件", "your role cannot receive at a window"
    )
    window = seat_window(session, principal)
    item = backoffice.item_for_window(session, data.item)
    applicant = backoffice.check_applicant(data, item)
    fetched = backoffice.read_data(session, principal, item, applicant) if data.consent else None
    by_data = sorted(fetched.materials) if fetched is not None else []
    check = rules.check_materials(item.materials, [*data.materials, *by_data])
    now = clock.now()
    started, seconds = rules.reception_seconds(data.started_at, now)
    row = WindowReception(
        number="",
        window_id=window.id,
        clerk_id=principal.user_id,
        item_code=item.code,
        item_name=item.name,
        item_version_id=item.version_id,
        department_id=item.department_id,
        applicant_type=data.applicant_type.value,
        missing=[m.name for m in check.missing],
        started_at=started,
        received_at=now,
        seconds=seconds,
    )
    if check.complete:
        case_id, number = backoffice.submit(session, principal, item, applicant, data, check, fetched)
        row.outcome, row.case_id, row.number = Outcome.FORWARDED.value, case_id, number
        repo.add(session, row)
    else:
        # the notice's number comes from the row's id: a unique placeholder until it is known
        row.outcome, row.number = Outcome.NOTICE.value, f"~{uuid.uuid4().hex[:20]}"
        repo.add(session, row)
        row.number = f"{NOTICE_PREFIX}{local_date(now):%Y%m%d}{row.id:06d}"
        session.flush()
    audit.record(
        session,
        f"window.{row.outcome}",
        principal.actor,
        object_type="window_reception",
        object_id=row.number,
        window=window.code,
        item=item.code,
        missing=len(check.missing),
        consent=data.consent,
        by_data=by_data,
    )
    return row, receipt_of(session, row, check_received=[m.name for m in check.received], item=item)


def receipt_of(
    session: Session,
    row: WindowReception,
    *,
    check_received: list[str] | None = None,
    item: backoffice.WindowItem | None = None,
) -> s.ReceiptOut:
    window = repo.window_by_id(session, row.window_id)
    assert window is not None
    hall = org.department(session, window.hall_department_id)
    dept = org.department(session, row.department_id) if row.department_id else None
    received = check_received
    if received is None:
        received = backoffice.materials_received(session, row.case_id) if row.case_id else []
    limit = (
        item.promised_limit if item is not None else backoffice.promised_limit(session, row.item_version_id)
    )
    return s.ReceiptOut(
        number=row.number,
        outcome=row.outcome,
        window=window.code,
        window_name=window.name,
        hall_name=hall.name if hall else "",
        clerk=org.user_display(session, row.clerk_id),
        item_code=row.item_code,
        item_name=row.item_name,
        department=dept.name if dept else None,
        received_at=row.received_at,
        materials_received=received,
        missing=list(row.missing),
        promised_limit=limit,
        rate_url=f"/services/rate?number={row.number}" if row.outcome == Outcome.FORWARDED else None,
    )


def reception(session: Session, principal: Principal, number: str) -> WindowReception:
    """A receipt or notice to reprint: within the reader's halls (404 outside, nothing revealed)."""
    row = repo.reception_by_number(session, number.strip()[:24])
    if row is None or row.window_id not in {w.id for w in visible_windows(session, principal)}:
        raise NotFound(f"回执 {number[:24]} 不存在", f"receipt {number[:24]} not found", field="number")
    return row


def recent(session: Session, principal: Principal, limit: int = 20) -> list[WindowReception]:
    window = seat_window(session, principal)
    return [r for r in repo.recent(session, [window.id], limit) if r.clerk_id == principal.user_id]


# -- statistics -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatRow:
    key: str
    name: str
    received: int
    forwarded: int
    notices: int
    average_seconds: float | None


def statistics(
    session: Session, principal: Principal, *, days: int = 30, window: str | None = None
) -> dict[str, Any]:
    """Received, forwarded, one-time notices and the average reception time, per window, per
    clerk and per item, over the last ``days`` days; ``window`` narrows to one (403 outside the
    reader's halls)."""
    seen = visible_windows(session, principal)
    if window:
        seen_codes = {w.code: w for w in seen}
        if window not in seen_codes:
            if repo.window_by_code(session, window) is None:
                raise NotFound(
                    f"窗口 {window[:20]} 不存在", f"window {window[:20]} not found", field="window"
                )
            raise Forbidden(
                "不能查看其他服务大厅的窗口统计", "the statistics of another hall's window are not yours"
            )
        seen = [seen_codes[window]]
    days = max(1, min(days, 366))
    until = clock.now()
    since = until - timedelta(days=days)
    ids = [w.id for w in seen]
    by_id = {w.id: w for w in seen}

    def rows(by: str, key_of: Any, name_of: Any) -> list[StatRow]:
        out = [
            StatRow(key_of(k), name_of(k), n, f, n - f, round(a, 1) if a is not None else None)
            for k, n, f, a in repo.totals(session, ids, since, until, by)
        ]
        return sorted(out, key=lambda r: (-r.received, r.key))

    item_rows = repo.totals(session, ids, since, until, "item")
    items = repo.item_names(session, [str(k) for k, *_ in item_rows])
    windows = rows("window", lambda k: by_id[k].code, lambda k: by_id[k].name)
    clerks = rows(
        "clerk", lambda k: org.username_of(session, int(k)), lambda k: org.user_display(session, int(k))
    )
    return {
        "days": days,
        "since": since,
        "until": until,
        "windows": windows,
        "clerks": clerks,
        "items": rows("item", str, lambda k: items.get(k, k)),
        "total": {
            "received": sum(r.received for r in windows),
            "forwarded": sum(r.forwarded for r in windows),
            "notices": sum(r.notices for r in windows),
        },
        "scope": [to_out(session, w) for w in seen],
    }


def window_names(session: Session, case_ids: list[int]) -> dict[int, str]:
    """case id → the name of the window that received it (for ratings and supervision)."""
    of_case = repo.window_of_cases(session, case_ids)
    names = {w.id: w.name for w in repo.windows(session, None)}
    return {c: names[w] for c, w in of_case.items() if w in names}


def window_choices(session: Session) -> list[tuple[int, str, str]]:
    return [(w.id, w.code, w.name) for w in repo.windows(session, None)]


def received_at_window(session: Session, case_ids: list[int]) -> dict[int, int]:
    """case id → window id, for the cases received at a window."""
    return repo.window_of_cases(session, case_ids)
