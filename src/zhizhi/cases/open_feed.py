"""The public request feed other systems read (Open311 ``requests.json``, docs/open311.md):
non-confidential appeals and events as plain rows, without contact data; the words masked again
on the way out (``core.masking.redact_text``). SQL in :mod:`.repository.open_feed`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.enums import LABELS, CaseStatus
from zhizhi.cases.repository import open_feed as repo
from zhizhi.catalogue import service as catalogue

CLOSED_STATUSES = (CaseStatus.CLOSED.value, CaseStatus.MERGED.value)
OPEN_STATUSES = tuple(s.value for s in CaseStatus if s.value not in CLOSED_STATUSES)


def public_status(status: str) -> str:
    """``open`` or ``closed`` (merged cases count as closed: their parent carries on)."""
    return "closed" if status in CLOSED_STATUSES else "open"


def status_label(status: str) -> tuple[str, str]:
    return LABELS.get(status, (status, status))


def by_numbers(session: Session, numbers: list[str]) -> list[Any]:
    return repo.by_numbers(session, numbers)


def page(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    status: str | None,
    category_code: str | None,
    offset: int,
    limit: int,
) -> list[Any]:
    """A page of public cases registered in ``[start, end)``, newest first; ``status``
    ``open``/``closed``; ``category_code`` with its subtree."""
    statuses = None
    if status == "open":
        statuses = list(OPEN_STATUSES)
    elif status == "closed":
        statuses = list(CLOSED_STATUSES)
    ids = catalogue.category_ids(category_code) if category_code else None
    return repo.page(
        session, start=start, end=end, statuses=statuses, category_ids=ids, offset=offset, limit=limit
    )
