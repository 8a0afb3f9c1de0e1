"""The only place that writes SQL for categories and time limits.

Other domains never import it: ``catalogue.service`` answers from its per-process snapshot
(``catalogue.cache``) or hands them a SQL expression built here (:func:`categories_table`,
:func:`category_ids`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Subquery, select
from sqlalchemy.orm import Session

from zhizhi.catalogue.models import Category, CategoryChange, TimeLimit

# ---- categories ---------------------------------------------------------------------------


def category_by_code(session: Session, code: str, *, active_only: bool) -> Category | None:
    stmt = select(Category).where(Category.code == code)
    if active_only:
        stmt = stmt.where(Category.active)
    return session.scalar(stmt)


def active_category_by_name(session: Session, name: str) -> Category | None:
    return session.scalar(select(Category).where(Category.name == name, Category.active))


def category_by_id(session: Session, category_id: int) -> Category | None:
    return session.get(Category, category_id)


def code_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Category.id).where(Category.code == code)) is not None


def add_category(session: Session, category: Category) -> None:
    session.add(category)
    session.flush()


def active_categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active).order_by(Category.code)))


def all_categories(session: Session) -> list[Category]:
    """Every category, active first, then by code."""
    return list(session.scalars(select(Category).order_by(Category.active.desc(), Category.code)))


def category_rows(session: Session) -> list[Any]:
    """``(id, code, name, name_en, active, parent_id)`` of every category (the snapshot's source)."""
    return list(
        session.execute(
            select(
                Category.id,
                Category.code,
                Category.name,
                Category.name_en,
                Category.active,
                Category.parent_id,
            )
        )
    )


def lock_categories(session: Session, ids: list[int]) -> list[Category]:
    """The categories ``ids``, locked for update (PostgreSQL) so two moves cannot race a cycle."""
    if not ids:
        return []
    return list(session.scalars(select(Category).where(Category.id.in_(ids)).with_for_update()))


def add_change(session: Session, change: CategoryChange) -> None:
    session.add(change)


def changes(session: Session, limit: int) -> list[CategoryChange]:
    """The newest changes of the tree first."""
    return list(
        session.scalars(
            select(CategoryChange).order_by(CategoryChange.at.desc(), CategoryChange.id.desc()).limit(limit)
        )
    )


def category_ids(code: str) -> Select[int]:
    """SQL for the ids of the category with ``code`` (active or retired) and of all its
    descendants (a recursive CTE: filtering by 市容环境 finds the cases filed under 垃圾清运)."""
    tree = select(Category.id).where(Category.code == code).cte("category_subtree", recursive=True)
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def subtree_ids(session: Session, code: str) -> list[int]:
    """The ids :func:`category_ids` selects, read now (a constant list for the caller's query)."""
    return sorted(session.scalars(category_ids(code)))


def categories_table() -> Subquery:
    """Category columns (``id``, ``code``, ``name``) for other domains' aggregate queries."""
    return select(Category.id, Category.code, Category.name).subquery("category_columns")


# ---- time limits ----------------------------------------------------------------------------


def time_limit(session: Session, category_id: int | None, urgency: str) -> TimeLimit | None:
    return session.scalar(
        select(TimeLimit).where(
            TimeLimit.category_id.is_(None) if category_id is None else TimeLimit.category_id == category_id,
            TimeLimit.urgency == urgency,
        )
    )


def add_time_limit(session: Session, row: TimeLimit) -> None:
    session.add(row)


def time_limits(session: Session) -> list[TimeLimit]:
    return list(session.scalars(select(TimeLimit).order_by(TimeLimit.category_id, TimeLimit.urgency)))


def limit_rows(session: Session) -> list[Any]:
    """``(category_id, urgency, amount, unit, warning_ratio)`` of every limit (the snapshot's source)."""
    return list(
        session.execute(
            select(
                TimeLimit.category_id,
                TimeLimit.urgency,
                TimeLimit.amount,
                TimeLimit.unit,
                TimeLimit.warning_ratio,
            )
        )
    )
