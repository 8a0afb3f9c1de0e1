"""The only place that writes SQL for routing's tables: AI suggestions, the dispatch catalogue
(派单目录) and hotspot snapshots. Cases, categories and departments are read through their
owners' services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from zhizhi.routing.models import (
    CaseSuggestion,
    CategoryConfirmation,
    ClassifierModel,
    ClassifierTraining,
    DispatchRule,
    HotspotSnapshot,
)

# ---- suggestions --------------------------------------------------------------------------------


def suggestion_count(session: Session, case_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(CaseSuggestion).where(CaseSuggestion.case_id == case_id)
        )
        or 0
    )


def add_suggestion(session: Session, row: CaseSuggestion) -> None:
    session.add(row)


def latest_suggestion(session: Session, case_id: int, kind: str) -> CaseSuggestion | None:
    return session.scalar(
        select(CaseSuggestion)
        .where(CaseSuggestion.case_id == case_id, CaseSuggestion.kind == kind)
        .order_by(CaseSuggestion.id.desc())
        .limit(1)
    )


def suggestions_for(session: Session, case_id: int) -> list[CaseSuggestion]:
    return list(
        session.scalars(
            select(CaseSuggestion).where(CaseSuggestion.case_id == case_id).order_by(CaseSuggestion.id)
        )
    )


def decided_dispatch_counts(session: Session) -> list[Any]:
    """``(category_code, status, count)`` of the accepted or overridden dispatch suggestions."""
    return list(
        session.execute(
            select(CaseSuggestion.category_code, CaseSuggestion.status, func.count())
            .where(CaseSuggestion.kind == "dispatch", CaseSuggestion.status.in_(["accepted", "overridden"]))
            .group_by(CaseSuggestion.category_code, CaseSuggestion.status)
        ).all()
    )


def review_queue(session: Session, limit: int) -> list[CaseSuggestion]:
    """Pending classification and dispatch suggestions that need a person, newest first."""
    return list(
        session.scalars(
            select(CaseSuggestion)
            .where(
                CaseSuggestion.needs_review,
                CaseSuggestion.status == "pending",
                CaseSuggestion.kind.in_(["classification", "dispatch"]),
            )
            .order_by(CaseSuggestion.id.desc())
            .limit(limit)
        )
    )


# ---- the dispatch catalogue -----------------------------------------------------------------------


def active_rules(session: Session) -> list[DispatchRule]:
    """Active rules in the order they are tried (priority, then id)."""
    query = select(DispatchRule).where(DispatchRule.active).order_by(DispatchRule.priority, DispatchRule.id)
    return list(session.scalars(query))


def rule(session: Session, rule_id: int) -> DispatchRule | None:
    return session.get(DispatchRule, rule_id)


def add_rule(session: Session, row: DispatchRule) -> None:
    session.add(row)
    session.flush()


# ---- hotspot snapshots ----------------------------------------------------------------------------


def add_snapshot(session: Session, row: HotspotSnapshot) -> None:
    session.add(row)
    session.flush()


def latest_snapshot(session: Session) -> HotspotSnapshot | None:
    return session.scalar(select(HotspotSnapshot).order_by(HotspotSnapshot.id.desc()).limit(1))


HOTSPOT_LOCK = 7141590002  # advisory lock key: one hotspot refresh at a time across processes


def try_hotspot_lock(session: Session) -> bool:
    """PostgreSQL: take the hotspot refresh's transaction-scoped advisory lock if it is free;
    other databases (one writer at a time anyway): always true."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text(f"SELECT pg_try_advisory_xact_lock({HOTSPOT_LOCK})")))


# ---- the city's classifier: confirmations and trained models ---------------------------------------


def add_confirmation(session: Session, row: CategoryConfirmation) -> None:
    session.add(row)


def confirmations(session: Session) -> list[Any]:
    """``(case_id, category_id, confirmed_at)`` of each case's latest confirmation, oldest first."""
    latest = (
        select(CategoryConfirmation.case_id, func.max(CategoryConfirmation.id).label("id"))
        .group_by(CategoryConfirmation.case_id)
        .subquery()
    )
    return list(
        session.execute(
            select(
                CategoryConfirmation.case_id,
                CategoryConfirmation.category_id,
                CategoryConfirmation.confirmed_at,
            )
            .join(latest, latest.c.id == CategoryConfirmation.id)
            .order_by(CategoryConfirmation.confirmed_at, CategoryConfirmation.id)
        )
    )


def confirmation_counts(session: Session) -> dict[str, int]:
    """How many confirmations kept and corrected the AI's proposal."""
    rows = session.execute(
        select(CategoryConfirmation.corrected, func.count()).group_by(CategoryConfirmation.corrected)
    )
    return {("corrected" if c else "confirmed"): int(n) for c, n in rows}


def add_model(session: Session, row: ClassifierModel) -> None:
    session.add(row)


def prune_models(session: Session, keep: int) -> int:
    """Delete all but the ``keep`` newest models (the one in use is the newest); returns how many."""
    newest = select(ClassifierModel.id).order_by(ClassifierModel.id.desc()).limit(keep).scalar_subquery()
    result = session.execute(delete(ClassifierModel).where(ClassifierModel.id.not_in(newest)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def add_training(session: Session, row: ClassifierTraining) -> None:
    session.add(row)


def training(session: Session, training_id: int, *, lock: bool = False) -> ClassifierTraining | None:
    stmt = select(ClassifierTraining).where(ClassifierTraining.id == training_id)
    return session.scalar(stmt.with_for_update() if lock else stmt)


def open_training(session: Session) -> ClassifierTraining | None:
    """The queued or running retraining, if any (at most one at a time)."""
    stmt = (
        select(ClassifierTraining)
        .where(ClassifierTraining.status.in_(("queued", "running")))
        .order_by(ClassifierTraining.id)
        .limit(1)
    )
    return session.scalar(stmt)


def latest_training(session: Session) -> ClassifierTraining | None:
    """The queued or running retraining, else the newest one (any outcome)."""
    current = open_training(session)
    if current is not None:
        return current
    return session.scalar(select(ClassifierTraining).order_by(ClassifierTraining.id.desc()).limit(1))


def active_model_header(session: Session) -> Any | None:
    """``(id, version, trained_at, details)`` of the newest active model (no artifact bytes)."""
    return session.execute(
        select(
            ClassifierModel.id, ClassifierModel.version, ClassifierModel.trained_at, ClassifierModel.details
        )
        .where(ClassifierModel.active)
        .order_by(ClassifierModel.id.desc())
        .limit(1)
    ).first()


def model_artifact(session: Session, model_id: int) -> bytes | None:
    return session.scalar(select(ClassifierModel.artifact).where(ClassifierModel.id == model_id))
