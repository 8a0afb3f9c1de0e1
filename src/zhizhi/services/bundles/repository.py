"""The only SQL of bundles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zhizhi.services.bundles.enums import BundleStatus
from zhizhi.services.bundles.models import Bundle, BundleApplication, BundleApplicationPart, BundleItem


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def add_all(session: Session, rows: Sequence[object]) -> None:
    session.add_all(rows)
    session.flush()


def bundle_by_code(session: Session, code: str) -> Bundle | None:
    return session.scalar(select(Bundle).where(Bundle.code == code))


def bundles_by_ids(session: Session, ids: Sequence[int]) -> dict[int, Bundle]:
    if not ids:
        return {}
    return {b.id: b for b in session.scalars(select(Bundle).where(Bundle.id.in_(list(set(ids)))))}


def active_bundles(session: Session) -> list[Bundle]:
    return list(
        session.scalars(select(Bundle).where(Bundle.status == BundleStatus.ACTIVE.value).order_by(Bundle.id))
    )


def items_of(session: Session, bundle_ids: Sequence[int]) -> dict[int, list[BundleItem]]:
    out: dict[int, list[BundleItem]] = {i: [] for i in bundle_ids}
    if not bundle_ids:
        return out
    stmt = select(BundleItem).where(BundleItem.bundle_id.in_(list(bundle_ids))).order_by(BundleItem.position)
    for row in session.scalars(stmt):
        out[row.bundle_id].append(row)
    return out


def replace_items(session: Session, bundle_id: int, rows: Sequence[BundleItem]) -> None:
    session.execute(delete(BundleItem).where(BundleItem.bundle_id == bundle_id))
    session.add_all(rows)
    session.flush()


def has_applications(session: Session, bundle_id: int) -> bool:
    stmt = select(BundleApplication.id).where(BundleApplication.bundle_id == bundle_id).limit(1)
    return session.scalar(stmt) is not None


def application_by_number(session: Session, number: str) -> BundleApplication | None:
    return session.scalar(select(BundleApplication).where(BundleApplication.number == number))


def applications_of_user(session: Session, user_id: int, limit: int = 100) -> list[BundleApplication]:
    stmt = (
        select(BundleApplication)
        .where(BundleApplication.applicant_user_id == user_id)
        .order_by(BundleApplication.submitted_at.desc(), BundleApplication.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def recent_applications(session: Session, limit: int = 100) -> list[BundleApplication]:
    stmt = select(BundleApplication).order_by(BundleApplication.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def parts_of(session: Session, application_ids: Sequence[int]) -> dict[int, list[BundleApplicationPart]]:
    out: dict[int, list[BundleApplicationPart]] = {i: [] for i in application_ids}
    if not application_ids:
        return out
    stmt = (
        select(BundleApplicationPart)
        .where(BundleApplicationPart.application_id.in_(list(application_ids)))
        .order_by(BundleApplicationPart.id)
    )
    for row in session.scalars(stmt):
        out[row.application_id].append(row)
    return out


def part_by_case(session: Session, case_id: int, *, lock: bool = False) -> BundleApplicationPart | None:
    stmt = select(BundleApplicationPart).where(BundleApplicationPart.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def bundle_items_by_ids(session: Session, ids: Sequence[int]) -> dict[int, BundleItem]:
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(BundleItem).where(BundleItem.id.in_(list(set(ids)))))}
