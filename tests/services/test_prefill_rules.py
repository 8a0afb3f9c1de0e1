"""The pure rules of 免提交: what can be read with which key, and what may fill a form."""

from __future__ import annotations

from zhizhi.services.prefill import rules

PERSON = {rules.KeyKind.PERSON: "430104199001011234"}


def test_needs_only_what_the_keys_can_read() -> None:
    need = rules.needs(
        ["person.name", "person.phone", "enterprise.name", "child.name"],
        [
            ("shared", "GA-RK-001"),
            ("shared", "SCJG-YYZZ-001"),
            ("certificate", "birth_medical_certificate"),
            ("applicant", None),
        ],
        PERSON,
    )
    assert need.resources == {"GA-RK-001": ("name", "phone")}
    assert need.certificate_types == ("birth_medical_certificate",)
    both = rules.needs(["enterprise.name"], [], {**PERSON, rules.KeyKind.ORGANISATION: "91430100MA4L0000X1"})
    assert both.resources == {"SCJG-YYZZ-001": ("name",)}


def test_masked_or_blank_values_never_fill_a_form() -> None:
    assert rules.usable("张伟") and rules.usable(0)
    for value in (None, "", "  ", "张*", "430104********1234", "＊＊"):
        assert not rules.usable(value)


def test_applicant_type_key() -> None:
    assert rules.key_kind("1") is rules.KeyKind.PERSON
    assert rules.key_kind("2") is rules.KeyKind.ORGANISATION
