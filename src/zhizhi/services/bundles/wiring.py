"""Event subscriptions of bundles: a decision on a part's application settles the part (and a
refusal withdraws the parts that depend on it) inside the deciding unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import events
from zhizhi.services.bundles import submission


def _on_decision(session: Session, *, name: str, case: Any = None, **_: Any) -> None:
    if case is None or getattr(case, "kind", None) != "application":
        return
    submission.settle(session, case.id, name.removeprefix("case."))


def install() -> None:
    for action in submission.OUTCOME_OF_ACTION:
        events.subscribe(f"case.{action}", _on_decision)
