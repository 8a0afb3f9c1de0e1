"""Action forms of the workbench, read from the action declarations (``cases.actions``): each
body field becomes a form field (label ``f.<name>``, widget from the field's ``Widget``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from starlette.datastructures import FormData

from zhizhi.cases.actions import ACTIONS, ActionIn
from zhizhi.cases.schemas import Widget
from zhizhi.ui.i18n import N_

ACTION = TypeAdapter(ActionIn)  # validates a form's values as the API validates its JSON
# the labels f.<field> of the action bodies' fields, marked for the catalogue check (docs/i18n.md);
# tests/test_i18n_catalogues.py checks that every field of every action has one
FIELD_LABELS = (
    N_("f.amount"),
    N_("f.approved"),
    N_("f.cite"),
    N_("f.close"),
    N_("f.co_departments"),
    N_("f.lead_department"),
    N_("f.parent"),
    N_("f.reason"),
    N_("f.reply"),
)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str  # message key
    kind: str  # text | textarea | department | departments | rating | bool | approve | number
    required: bool


def action_fields(action: str) -> list[FormField]:
    """The fields of ``action``'s form, in the order of its body."""
    out = []
    for name, info in ACTIONS[action].body.model_fields.items():
        if name == "action":
            continue
        widget = next((m for m in info.metadata if isinstance(m, Widget)), Widget())
        required = widget.required if widget.required is not None else info.is_required()
        out.append(FormField(name, f"f.{name}", widget.kind, required))
    return out


def action_body(action: str, posted: FormData) -> dict[str, Any]:
    """The posted form as the action's JSON body (blank optional fields left out)."""
    body: dict[str, Any] = {"action": action}
    for field in action_fields(action):
        if field.kind == "departments":
            values = [v for v in posted.getlist(field.name) if isinstance(v, str) and v]
            if values:
                body[field.name] = values
            continue
        raw = posted.get(field.name)
        value = raw.strip() if isinstance(raw, str) else ""
        if value or field.required:
            body[field.name] = value
    return body


# bulk actions offered on a queue (queue → action), when the caller holds the action's permission
BULK_ACTIONS = {a.bulk_queue: a.name for a in ACTIONS.values() if a.bulk_queue}
