"""Pure rules of the window: the materials check (the one-time notice lists everything missing at
once), the applicant's identifier by type, and the reception's duration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from zhizhi.core.errors import FieldProblem, ValidationFailed

# a form opened longer ago than this is a form left open: its duration is not a reception's
LONGEST_RECEPTION = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class Material:
    code: str
    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class Check:
    received: list[Material]
    missing: list[Material]  # required and not ticked: everything, at once (一次性告知)

    @property
    def complete(self) -> bool:
        return not self.missing


def check_materials(checklist: Sequence[Material], ticked: Iterable[str]) -> Check:
    """Compare the ticked codes with the version's checklist; a code not on the list is an error
    naming every such code (the clerk ticked from a stale page), never a silent drop."""
    ticked = list(dict.fromkeys(t.strip() for t in ticked if t.strip()))
    known = {m.code for m in checklist}
    unknown = [t for t in ticked if t not in known]
    if unknown:
        shown = "、".join(u[:40] for u in unknown[:5])
        raise ValidationFailed(
            f"材料不在该事项的材料清单中：{shown}",
            f"materials not on this item's checklist: {', '.join(u[:40] for u in unknown[:5])}",
            field="materials",
            errors=[FieldProblem("materials", f"材料不在清单中：{shown}", "not on the checklist")],
        )
    got = set(ticked)
    return Check(
        received=[m for m in checklist if m.code in got],
        missing=[m for m in checklist if m.required and m.code not in got],
    )


def reception_seconds(started_at: datetime | None, received_at: datetime) -> tuple[datetime, int]:
    """(start, seconds): the form's opening time when it is plausible (not in the future, not
    older than :data:`LONGEST_RECEPTION`), else the moment of receiving (0 seconds)."""
    if started_at is None or started_at.tzinfo is None:
        return received_at, 0
    if started_at > received_at or received_at - started_at > LONGEST_RECEPTION:
        return received_at, 0
    return started_at, int((received_at - started_at).total_seconds())
