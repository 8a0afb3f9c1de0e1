"""Pure rules of applications: limit units, the materials checklist, the one complete list of
what is missing (一次性告知), form checks. No database; the service applies them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zhizhi.catalogue.enums import LimitUnit
from zhizhi.core.errors import FieldProblem
from zhizhi.services.applications.enums import LABELS, MaterialState

# the catalogue of service items counts in "working_day"; the case clock in "working_days"
CASE_UNITS = {
    "working_day": LimitUnit.WORKING_DAYS,
    "calendar_day": LimitUnit.CALENDAR_DAYS,
    "hour": LimitUnit.HOURS,
}


def case_unit(item_unit: str) -> LimitUnit:
    return CASE_UNITS[item_unit]


@dataclass(frozen=True, slots=True)
class Given:
    """What the applicant gave for one material: stored files and/or a paper original checked."""

    attachments: tuple[int, ...] = ()
    received: bool = False
    note: str | None = None


def checklist(materials: Sequence[Any], given: Mapping[str, Given]) -> list[dict[str, Any]]:
    """The checklist of a version's materials (``MaterialView``s) against what was given."""
    out = []
    for m in materials:
        g = given.get(m.code, Given())
        if g.attachments or g.received:
            state = MaterialState.RECEIVED
        elif m.source_kind in ("shared", "certificate") and not m.required:
            state = MaterialState.NOT_APPLICABLE
        else:
            state = MaterialState.MISSING if m.required else MaterialState.NOT_APPLICABLE
        out.append(
            {
                "code": m.code,
                "name": m.name,
                "required": m.required,
                "source": m.source,
                "state": state.value,
                "attachments": list(g.attachments),
                "note": g.note,
            }
        )
    return out


def merge(previous: list[dict[str, Any]], given: Mapping[str, Given]) -> list[dict[str, Any]]:
    """A supplement: the new files and originals added to the checklist of the earlier round."""
    out = []
    for row in previous:
        g = given.get(row["code"])
        if g is None:
            out.append(dict(row))
            continue
        files = [*row.get("attachments", []), *g.attachments]
        received = bool(files) or g.received
        state = MaterialState.RECEIVED.value if received else row["state"]
        out.append(row | {"attachments": files, "state": state, "note": g.note or row.get("note")})
    return out


def missing(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["required"] and r["state"] == MaterialState.MISSING.value]


def missing_problems(rows: Iterable[dict[str, Any]]) -> list[FieldProblem]:
    """Every missing required material at once (never a series of refusals)."""
    return [
        FieldProblem(
            f"materials.{r['code']}", f"缺少材料：{r['name']}", f"missing material: {r['name']} ({r['code']})"
        )
        for r in missing(rows)
    ]


def state_label(state: str) -> dict[str, str]:
    zh, en = LABELS.get(state, (state, state))
    return {"zh": zh, "en": en}


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def form_problems(
    fields: Sequence[Any], form: Mapping[str, Any], id_ok: Any, credit_ok: Any
) -> list[FieldProblem]:
    """Every problem of the form against the version's fields (``FieldView``s), at once: unknown
    codes, required fields left blank, dates, numbers, choices, ID numbers and credit codes
    (``id_ok`` / ``credit_ok``: the certificates' checksum validators)."""
    by_code = {f.code: f for f in fields}
    out: list[FieldProblem] = []
    for code in form:
        if code not in by_code:
            out.append(FieldProblem(f"form.{code}", f"表单没有字段 {code}", f"the form has no field {code}"))
    for f in fields:
        value = form.get(f.code)
        text = "" if value is None else str(value).strip()
        where, label = f"form.{f.code}", f.label
        if not text:
            if f.required:
                out.append(FieldProblem(where, f"请填写{label}", f"{f.label_en or f.code} is required"))
            continue
        if f.type == "date" and not _DATE.match(text):
            out.append(FieldProblem(where, f"{label}应为日期（YYYY-MM-DD）", f"{f.code}: expected a date"))
        elif f.type == "number" and not _is_number(text):
            out.append(FieldProblem(where, f"{label}应为数字", f"{f.code}: expected a number"))
        elif f.type == "choice" and f.options and text not in f.options:
            out.append(FieldProblem(where, f"{label}不在可选项中", f"{f.code}: not one of the options"))
        elif f.type == "id_number" and not id_ok(text.upper()):
            out.append(
                FieldProblem(where, f"{label}：公民身份号码无效", f"{f.code}: invalid resident ID number")
            )
        elif f.type == "credit_code" and not credit_ok(text.upper()):
            out.append(
                FieldProblem(
                    where, f"{label}：统一社会信用代码无效", f"{f.code}: invalid unified social credit code"
                )
            )
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def certificate_fields(
    wanted: Sequence[str], given: Mapping[str, str], form: Mapping[str, Any], labels: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The certificate's fields: given at the decision, else the form value whose field label (or
    code) is the certificate field's name; and the names still missing."""
    by_label = {labels.get(code, code): value for code, value in form.items()}
    out: dict[str, str] = {}
    for name in wanted:
        value = given.get(name) or by_label.get(name) or form.get(name)
        if value is not None and str(value).strip():
            out[name] = str(value).strip()[:500]
    return out, [n for n in wanted if n not in out]
