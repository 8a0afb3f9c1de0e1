"""The only SQL of 免提交: its records."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhizhi.services.prefill.models import PrefillRecord


def add(session: Session, row: PrefillRecord) -> None:
    session.add(row)
    session.flush()


def records_of(session: Session, case_ids: Sequence[int]) -> dict[int, PrefillRecord]:
    if not case_ids:
        return {}
    rows = session.scalars(select(PrefillRecord).where(PrefillRecord.case_id.in_(list(case_ids))))
    return {r.case_id: r for r in rows}
