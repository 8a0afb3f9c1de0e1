"""Use cases of the workbench's search: a filtered page of cases, the marks shown in lists, and a
user's saved queues. The API, the page and the export share :func:`clauses` (docs/workbench.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from zhizhi.cases.filters import CaseFilter, parse_filter
from zhizhi.cases.models import Case, SavedQueue
from zhizhi.cases.repository import search as repo
from zhizhi.catalogue import service as catalogue
from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.masking import mask_phone
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org

MAX_SAVED_QUEUES = 20

# marks in lists (督 延 重 并): key → (short mark, 中文, English)
MARKS: dict[str, tuple[str, str, str]] = {
    "supervised": ("督", "督办中", "Supervised"),
    "extended": ("延", "已延期", "Extended"),
    "reopened": ("重", "重办", "Reopened"),
    "merged": ("并", "已合并", "Merged"),
}


def marks(case: Any) -> list[str]:
    """The marks of a case (or an export row with the same attributes)."""
    out = []
    if case.supervision_count:
        out.append("supervised")
    if case.extension_amount:
        out.append("extended")
    if case.reopen_count:
        out.append("reopened")
    if case.parent_case_id is not None:
        out.append("merged")
    return out


def clauses(session: Session, principal: Principal, f: CaseFilter) -> list[ColumnElement[bool]]:
    """``f`` as WHERE clauses, after the checks that need the database or the caller: a phone
    search needs ``personal:read`` (and is audited, the number masked); a category must exist; an
    unknown department leads nothing (an empty result, as before)."""
    if not principal.can(Permission.CASE_READ):
        raise Forbidden("无权查看工单", "you may not read cases")
    if f.phone:
        if not principal.can(Permission.PERSONAL_READ):
            raise Forbidden("无权按电话号码查询", "you may not search by phone number", field="phone")
        audit.record(
            session, "case.phone_search", principal.actor, object_type="case", phone=mask_phone(f.phone)
        )
    if f.category and catalogue.find_category(session, f.category) is None:
        raise ValidationFailed(
            f"分类 {f.category} 不存在", f"unknown category {f.category}", field="category"
        )
    path: str | None = None
    if f.department:
        dept = org.find_department(session, f.department, active_only=False)
        path = dept.path if dept is not None else "/nowhere/"
    ids = catalogue.category_id_list(session, f.category) if f.category else None
    return repo.filter_clauses(
        f, clock.now(), department_path=path, bigrams=repo.uses_bigrams(session), category_ids=ids
    )


TEXT_COUNT_CAP = 1_000  # a text search counts its matches up to this (docs/workbench.md)
COUNT_CAP = 2_000  # any other search or queue list counts up to this (100 pages of 20)
NUMBER_COUNT_CAP = 20_000  # a number prefix (a day's cases: a few thousand) is counted exactly


def search(
    session: Session,
    principal: Principal,
    f: CaseFilter,
    *,
    page: int,
    page_size: int,
    extra: list[ColumnElement[bool]] | None = None,
) -> tuple[list[Case], int, bool]:
    """A page of the cases ``principal`` sees that match ``f`` (and ``extra``, e.g. a queue's
    clauses), newest first; their number; whether that number is a lower bound (a text search
    counts up to :data:`TEXT_COUNT_CAP`, any other up to :data:`COUNT_CAP`: an exact count of a
    broad filter over a million cases reads every matching row)."""
    where = clauses(session, principal, f) + list(extra or [])
    texty = bool(f.q or f.address)
    cap = TEXT_COUNT_CAP if texty else NUMBER_COUNT_CAP if f.number else COUNT_CAP
    return repo.search_page(session, principal, where, page=page, page_size=page_size, count_cap=cap)


# ---- saved queues -----------------------------------------------------------------------------


def require_staff(principal: Principal) -> None:
    """Saved queues belong to signed-in staff who may read cases (403 otherwise)."""
    if not principal.user_id or not principal.can(Permission.CASE_READ) or principal.role == Role.PUBLIC:
        raise Forbidden("无权使用自定义队列", "you may not use saved queues")


def saved_queues(session: Session, principal: Principal) -> list[SavedQueue]:
    return repo.saved_queues(session, principal.user_id) if principal.user_id else []


def saved_queue(session: Session, principal: Principal, queue_id: int) -> SavedQueue:
    row = repo.saved_queue(session, principal.user_id, queue_id) if principal.user_id else None
    if row is None:
        raise NotFound("没有这个自定义队列", "no such saved queue", field="saved")
    return row


def save_queue(session: Session, principal: Principal, name: str, raw: dict[str, Any]) -> SavedQueue:
    """Save the filter ``raw`` under ``name`` for ``principal`` (audited). Same rules as a
    search; an empty filter, a blank or taken name, or more than 20 queues → 4xx."""
    name = name.strip()
    if not name or len(name) > 40:
        raise ValidationFailed("队列名称为 1–40 个字符", "the queue name is 1 to 40 characters", field="name")
    f = parse_filter(raw)
    if f.is_empty():
        raise ValidationFailed(
            "请先设置至少一个筛选条件", "set at least one filter before saving", field="name"
        )
    clauses(session, principal, f)  # the same checks as running it
    if not principal.user_id:
        raise Forbidden("无权保存队列", "you may not save queues")
    if repo.saved_queue_named(session, principal.user_id, name) is not None:
        raise Conflict(f"已有名为「{name}」的队列", f"a queue named {name!r} exists", field="name")
    if repo.count_saved_queues(session, principal.user_id) >= MAX_SAVED_QUEUES:
        raise ValidationFailed(
            f"自定义队列最多 {MAX_SAVED_QUEUES} 个", f"at most {MAX_SAVED_QUEUES} saved queues", field="name"
        )
    row = SavedQueue(user_id=principal.user_id, name=name, query=f.as_query(), created_at=clock.now())
    repo.add_saved_queue(session, row)
    audit.record(
        session, "case.queue_saved", principal.actor, object_type="saved_queue", object_id=row.id, name=name
    )
    return row


def delete_queue(session: Session, principal: Principal, queue_id: int) -> None:
    row = saved_queue(session, principal, queue_id)
    repo.delete_saved_queue(session, principal.user_id, queue_id)
    audit.record(
        session,
        "case.queue_deleted",
        principal.actor,
        object_type="saved_queue",
        object_id=queue_id,
        name=row.name,
    )
