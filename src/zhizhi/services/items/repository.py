"""SQL of service items (the only module of ``services.items`` that reads or writes tables)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from zhizhi.services.items.enums import ItemStatus
from zhizhi.services.items.models import (
    ServiceItem,
    ServiceItemField,
    ServiceItemMaterial,
    ServiceItemVersion,
)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def add(session: Session, *rows: object) -> None:
    session.add_all(list(rows))
    session.flush()


def stage(session: Session, *rows: object) -> None:
    """Add rows without flushing (they are written by the next flush: a query, or the commit)."""
    session.add_all(list(rows))


def item_by_code(session: Session, implementation_code: str) -> ServiceItem | None:
    return session.scalars(
        select(ServiceItem).where(ServiceItem.implementation_code == implementation_code)
    ).one_or_none()


def items_by_codes(session: Session, codes: Iterable[str]) -> dict[str, ServiceItem]:
    wanted = list(set(codes))
    found: dict[str, ServiceItem] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        for item in session.scalars(select(ServiceItem).where(ServiceItem.implementation_code.in_(chunk))):
            found[item.implementation_code] = item
    return found


def items_by_ids(session: Session, ids: Sequence[int]) -> list[ServiceItem]:
    if not ids:
        return []
    return list(session.scalars(select(ServiceItem).where(ServiceItem.id.in_(list(ids)))))


def item_by_id(session: Session, item_id: int) -> ServiceItem | None:
    return session.get(ServiceItem, item_id)


def version_by_id(session: Session, version_id: int) -> ServiceItemVersion | None:
    return session.get(ServiceItemVersion, version_id)


def versions_by_ids(session: Session, ids: Sequence[int]) -> dict[int, ServiceItemVersion]:
    if not ids:
        return {}
    rows = session.scalars(select(ServiceItemVersion).where(ServiceItemVersion.id.in_(list(ids))))
    return {v.id: v for v in rows}


def versions_of(session: Session, item_id: int) -> list[ServiceItemVersion]:
    return list(
        session.scalars(
            select(ServiceItemVersion)
            .where(ServiceItemVersion.item_id == item_id)
            .order_by(ServiceItemVersion.version.desc())
        )
    )


def last_version_number(session: Session, item_id: int) -> int:
    found = session.scalar(
        select(func.max(ServiceItemVersion.version)).where(ServiceItemVersion.item_id == item_id)
    )
    return int(found or 0)


def materials_of(session: Session, version_ids: Sequence[int]) -> dict[int, list[ServiceItemMaterial]]:
    out: dict[int, list[ServiceItemMaterial]] = defaultdict(list)
    if version_ids:
        rows = session.scalars(
            select(ServiceItemMaterial)
            .where(ServiceItemMaterial.version_id.in_(list(version_ids)))
            .order_by(ServiceItemMaterial.version_id, ServiceItemMaterial.position)
        )
        for row in rows:
            out[row.version_id].append(row)
    return out


def fields_of(session: Session, version_ids: Sequence[int]) -> dict[int, list[ServiceItemField]]:
    out: dict[int, list[ServiceItemField]] = defaultdict(list)
    if version_ids:
        rows = session.scalars(
            select(ServiceItemField)
            .where(ServiceItemField.version_id.in_(list(version_ids)))
            .order_by(ServiceItemField.version_id, ServiceItemField.position)
        )
        for row in rows:
            out[row.version_id].append(row)
    return out


def clear_draft_parts(session: Session, version_id: int) -> None:
    """A draft's materials and fields, before the steward's new ones are written."""
    session.execute(delete(ServiceItemMaterial).where(ServiceItemMaterial.version_id == version_id))
    session.execute(delete(ServiceItemField).where(ServiceItemField.version_id == version_id))
    session.flush()


def delete_version(session: Session, version: ServiceItemVersion) -> None:
    clear_draft_parts(session, version.id)
    session.delete(version)
    session.flush()


@dataclass(frozen=True, slots=True)
class ItemFilter:
    q: str | None = None
    type: str | None = None
    department_ids: Sequence[int] | None = None
    topic: str | None = None  # an audience or a life event
    place: str | None = None
    statuses: Sequence[str] = (ItemStatus.PUBLISHED.value,)
    online_only: bool = False


def _filtered(f: ItemFilter) -> Select[ServiceItem]:
    query = select(ServiceItem).where(ServiceItem.status.in_(list(f.statuses)))
    if f.q:
        for word in f.q.split()[:6]:
            pattern = _like(word)
            query = query.where(
                or_(
                    ServiceItem.name.like(pattern, escape="\\"),
                    ServiceItem.search_text.like(pattern, escape="\\"),
                )
            )
    if f.type:
        query = query.where(ServiceItem.type == f.type)
    if f.department_ids is not None:
        query = query.where(ServiceItem.department_id.in_(list(f.department_ids)))
    if f.topic:
        query = query.where(ServiceItem.topics.like(_like(f"|{f.topic}|"), escape="\\"))
    if f.place:
        query = query.where(ServiceItem.place.like(_like(f.place), escape="\\"))
    if f.online_only:
        query = query.where(ServiceItem.online_depth >= 2)
    return query


def search(session: Session, f: ItemFilter, *, limit: int, offset: int) -> tuple[list[ServiceItem], int]:
    query = _filtered(f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(ServiceItem.type, ServiceItem.name, ServiceItem.id).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def all_items(session: Session, statuses: Sequence[str]) -> list[ServiceItem]:
    return list(
        session.scalars(
            select(ServiceItem)
            .where(ServiceItem.status.in_(list(statuses)))
            .order_by(ServiceItem.implementation_code)
        )
    )


def topic_counts(session: Session) -> list[str]:
    """Every published item's topics string (the guide counts items per topic from them)."""
    return list(
        session.scalars(select(ServiceItem.topics).where(ServiceItem.status == ItemStatus.PUBLISHED.value))
    )


def department_ids_in_use(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(ServiceItem.department_id)
            .where(ServiceItem.status == ItemStatus.PUBLISHED.value)
            .distinct()
        )
    )
