"""Catalogue rules: categories, time limits per category × urgency, the working-day calendar.

One function per use case, called by the API, the administration pages and the CLI alike.
Services flush, never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, Subquery
from sqlalchemy.orm import Session

from zhizhi.catalogue import cache, tree
from zhizhi.catalogue import repository as repo
from zhizhi.catalogue.cache import CategoryInfo
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.catalogue.models import Category, TimeLimit
from zhizhi.core import audit, calendar_store
from zhizhi.core.errors import Conflict, NotFound, ValidationFailed
from zhizhi.core.workdays import MAX_DATE, MIN_DATE, DueDate

# Used when neither the category nor the urgency default has a row (a fresh database).
FALLBACK = {
    Urgency.NORMAL: (10, LimitUnit.WORKING_DAYS),
    Urgency.URGENT: (2, LimitUnit.WORKING_DAYS),
    Urgency.CRITICAL: (2, LimitUnit.HOURS),
}
CALENDAR_YEARS = (2000, 2100)  # years an administrator may import


@dataclass(frozen=True, slots=True)
class CalendarImport:
    year: int
    days: int
    days_off: int


@dataclass(frozen=True, slots=True)
class Limit:
    amount: int
    unit: LimitUnit
    warning_ratio: float | None = None


# ---- categories ---------------------------------------------------------------------------------


def category_by_code(session: Session, code: str, *, field: str = "category") -> Category:
    """An active category by code, else by unique name; 422 naming ``field`` (unknown or retired)."""
    info = category_for_work(session, code, field=field)
    cat = repo.category_by_id(session, info.id)
    if cat is None:  # pragma: no cover - the snapshot and the table agree
        raise ValidationFailed(f"分类「{code}」不存在", f"unknown category {code!r}", field=field)
    return cat


def category_ref(session: Session, code: str, *, field: str = "category") -> CategoryInfo:
    """An active category by code (or unique name) from the per-process snapshot (``cache``);
    422 naming ``field`` when unknown or retired (perhaps created by another process since the
    snapshot was taken: one fresh read first)."""
    return category_for_work(session, code, field=field)


def category_info(session: Session, category_id: int) -> CategoryInfo | None:
    """Any category (retired ones too) by id, for display."""
    info = cache.snapshot(session).by_id.get(category_id)
    if info is None:
        info = cache.snapshot(session, fresh=True).by_id.get(category_id)
    return info


def find_category(session: Session, code: str) -> Category | None:
    """The category with ``code``, active or retired, or ``None``."""
    return repo.category_by_code(session, code, active_only=False)


def category_named(session: Session, name: str) -> CategoryInfo | None:
    """The active category whose code or unique name is ``name`` (the base classifier predicts
    first-level names), or ``None``."""
    info = cache.snapshot(session).active_by_key.get(name)
    return info if info is not None else cache.snapshot(session, fresh=True).active_by_key.get(name)


def categories(session: Session) -> list[Category]:
    """Active categories by code."""
    return repo.active_categories(session)


def all_categories(session: Session) -> list[Category]:
    """Every category, active first, then by code (for the administration list)."""
    return repo.all_categories(session)


def get_category(session: Session, category_id: int) -> Category:
    cat = repo.category_by_id(session, category_id)
    if cat is None:
        raise NotFound("分类不存在", "category not found")
    return cat


def category_ids(code: str) -> Select[int]:
    """SQL for the ids of the category ``code`` and its descendants, for other domains' filters
    (subtree-aware: a first-level category finds the cases of its children)."""
    return repo.category_ids(code)


def category_id_list(session: Session, code: str) -> list[int]:
    """The ids of the category ``code`` and its descendants, read now: a search passes them as
    constants, which PostgreSQL's planner can match against an index (a sub-select of a
    recursive CTE it can only hash-join after reading every other match, docs/workbench.md)."""
    return repo.subtree_ids(session, code)


def categories_table() -> Subquery:
    """Category columns (``id``, ``code``, ``name``) to join in other domains' aggregates."""
    return repo.categories_table()


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
    if repo.code_exists(session, code):
        raise Conflict(f"分类编码 {code} 已存在", f"category code {code} already exists", field="code")
    parent = category_by_code(session, parent_code, field="parent") if parent_code else None
    if parent is not None and len(tree.ancestors(session, parent.id)) >= tree.MAX_DEPTH:
        raise ValidationFailed(
            f"分类层级最多 {tree.MAX_DEPTH} 级",
            f"the tree is at most {tree.MAX_DEPTH} levels deep",
            field="parent",
        )
    cat = Category(
        code=code, name=name, name_en=name_en, parent_id=parent.id if parent else None, active=True
    )
    repo.add_category(session, cat)
    tree.record_change(
        session, cat, "created", actor, name=name, name_en=name_en, parent=parent.code if parent else None
    )
    return cat


def retire_category(session: Session, code: str, *, actor: audit.Actor) -> Category:
    """Retire a category and its subtree (new cases can no longer use them; old cases keep
    them). Audited, kept in the tree's history."""
    return tree.retire_category(session, code, actor=actor)[0]


def rename_category(
    session: Session, code: str, *, name: str, name_en: str | None = None, actor: audit.Actor
) -> Category:
    return tree.rename_category(session, code, name=name, name_en=name_en, actor=actor)


def move_category(session: Session, code: str, *, parent_code: str | None, actor: audit.Actor) -> Category:
    return tree.move_category(session, code, parent_code=parent_code, actor=actor)


