from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhizhi.catalogue import cache
from zhizhi.catalogue.cache import CategoryInfo
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.catalogue.models import Category, TimeLimit
from zhizhi.core import audit
from zhizhi.core.errors import Conflict, NotFound, ValidationFailed

# Used when neither the category nor the urgency default has a row (a fresh database).
FALLBACK = {
    Urgency.NORMAL: (10, LimitUnit.WORKING_DAYS),
    Urgency.URGENT: (2, LimitUnit.WORKING_DAYS),
    Urgency.CRITICAL: (2, LimitUnit.HOURS),
}


@dataclass(frozen=True, slots=True)
class Limit:
    amount: int
    unit: LimitUnit
    warning_ratio: float | None = None


def category_by_code(session: Session, code: str, *, field: str = "category") -> Category:
    cat = session.scalar(select(Category).where(Category.code == code, Category.active))
    if cat is None:
        cat = session.scalar(select(Category).where(Category.name == code, Category.active))
    if cat is None:
        raise ValidationFailed(f"分类「{code}」不存在", f"unknown category {code!r}", field=field)
    return cat


def category_ref(session: Session, code: str, *, field: str = "category") -> CategoryInfo:
    """An active category by code (or name) from the per-process snapshot (``cache``)."""
    info = cache.snapshot(session).active_by_key.get(code)
    if info is None:  # perhaps created by another process since the snapshot was taken
        info = cache.snapshot(session, fresh=True).active_by_key.get(code)
    if info is None:
        raise ValidationFailed(f"分类「{code}」不存在", f"unknown category {code!r}", field=field)
    return info


def category_info(session: Session, category_id: int) -> CategoryInfo | None:
    """Any category (retired ones too) by id, for display."""
    info = cache.snapshot(session).by_id.get(category_id)
    if info is None:
        info = cache.snapshot(session, fresh=True).by_id.get(category_id)
    return info


def time_limit_for(session: Session, category_id: int | None, urgency: Urgency) -> Limit:
    limits = cache.snapshot(session).limits
    row = limits.get((category_id, urgency.value)) if category_id is not None else None
    if row is None:
        row = limits.get((None, urgency.value))
    if row is None:
        amount, unit = FALLBACK[urgency]
        return Limit(amount, unit)
    return Limit(row[0], LimitUnit(row[1]), row[2])


def set_time_limit(
    session: Session,
    *,
    category_code: str | None,
    urgency: Urgency,
    amount: int,
    unit: LimitUnit,
    warning_ratio: float | None,
    actor: audit.Actor,
) -> TimeLimit:
    if amount <= 0:
        raise ValidationFailed("时限必须为正数", "the limit must be positive", field="amount")
    category = category_by_code(session, category_code) if category_code else None
    cid = category.id if category else None
    row = session.scalar(
        select(TimeLimit).where(
            TimeLimit.category_id.is_(cid) if cid is None else TimeLimit.category_id == cid,
            TimeLimit.urgency == urgency.value,
        )
    )
    if row is None:
        row = TimeLimit(
            category_id=cid,
            urgency=urgency.value,
            amount=amount,
            unit=unit.value,
            warning_ratio=warning_ratio,
        )
        session.add(row)
    else:
        row.amount, row.unit, row.warning_ratio = amount, unit.value, warning_ratio
    session.flush()
    audit.record(
        session,
        "catalogue.time_limit_set",
        actor,
        object_type="time_limit",
        object_id=f"{category_code or '*'}:{urgency.value}",
        amount=amount,
        unit=unit.value,
        warning_ratio=warning_ratio,
    )
    return row


def categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active).order_by(Category.code)))


def get_category(session: Session, category_id: int) -> Category:
    cat = session.get(Category, category_id)
    if cat is None:
        raise NotFound("分类不存在", "category not found")
    return cat


CODE_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def create_category(
    session: Session,
    *,
    code: str,
    name: str,
    name_en: str | None = None,
    parent_code: str | None = None,
    actor: audit.Actor,
) -> Category:
    """Add a category; the code is unique among all categories, active or retired. Audited."""
    code, name, name_en = code.strip(), name.strip(), (name_en or "").strip() or None
    if not CODE_PATTERN.match(code):
        raise ValidationFailed(
            "编码为 1–40 位字母、数字、点、下划线或连字符",
            "the code is 1–40 letters, digits, dots, underscores or hyphens",
            field="code",
        )
    if not name or len(name) > 80:
        raise ValidationFailed(
            "名称必填，最多 80 字", "the name is required, at most 80 characters", field="name"
        )
    if name_en and len(name_en) > 120:
        raise ValidationFailed(
            "英文名称最多 120 字符", "the English name is at most 120 characters", field="name_en"
        )
    if session.scalar(select(Category.id).where(Category.code == code)) is not None:
        raise Conflict(f"分类编码 {code} 已存在", f"category code {code} already exists", field="code")
    parent = category_by_code(session, parent_code, field="parent") if parent_code else None
    cat = Category(
        code=code, name=name, name_en=name_en, parent_id=parent.id if parent else None, active=True
    )
    session.add(cat)
    session.flush()
    audit.record(
        session,
        "catalogue.category_created",
        actor,
        object_type="category",
        object_id=code,
        name=name,
        name_en=name_en,
        parent=parent_code or None,
    )
    return cat


def retire_category(session: Session, code: str, *, actor: audit.Actor) -> Category:
    """Mark an active category inactive (new cases can no longer use it; old cases keep it). Audited."""
    cat = session.scalar(select(Category).where(Category.code == code, Category.active))
    if cat is None:
        raise NotFound(
            f"分类 {code} 不存在或已停用", f"category {code} not found or already retired", field="code"
        )
    cat.active = False
    session.flush()
    audit.record(session, "catalogue.category_retired", actor, object_type="category", object_id=code)
    return cat


def all_categories(session: Session) -> list[Category]:
    """Every category, active first, then by code (for the administration list)."""
    return list(session.scalars(select(Category).order_by(Category.active.desc(), Category.code)))
