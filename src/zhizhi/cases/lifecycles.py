"""One lifecycle per case kind: the registry :func:`zhizhi.cases.service.perform` reads.

A :class:`Lifecycle` bundles what the engine needs to run a kind of case: its transition table
(``core.statemachine``), its action declarations (body, handler, public wording — an
:class:`ActionSet`), the labels of the statuses it uses (a status code may mean something else in
another lifecycle: ``accepted`` is 待派单 for an appeal and 已受理 for an application), its object
policy and the rule saying whether an action is offered right now.

The appeal lifecycle (``cases.workflow`` + ``cases.actions``) registers itself for ``appeal``
and is the fallback for kinds without their own (``event``). Capabilities above the engine
register theirs from their own modules (``services`` registers ``application``): the engine
never imports them. ``perform`` keeps one order of checks for every kind: visibility →
permission (403) → transition (409) → object policy (403) → the handler's guards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args

from fastapi.exceptions import RequestValidationError
from pydantic import Field, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from zhizhi.cases import schemas as s
from zhizhi.cases.models import Case
from zhizhi.core.principal import Principal
from zhizhi.core.statemachine import PREVIOUS, STAY, TransitionTable
from zhizhi.core.workdays import WorkCalendar

if TYPE_CHECKING:
    from zhizhi.cases.policy import Denial

APPEAL = "appeal"


@dataclass(slots=True)
class Context:
    session: Session
    principal: Principal
    now: datetime
    calendar: WorkCalendar
    branch: bool = False  # set by a handler: go to the transition's ``branch`` instead of its target
    # the staff's words as given where the payload keeps them masked ({"reply": …}); the event
    # stores them encrypted (docs/crypto.md)
    originals: dict[str, str] = field(default_factory=dict)


Outcome = tuple[dict[str, Any], str | None]  # (event payload, reason)
Handler = Callable[[Context, Case, Any], Outcome]
PolicyCheck = Callable[[Session, Principal, Case, str], "Denial | None"]
Offered = Callable[[Case, str], bool]


@dataclass(frozen=True, slots=True)
class CaseAction:
    """Everything about an action except its transition."""

    name: str
    body: type[s.ActionBody]
    handler: Handler
    plain: tuple[str, str]  # what the person who asked reads when tracking the case
    public: bool = True  # shown on public tracking (internal steps are not)
    bulk_queue: str | None = None  # the workbench queue that offers it for several cases at once


class ActionSet:
    """The declarations of one lifecycle's actions: ``@actions.declare(Body, plain=…)``."""

    def __init__(self) -> None:
        self.actions: dict[str, CaseAction] = {}

    def declare(
        self,
        body: type[s.ActionBody],
        *,
        plain: tuple[str, str],
        public: bool = True,
        bulk_queue: str | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated handler as the action named by ``body``'s ``action`` literal."""
        (name,) = get_args(body.model_fields["action"].annotation)

        def register(handler: Handler) -> Handler:
            if name in self.actions:
                raise ValueError(f"action {name} is declared twice")
            self.actions[name] = CaseAction(name, body, handler, plain, public, bulk_queue)
            return handler

        return register


def _always(case: Case, action: str) -> bool:
    return True


@dataclass(frozen=True)
class Lifecycle:
    kind: str
    table: TransitionTable
    actions: Mapping[str, CaseAction]
    labels: Mapping[str, tuple[str, str]]  # status → (中文, English)
    policy: PolicyCheck
    offered: Offered = _always
    # what a status means for the clock and the queues: the statuses in which the case is open
    open_statuses: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        declared, tabled = set(self.actions), set(self.table.actions())
        if declared != tabled:
            raise RuntimeError(
                f"{self.kind}: actions and the lifecycle table disagree: "
                f"declared only {sorted(declared - tabled)}, in the table only {sorted(tabled - declared)}"
            )
        used = {t.target for t in self.table} | {t.branch for t in self.table if t.branch}
        used |= {src for t in self.table for src in t.sources}
        missing = used - {STAY, PREVIOUS} - set(self.labels)
        if missing:
            raise RuntimeError(f"{self.kind}: statuses without labels: {sorted(missing)}")

    def status_label(self, status: str) -> tuple[str, str]:
        return self.labels.get(status, (status, status))

    @cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        bodies = tuple(a.body for a in self.actions.values())
        union: Any = Annotated[Union[bodies], Field(discriminator="action")]  # noqa: UP007
        return TypeAdapter(union)

    def parse(self, raw: Any) -> s.ActionBody:
        """An action body of this lifecycle from JSON; a 422 like FastAPI's own otherwise."""
        try:
            body: s.ActionBody = self._adapter.validate_python(raw)
        except ValidationError as exc:
            errors = [dict(e) | {"loc": ("body", *e["loc"])} for e in exc.errors()]
            raise RequestValidationError(errors) from None
        return body


_REGISTRY: dict[str, Lifecycle] = {}


def register(lifecycle: Lifecycle, kinds: Iterable[str] = ()) -> None:
    """Run cases of ``lifecycle.kind`` (and of ``kinds``) by ``lifecycle``; once per kind."""
    for kind in (lifecycle.kind, *kinds):
        existing = _REGISTRY.get(kind)
        if existing is not None and existing is not lifecycle:
            raise ValueError(f"a lifecycle is already registered for {kind}")
        _REGISTRY[kind] = lifecycle


def for_kind(kind: str | None) -> Lifecycle:
    """The lifecycle of ``kind``; the appeal one for kinds without their own (city events)."""
    return _REGISTRY.get(kind or APPEAL) or _REGISTRY[APPEAL]


def registered() -> list[Lifecycle]:
    """Every distinct registered lifecycle (the appeal one first)."""
    seen: dict[int, Lifecycle] = {}
    for life in _REGISTRY.values():
        seen.setdefault(id(life), life)
    return sorted(seen.values(), key=lambda life: life.kind != APPEAL)


def sealing_actions() -> list[str]:
    """Every action name of every lifecycle: the audit actions that seal a case write."""
    return sorted({name for life in registered() for name in life.actions})