def category_path(session: Session, category_id: int, lang: str = "zh") -> str:
    """``城乡建设 › 城市建设和市政管理 › 环境卫生`` (retired categories too); in English the
    English names (each level falls back to its Chinese name)."""
    snap = cache.snapshot(session)
    if category_id not in snap.by_id:
        snap = cache.snapshot(session, fresh=True)
    return tree.path_of(snap, category_id, lang)


def ancestor_codes(session: Session, category_id: int) -> list[str]:
    """The category's code then its ancestors' codes, nearest first (rules inherit this way)."""
    return [c.code for c in tree.ancestors(session, category_id)]


def category_choices(session: Session, lang: str = "zh") -> list[tuple[str, str]]:
    """``(code, path)`` of every active category in tree order, for the forms (in ``lang``)."""
    return tree.choices(session, lang)


def category_for_work(session: Session, code: str, *, field: str = "category") -> CategoryInfo:
    """A category new work may use: known (422 otherwise) and active (422: retired)."""
    info = cache.snapshot(session).active_by_key.get(code) or cache.snapshot(
        session, fresh=True
    ).active_by_key.get(code)
    if info is not None:
        return info
    known = repo.category_by_code(session, code, active_only=False)
    if known is not None:
        raise ValidationFailed(
            f"分类「{known.name}」已停用，不能用于新的办理",
            f"category {code} is retired and cannot be chosen for new work",
            field=field,
        )
    raise ValidationFailed(f"分类「{code}」不存在", f"unknown category {code!r}", field=field)


# ---- time limits ----------------------------------------------------------------------------------


def time_limit_for(session: Session, category_id: int | None, urgency: Urgency) -> Limit:
    """The limit of the category's nearest ancestor (itself first) that has one for ``urgency``,
    else the urgency's default, else :data:`FALLBACK`."""
    snap = cache.snapshot(session)
    limits = snap.limits
    row = None
    if category_id is not None:
        if category_id not in snap.by_id:
            snap = cache.snapshot(session, fresh=True)
            limits = snap.limits
        for info in tree.chain(snap, category_id):
            row = limits.get((info.id, urgency.value))
            if row is not None:
                break
    if row is None:
        row = limits.get((None, urgency.value))
    if row is None:
        amount, unit = FALLBACK[urgency]
        return Limit(amount, unit)
    return Limit(row[0], LimitUnit(row[1]), row[2])


def effective_limit(session: Session, category_code: str | None, urgency: Urgency) -> Limit:
    """The limit a new case of ``category_code`` (or none) and ``urgency`` gets."""
    cat = category_by_code(session, category_code) if category_code else None
    return time_limit_for(session, cat.id if cat else None, urgency)


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
    row = repo.time_limit(session, cid, urgency.value)
    if row is None:
        row = TimeLimit(
            category_id=cid,
            urgency=urgency.value,
            amount=amount,
            unit=unit.value,
            warning_ratio=warning_ratio,
        )
        repo.add_time_limit(session, row)
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


def time_limits(session: Session) -> list[TimeLimit]:
    """Every configured limit, by category then urgency (the administration list)."""
    return repo.time_limits(session)


# ---- the working-day calendar ---------------------------------------------------------------------


def check_calendar_year(year: int) -> int:
    """``year`` if an administrator may import it, else 422 on ``year``."""
    low, high = CALENDAR_YEARS
    if not low <= year <= high:
        raise ValidationFailed(f"年份应在 {low}–{high} 之间", f"the year must be {low}–{high}", field="year")
    return year


def import_calendar_year(
    session: Session,
    year: int,
    *,
    source: str,
    holidays: list[date] | None = None,
    makeup_workdays: list[date] | None = None,
    actor: audit.Actor,
) -> CalendarImport:
    """Replace ``year`` in the calendar, from the ``chinese_calendar`` package or from the State
    Council notice (its holidays and make-up working days). Audited (``calendar.import``: the
    source, and how many holidays and make-up days the notice listed)."""
    check_calendar_year(year)
    holidays, makeup_workdays = list(holidays or []), list(makeup_workdays or [])
    if source == "chinese_calendar":
        days = calendar_store.days_from_chinese_calendar(year)
    elif source == "notice":
        days = calendar_store.days_from_notice(year, holidays, makeup_workdays)
    else:
        raise ValidationFailed("来源无效", f"unknown calendar source {source!r}", field="source")
    count = calendar_store.replace_year(session, year, days, source)
    result = CalendarImport(year, count, sum(1 for _day, workday, _name in days if not workday))
    audit.record(
        session,
        "calendar.import",
        actor,
        object_type="calendar",
        object_id=year,
        source=source,
        holidays=len(holidays),
        makeup=len(makeup_workdays),
    )
    return result


def published_years(session: Session) -> list[int]:
    return calendar_store.published_years(session)


def due_date(session: Session, start: date, working_days: int) -> DueDate:
    """The date ``working_days`` working days after ``start`` on the calendar (provisional when it
    crosses a year nobody published)."""
    if not MIN_DATE <= start <= MAX_DATE:
        raise ValidationFailed(
            f"起始日期应在 {MIN_DATE} 至 {MAX_DATE} 之间",
            f"start must be within {MIN_DATE}..{MAX_DATE}",
            field="start",
        )
    return calendar_store.load_calendar(session).add_working_days(start, working_days)
