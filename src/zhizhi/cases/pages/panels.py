"""What other capabilities add to the workbench's case page (e.g. routing's AI suggestions).

The case engine sits below them, so they come to it: a capability's install hook registers a
:class:`CasePanel` here (:func:`add`).  A panel contributes a section of the page (a template
included after the case's facts, with its own template variables), initial values of action
forms, and hints or offered values under action form fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.models import Case
from zhizhi.core.principal import Principal


@dataclass(frozen=True, slots=True)
class FieldHint:
    """A hint under one field of an action form (``hint``: a message key), optionally with values
    offered for it (a ``<datalist>`` with id ``list_id``)."""

    hint: str
    values: tuple[str, ...] = ()
    list_id: str = ""


@dataclass(slots=True)
class PanelView:
    """A panel's contribution to one case page."""

    values: dict[str, Any] = field(default_factory=dict)  # template variables of its section
    prefill: dict[str, dict[str, str]] = field(default_factory=dict)  # action → field → initial value
    hints: dict[str, FieldHint] = field(default_factory=dict)  # "action.field" → hint


@dataclass(frozen=True, slots=True)
class CasePanel:
    name: str
    template: str  # included on the case page after the case's facts
    # (session, the person viewing, case, available actions): a panel shows only what they may see
    view: Callable[[Session, Principal, Case, list[str]], PanelView]


_panels: dict[str, CasePanel] = {}


def add(panel: CasePanel) -> None:
    """Register ``panel`` (again: replaced, so install hooks may run more than once)."""
    _panels[panel.name] = panel


def views(
    session: Session, principal: Principal, case: Case, actions: list[str]
) -> tuple[list[str], PanelView]:
    """The templates of the registered panels and their merged contributions for ``case``, as
    ``principal`` may see them."""
    merged = PanelView()
    for panel in _panels.values():
        view = panel.view(session, principal, case, actions)
        merged.values.update(view.values)
        for action, values in view.prefill.items():
            merged.prefill.setdefault(action, {}).update(values)
        merged.hints.update(view.hints)
    return [p.template for p in _panels.values()], merged


# ---- the intake form --------------------------------------------------------------------------
# A capability may add a section inside the hotline intake form (e.g. the knowledge base's
# articles found while the agent types): a template included before the submit button, which
# may carry its own buttons posting the form elsewhere (``formaction``).

_intake: dict[str, str] = {}


def add_intake(name: str, template: str) -> None:
    """Register ``template`` as a section of the intake form (again: replaced)."""
    _intake[name] = template


def intake_templates() -> list[str]:
    return list(_intake.values())
