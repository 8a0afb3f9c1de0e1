"""The pure rules of bundles: merged form, eligibility, dependencies, derived state."""

from __future__ import annotations

import pytest

from zhizhi.core.errors import ValidationFailed
from zhizhi.services.bundles import rules
from zhizhi.services.bundles.enums import BundleState, PartOutcome


def _f(code: str, type_: str = "text", required: bool = True) -> rules.FormField:
    return rules.FormField(code, code, code, type_, required)


def _m(code: str, source: str = "applicant", required: bool = True) -> rules.FormMaterial:
    kind, _, ref = source.partition(":")
    return rules.FormMaterial(code, code, required, source, kind, ref or None)


def _part(key: str, fields=(), materials=(), depends=(), types=(), optional=False) -> rules.Part:
    return rules.Part(
        key,
        f"ITEM-{key}",
        f"item {key}",
        1,
        1,
        optional,
        tuple(depends),
        tuple(types),
        tuple(fields),
        tuple(materials),
    )


def test_merge_asks_each_field_once_and_dedups_materials() -> None:
    a = _part(
        "a",
        [_f("applicant.name"), _f("child.name", required=False)],
        [_m("id_card"), _m("birth", "certificate:birth_medical_certificate")],
    )
    b = _part(
        "b",
        [_f("applicant.name"), _f("child.name"), _f("b.only")],
        [_m("id_card", required=False), _m("photo")],
    )
    merged = rules.merge([a, b])
    assert [f.field.code for f in merged.fields] == ["applicant.name", "child.name", "b.only"]
    child = next(f for f in merged.fields if f.field.code == "child.name")
    assert child.field.required and child.parts == ["a", "b"]
    assert [m.material.code for m in merged.materials] == ["id_card", "birth", "photo"]
    assert merged.fields_total == 5 and merged.materials_total == 4


def test_merge_refuses_one_code_with_two_types() -> None:
    with pytest.raises(ValidationFailed) as info:
        rules.merge([_part("a", [_f("x", "date")]), _part("b", [_f("x", "text")])])
    assert info.value.field == "items"


def test_definition_checks_unknown_dependencies_and_cycles() -> None:
    rules.check_definition([("a", []), ("b", ["a"]), ("c", ["b"])])
    for bad in ([("a", ["z"])], [("a", ["b"]), ("b", ["a"])], [("a", ["a"])], [("a", []), ("a", [])], []):
        with pytest.raises(ValidationFailed):
            rules.check_definition(bad)


def test_choose_parts_eligibility_and_dependencies() -> None:
    parts = [
        _part("licence"),
        _part("food", depends=["licence"], types=["2", "5"]),
        _part("card", optional=True, types=["1"]),
    ]
    assert [p.part for p in rules.choose_parts(parts, None, "2")] == [
        "licence",
        "food",
    ]  # card: optional, not open
    with pytest.raises(ValidationFailed) as info:
        rules.choose_parts(parts, None, "1")  # food is mandatory and only for organisations
    assert info.value.field == "parts.food"
    with pytest.raises(ValidationFailed) as info:
        rules.choose_parts(parts, ["card"], "2")
    assert info.value.field == "parts.food" or info.value.field == "parts.card"
    with pytest.raises(ValidationFailed) as info:
        rules.choose_parts([_part("a", optional=True), _part("b", depends=["a"])], [], "1")
    assert info.value.field == "parts.b"
    with pytest.raises(ValidationFailed) as info:
        rules.choose_parts(parts, ["nope"], "2")
    assert info.value.field == "parts"


def test_dependants_are_transitive() -> None:
    depends = {"a": [], "b": ["a"], "c": ["b"], "d": []}
    assert rules.dependants(depends, "a") == ["b", "c"]
    assert rules.dependants(depends, "d") == []


@pytest.mark.parametrize(
    ("outcomes", "state"),
    [
        ([], BundleState.IN_PROGRESS),
        (["open", "approved"], BundleState.IN_PROGRESS),
        (["open", "denied"], BundleState.ATTENTION),
        (["approved", "approved"], BundleState.DONE),
        (["approved", "not_accepted", "withdrawn"], BundleState.DONE_PARTLY),
        (["denied", "withdrawn"], BundleState.REFUSED),
        (["withdrawn", "withdrawn"], BundleState.WITHDRAWN),
    ],
)
def test_derived_state(outcomes: list[str], state: BundleState) -> None:
    assert rules.derive_state(outcomes) is state
    assert all(PartOutcome(o) for o in outcomes)
