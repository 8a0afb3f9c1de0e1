"""Pure rules of bundles: the merged form (each field code asked once, materials deduplicated by
code), who may apply for which part, the parts' dependencies, the derived state of a bundle
application and what a refused part means for the rest.  No session, no SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field

from zhizhi.core.errors import ValidationFailed
from zhizhi.services.bundles.enums import FINISHED, REFUSALS, BundleState, PartOutcome


@dataclass(frozen=True, slots=True)
class FormField:
    code: str
    label: str
    label_en: str
    type: str
    required: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FormMaterial:
    code: str
    name: str
    required: bool
    source: str  # applicant | issued | shared:<resource> | certificate:<type>
    source_kind: str
    source_code: str | None


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a bundle as the rules see it: its item version's form and its conditions."""

    part: str
    item_code: str
    item_name: str
    department_id: int
    version_id: int
    optional: bool
    depends_on: tuple[str, ...]
    applicant_types: tuple[str, ...]  # who may apply for this part (empty: whom the item serves)
    fields: tuple[FormField, ...]
    materials: tuple[FormMaterial, ...]


@dataclass(slots=True)
class MergedField:
    field: FormField
    parts: list[str] = dc_field(default_factory=list)


@dataclass(slots=True)
class MergedMaterial:
    material: FormMaterial
    parts: list[str] = dc_field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MergedForm:
    fields: tuple[MergedField, ...]
    materials: tuple[MergedMaterial, ...]
    fields_total: int  # fields over all parts, as separate applications would ask them
    materials_total: int


def check_definition(parts: Sequence[tuple[str, Sequence[str]]]) -> None:
    """A bundle's parts: unique keys, dependencies on parts of the same bundle, no cycle."""
    keys = [p for p, _ in parts]
    if not keys:
        raise ValidationFailed("一件事至少包含一个事项", "a bundle has at least one item", field="items")
    if len(set(keys)) != len(keys):
        raise ValidationFailed("事项标识重复", "duplicate part keys", field="items")
    known = set(keys)
    graph = {p: list(deps) for p, deps in parts}
    for p, deps in parts:
        unknown = [d for d in deps if d not in known or d == p]
        if unknown:
            raise ValidationFailed(
                f"事项 {p} 依赖的事项不在本件事中：{'、'.join(unknown)}",
                f"part {p} depends on parts not in the bundle: {', '.join(unknown)}",
                field="items",
            )
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for dep in graph[node]:
            if state.get(dep) == 1:
                raise ValidationFailed(
                    f"事项依赖关系成环（{node} → {dep}）",
                    f"the parts' dependencies form a cycle ({node} -> {dep})",
                    field="items",
                )
            if dep not in state:
                visit(dep)
        state[node] = 2

    for key in keys:
        if key not in state:
            visit(key)


def merge(parts: Sequence[Part]) -> MergedForm:
    """The union of the parts' fields (matched by canonical code: asked once, required when any
    part requires it) and materials (deduplicated by material code).  Two parts giving one code
    different types is a catalogue error (422 on ``items``)."""
    fields: dict[str, MergedField] = {}
    materials: dict[str, MergedMaterial] = {}
    for p in parts:
        for f in p.fields:
            seen = fields.get(f.code)
            if seen is None:
                fields[f.code] = MergedField(f, [p.part])
                continue
            if seen.field.type != f.type:
                raise ValidationFailed(
                    f"字段 {f.code} 在不同事项中的类型不一致",
                    f"field {f.code} has different types in different items",
                    field="items",
                )
            if f.required and not seen.field.required:
                seen.field = FormField(f.code, seen.field.label, seen.field.label_en, f.type, True, f.options)
            seen.parts.append(p.part)
        for m in p.materials:
            had = materials.get(m.code)
            if had is None:
                materials[m.code] = MergedMaterial(m, [p.part])
                continue
            if m.required and not had.material.required:
                had.material = m
            had.parts.append(p.part)
    return MergedForm(
        tuple(fields.values()),
        tuple(materials.values()),
        sum(len(p.fields) for p in parts),
        sum(len(p.materials) for p in parts),
    )


def eligible(part: Part, applicant_type: str) -> bool:
    return not part.applicant_types or applicant_type in part.applicant_types


def choose_parts(parts: Sequence[Part], chosen: Iterable[str] | None, applicant_type: str) -> list[Part]:
    """The parts a submission applies for: the mandatory ones plus the optional ones chosen.
    Refused (422, bilingual, with the field) when a chosen part is unknown, not open to this
    applicant type, or depends on a part left out; parts not open to the applicant that they did
    not choose are left out when optional, refused when mandatory."""
    by_key = {p.part: p for p in parts}
    explicit = set(chosen or ())
    unknown = sorted(explicit - set(by_key))
    if unknown:
        raise ValidationFailed(
            f"本件事没有这些事项：{'、'.join(unknown)}",
            f"the bundle has no parts {', '.join(unknown)}",
            field="parts",
        )
    wanted = [p.part for p in parts if p.part in explicit or not p.optional]
    out: list[Part] = []
    for key in wanted:
        part = by_key[key]
        if eligible(part, applicant_type):
            out.append(part)
        elif key in explicit or not part.optional:
            raise ValidationFailed(
                f"申请人类型不符合「{part.item_name}」的申请条件",
                f"this applicant type may not apply for {part.item_name!r} ({part.part})",
                field=f"parts.{part.part}",
                part=part.part,
                applicant_types=list(part.applicant_types),
            )
    keys = {p.part for p in out}
    for p in out:
        missing = [d for d in p.depends_on if d not in keys]
        if missing:
            names = [by_key[d].item_name for d in missing]
            raise ValidationFailed(
                f"「{p.item_name}」须同时申请：{'、'.join(names)}",
                f"{p.item_name!r} needs {', '.join(missing)} applied for as well",
                field=f"parts.{p.part}",
                part=p.part,
            )
    return out


def dependants(depends: Mapping[str, Sequence[str]], part: str) -> list[str]:
    """Every part that needs ``part``, directly or through another part, in a stable order."""
    out: list[str] = []
    frontier = [part]
    while frontier:
        current = frontier.pop(0)
        for key, deps in depends.items():
            if current in deps and key not in out and key != part:
                out.append(key)
                frontier.append(key)
    return out


def derive_state(outcomes: Iterable[str]) -> BundleState:
    """The bundle application's one status, from its parts' outcomes."""
    values = [PartOutcome(o) for o in outcomes]
    if not values:
        return BundleState.IN_PROGRESS
    refused = any(v in REFUSALS for v in values)
    if not all(v in FINISHED for v in values):
        return BundleState.ATTENTION if refused else BundleState.IN_PROGRESS
    if all(v is PartOutcome.WITHDRAWN for v in values):
        return BundleState.WITHDRAWN
    approved = sum(v is PartOutcome.APPROVED for v in values)
    if approved == len(values):
        return BundleState.DONE
    return BundleState.DONE_PARTLY if approved else BundleState.REFUSED
