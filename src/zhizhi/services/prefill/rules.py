"""Pure rules of 免提交: which form fields shared data can fill (and from which resource field),
which materials data can provide, and the counts of what the applicant did not have to provide.

A field is pre-filled from one resource of the sharing catalogue keyed by the applicant: a
natural person's resident ID number (人口库, 社保) or an organisation's unified social credit
code (营业执照).  The table below is the one place that maps canonical field codes to them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class KeyKind(StrEnum):
    PERSON = "person"  # keyed by the applicant's (or the legal representative's) ID number
    ORGANISATION = "organisation"  # keyed by the applicant organisation's credit code


@dataclass(frozen=True, slots=True)
class FieldSource:
    resource: str  # sharing resource code
    column: str  # the resource's field
    key: KeyKind


# canonical field code -> where shared data holds it (sharing.seed's resources)
FIELD_SOURCES: dict[str, FieldSource] = {
    "person.name": FieldSource("GA-RK-001", "name", KeyKind.PERSON),
    "person.gender": FieldSource("GA-RK-001", "gender", KeyKind.PERSON),
    "person.birth_date": FieldSource("GA-RK-001", "birth_date", KeyKind.PERSON),
    "person.household_address": FieldSource("GA-RK-001", "household_address", KeyKind.PERSON),
    "person.phone": FieldSource("GA-RK-001", "phone", KeyKind.PERSON),
    "person.employer": FieldSource("RS-SB-001", "employer", KeyKind.PERSON),
    "person.insured_since": FieldSource("RS-SB-001", "insured_since", KeyKind.PERSON),
    "person.months_paid": FieldSource("RS-SB-001", "months_paid", KeyKind.PERSON),
    "enterprise.name": FieldSource("SCJG-YYZZ-001", "name", KeyKind.ORGANISATION),
    "enterprise.kind": FieldSource("SCJG-YYZZ-001", "kind", KeyKind.ORGANISATION),
    "enterprise.address": FieldSource("SCJG-YYZZ-001", "address", KeyKind.ORGANISATION),
    "enterprise.established": FieldSource("SCJG-YYZZ-001", "established", KeyKind.ORGANISATION),
    "legal_rep.name": FieldSource("SCJG-YYZZ-001", "legal_representative", KeyKind.ORGANISATION),
    "business.scope": FieldSource("SCJG-YYZZ-001", "business_scope", KeyKind.ORGANISATION),
}

# a shared material's resource is read with the key of this kind
RESOURCE_KEYS: dict[str, KeyKind] = {
    "GA-RK-001": KeyKind.PERSON,
    "RS-SB-001": KeyKind.PERSON,
    "SCJG-YYZZ-001": KeyKind.ORGANISATION,
}

MASK_CHARS = frozenset("*＊")


@dataclass(frozen=True, slots=True)
class Need:
    """What one application needs from data: resources to read (with their columns) and
    certificate types to look up."""

    resources: dict[str, tuple[str, ...]]
    certificate_types: tuple[str, ...]


def key_kind(applicant_type: str) -> KeyKind:
    return KeyKind.PERSON if applicant_type == "1" else KeyKind.ORGANISATION


def needs(
    field_codes: Iterable[str], materials: Iterable[tuple[str, str | None]], keys: Mapping[KeyKind, str]
) -> Need:
    """The reads one application makes: ``materials`` as ``(source_kind, source_code)``; only
    what can be keyed with the identities in ``keys``."""
    resources: dict[str, list[str]] = {}
    for code in field_codes:
        src = FIELD_SOURCES.get(code)
        if src is not None and src.key in keys:
            resources.setdefault(src.resource, []).append(src.column)
    certs: list[str] = []
    for kind, source in materials:
        if kind == "shared" and source and RESOURCE_KEYS.get(source) in keys:
            resources.setdefault(source, [])
        elif kind == "certificate" and source:
            certs.append(source)
    return Need({r: tuple(dict.fromkeys(c)) for r, c in resources.items()}, tuple(dict.fromkeys(certs)))


def usable(value: object) -> bool:
    """A value the form may be filled with: present and not masked by the exchange."""
    if value is None:
        return False
    text = str(value).strip()
    return bool(text) and not (set(text) & MASK_CHARS)


def as_text(value: object) -> str:
    return str(value).strip()
