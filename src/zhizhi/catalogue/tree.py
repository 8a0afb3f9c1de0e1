"""The category tree: paths and ancestors, rename, move (no cycles), retire (with the subtree),
and the history of changes.

Rules (docs/categories.md): a category is never deleted; its code never changes; a retired
category cannot be chosen for new work but the cases that use it keep it; a move keeps the
category's id, so its cases, time limits and dispatch rules follow it; a category cannot be
moved under itself or one of its descendants (409); every change is audited and kept in
``category_changes``.  Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.catalogue import cache
from zhizhi.catalogue import repository as repo
from zhizhi.catalogue.cache import CategoryInfo, Snapshot
from zhizhi.catalogue.models import Category, CategoryChange
from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, NotFound, ValidationFailed

SEPARATOR = " › "
MAX_DEPTH = 8  # deep enough for any city; stops a runaway import


@dataclass(frozen=True, slots=True)
class TreeNode:
    info: CategoryInfo
    depth: int
    path: str
    children: int


def chain(snap: Snapshot, category_id: int | None) -> list[CategoryInfo]:
    """The category and its ancestors, nearest first (a broken cycle stops the walk)."""
    out: list[CategoryInfo] = []
    seen: set[int] = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        info = snap.by_id.get(category_id)
        if info is None:
            break
        out.append(info)
        category_id = info.parent_id
    return out


def path_of(snap: Snapshot, category_id: int, lang: str = "zh") -> str:
    """The names from the root down; in English each level's English name, or its Chinese
    name when it has none (docs/i18n.md)."""
    return SEPARATOR.join(name_in(c, lang) for c in reversed(chain(snap, category_id)))


def name_in(c: CategoryInfo, lang: str) -> str:
    return c.name_en if lang == "en" and c.name_en else c.name


def ancestors(session: Session, category_id: int) -> list[CategoryInfo]:
    """``category_id`` then its ancestors up to the root (nearest first)."""
    snap = cache.snapshot(session)
    if category_id not in snap.by_id:
        snap = cache.snapshot(session, fresh=True)
    return chain(snap, category_id)


def descendants(snap: Snapshot, category_id: int) -> list[CategoryInfo]:
    kids: dict[int | None, list[CategoryInfo]] = {}
    for c in snap.by_id.values():
        kids.setdefault(c.parent_id, []).append(c)
    out: list[CategoryInfo] = []
    todo = [category_id]
    while todo:
        for child in kids.get(todo.pop(), []):
            if child.id not in {o.id for o in out}:
                out.append(child)
                todo.append(child.id)
    return out


def tree(session: Session, *, include_retired: bool = True, fresh: bool = False) -> list[TreeNode]:
    """Every category in tree order (depth first, children by code) with its depth and path
    (``fresh``: read now, not from the per-process snapshot — the administration pages)."""
    snap = cache.snapshot(session, fresh=fresh)
    kids: dict[int | None, list[CategoryInfo]] = {}
    for c in snap.by_id.values():
        if include_retired or c.active:
            parent = c.parent_id if c.parent_id in snap.by_id else None
            kids.setdefault(parent, []).append(c)
    out: list[TreeNode] = []

    def walk(parent: int | None, depth: int, prefix: str) -> None:
        for c in sorted(kids.get(parent, []), key=lambda c: c.code):
            path = f"{prefix}{SEPARATOR}{c.name}" if prefix else c.name
            out.append(TreeNode(c, depth, path, len(kids.get(c.id, []))))
            if depth < 64:
                walk(c.id, depth + 1, path)

    walk(None, 0, "")
    return out


def choices(session: Session, lang: str = "zh") -> list[tuple[str, str]]:
    """``(code, path)`` of every active category in tree order (the forms' category list), the
    path in ``lang``."""
    nodes = tree(session, include_retired=False)
    if lang != "en":
        return [(n.info.code, n.path) for n in nodes]
    snap = cache.snapshot(session)
    return [(n.info.code, path_of(snap, n.info.id, lang)) for n in nodes]


def record_change(
    session: Session, category: Category, action: str, actor: audit.Actor, **details: Any
) -> None:
    repo.add_change(
        session,
        CategoryChange(
            category_id=category.id, action=action, at=clock.now(), actor=actor.name[:120], details=details
        ),
    )
    audit.record(
        session,
        f"catalogue.category_{action}",
        actor,
        object_type="category",
        object_id=category.code,
        **details,
    )


def history(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """The newest changes first, with the category's code and current path."""
    snap = cache.snapshot(session, fresh=True)
    return [
        {
            "at": ch.at,
            "action": ch.action,
            "actor": ch.actor,
            "code": snap.by_id[ch.category_id].code if ch.category_id in snap.by_id else "?",
            "path": path_of(snap, ch.category_id),
            "details": ch.details,
        }
        for ch in repo.changes(session, limit)
    ]


def _active(session: Session, code: str, field: str = "code") -> Category:
    cat = repo.category_by_code(session, code, active_only=False)
    if cat is None:
        raise NotFound(f"分类 {code} 不存在", f"category {code} not found", field=field)
    if not cat.active:
        raise ValidationFailed(
            f"分类 {code} 已停用，不能修改", f"category {code} is retired and cannot be changed", field=field
        )
    return cat


def check_name(name: str, field: str = "name") -> str:
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed(
            "名称必填，最多 80 字", "the name is required, at most 80 characters", field=field
        )
    return name


def rename_category(
    session: Session, code: str, *, name: str, name_en: str | None = None, actor: audit.Actor
) -> Category:
    """Give a category a new name (and English name); its code, cases and rules stay. Audited."""
    cat = _active(session, code)
    name, name_en = check_name(name), (name_en or "").strip() or None
    if name_en and len(name_en) > 120:
        raise ValidationFailed(
            "英文名称最多 120 字符", "the English name is at most 120 characters", field="name_en"
        )
    if (name, name_en) == (cat.name, cat.name_en):
        return cat
    before = {"name": cat.name, "name_en": cat.name_en}
    cat.name, cat.name_en = name, name_en
    session.flush()
    record_change(session, cat, "renamed", actor, before=before, after={"name": name, "name_en": name_en})
    return cat


def move_category(session: Session, code: str, *, parent_code: str | None, actor: audit.Actor) -> Category:
    """Put a category (with its subtree) under another parent (``None``: the top level).

    The new parent must be active and neither the category nor one of its descendants (409).
    The category keeps its id: its cases, time limits and rules follow it."""
    cat = _active(session, code)
    parent: Category | None = None
    if parent_code:
        parent = _active(session, parent_code, "parent")
    # lock both rows: two concurrent moves (A under B, B under A) cannot both pass the check
    repo.lock_categories(session, [cat.id] + ([parent.id] if parent else []))
    snap = cache.snapshot(session, fresh=True)
    if parent is not None:
        if parent.id == cat.id or parent.id in {d.id for d in descendants(snap, cat.id)}:
            raise Conflict(
                f"不能把分类移到它自己或它的下级分类「{parent.name}」之下",
                f"a category cannot be moved under itself or its own descendant {parent.code}",
                field="parent",
            )
        depth_below = max(
            (len(chain(snap, d.id)) - len(chain(snap, cat.id)) for d in descendants(snap, cat.id)), default=0
        )
        if len(chain(snap, parent.id)) + 1 + depth_below > MAX_DEPTH:
            raise ValidationFailed(
                f"分类层级最多 {MAX_DEPTH} 级", f"the tree is at most {MAX_DEPTH} levels deep", field="parent"
            )
    new_parent_id = parent.id if parent else None
    if new_parent_id == cat.parent_id:
        return cat
    before = snap.by_id[cat.parent_id].code if cat.parent_id in snap.by_id else None
    cat.parent_id = new_parent_id
    session.flush()
    record_change(
        session, cat, "moved", actor, before={"parent": before}, after={"parent": parent_code or None}
    )
    return cat


def retire_category(session: Session, code: str, *, actor: audit.Actor) -> list[Category]:
    """Retire a category and its active descendants: new work can no longer use them, the cases
    that use them keep them. Returns what was retired. Audited; 404 when already retired."""
    cat = repo.category_by_code(session, code, active_only=True)
    if cat is None:
        raise NotFound(
            f"分类 {code} 不存在或已停用", f"category {code} not found or already retired", field="code"
        )
    snap = cache.snapshot(session, fresh=True)
    retired = [cat]
    for d in descendants(snap, cat.id):
        if d.active:
            row = repo.category_by_id(session, d.id)
            if row is not None:
                retired.append(row)
    for row in retired:
        row.active = False
    session.flush()
    for row in retired:
        record_change(session, row, "retired", actor, with_parent=code if row is not cat else None)
    return retired
