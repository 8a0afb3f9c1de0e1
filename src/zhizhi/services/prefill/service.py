"""免提交 use cases: read, with the applicant's consent, what shared data and the certificate
library hold for an application, and record per application what the applicant did not have to
provide.

Reads go through the data-sharing exchange as the internal consumer ``zhizhi-services`` of the
item's implementing department (so under that department's grant for purpose 政务服务办理, each
read in the exchange log and the audit trail) and through ``certificates.lookup_for_holder``
(audited).  A member of the public gets their own person data only: the ID number given must be
the one linked to their account (实名认证, ``sharing.exchange.is_verified_subject``); a window
clerk has seen the ID card.  Organisation data (营业执照) is keyed by the credit code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.certificates import service as certificates
from zhizhi.certificates.enums import Status as CertStatus
from zhizhi.core import audit, clock
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.services.prefill import repository as repo
from zhizhi.services.prefill import rules
from zhizhi.services.prefill.models import PrefillRecord
from zhizhi.sharing import exchange
from zhizhi.sharing.enums import Purpose

INTERNAL_CLIENT = "zhizhi-services"
PURPOSE_TEXT = "政务服务办理"


@dataclass(frozen=True, slots=True)
class Identity:
    """Whom the data is about: the applicant's ID number (a person, or the legal representative
    of an organisation) and the organisation's credit code."""

    applicant_type: str
    id_number: str | None
    credit_code: str | None


@dataclass(slots=True)
class Fetched:
    values: dict[str, str] = field(default_factory=dict)  # field code -> value from shared data
    materials: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> {source, ref}
    missing: dict[str, str] = field(default_factory=dict)  # material code -> why it is still asked


@dataclass(slots=True)
class ReadCache:
    """Reads already made in one unit of work, per (department, resource) and certificate type:
    a bundle's parts of one department read once."""

    records: dict[tuple[int, str], dict[str, Any] | None] = field(default_factory=dict)
    refusals: dict[tuple[int, str], str] = field(default_factory=dict)
    certificates: dict[tuple[int, str], str | None] = field(default_factory=dict)


def reader(department_id: int) -> Principal:
    """The internal system reading certificates for a department (never a person's login)."""
    return Principal(0, INTERNAL_CLIENT, "一网通办受理系统", Role.HANDLER, department_id, None)


def keys_for(session: Session, principal: Principal, identity: Identity) -> dict[rules.KeyKind, str]:
    """The keys data may be read with for this caller: an organisation's credit code always
    (营业执照 is public register data); a person's ID number for the verified person themself,
    or for staff receiving the application at a window."""
    keys: dict[rules.KeyKind, str] = {}
    if identity.credit_code:
        keys[rules.KeyKind.ORGANISATION] = identity.credit_code.strip().upper()
    if identity.id_number:
        number = identity.id_number.strip().upper()
        if principal.role != Role.PUBLIC or exchange.is_verified_subject(session, principal.user_id, number):
            keys[rules.KeyKind.PERSON] = number
    return keys


def _read(
    session: Session, cache: ReadCache, department_id: int, resource: str, key: str
) -> tuple[dict[str, Any] | None, str | None]:
    slot = (department_id, resource)
    if slot in cache.records:
        return cache.records[slot], cache.refusals.get(slot)
    consumer = exchange.Consumer(INTERNAL_CLIENT, department_id)
    record: dict[str, Any] | None = None
    reason: str | None = None
    try:
        answer = exchange.call(session, consumer, resource, key, Purpose.SERVICE.value, None)
    except exchange.ExchangeRefused as refused:  # logged by the exchange; asked as usual
        reason = str(refused.extra.get("reason") or "refused")
    except DomainError:
        reason = "unavailable"
    else:
        if answer.get("found"):
            record = dict(answer["record"])
        else:
            reason = "not_found"
    cache.records[slot] = record
    if reason:
        cache.refusals[slot] = reason
    return record, reason


def _certificate(
    session: Session, cache: ReadCache, department_id: int, type_code: str, holders: Sequence[str]
) -> str | None:
    slot = (department_id, type_code)
    if slot in cache.certificates:
        return cache.certificates[slot]
    number: str | None = None
    for holder in holders:
        try:
            rows = certificates.lookup_for_holder(
                session, holder, [type_code], reader=reader(department_id), purpose=PURPOSE_TEXT
            )
        except DomainError:
            continue
        usable = [c for c in rows if certificates.effective_status(c) is CertStatus.VALID]
        if usable:
            number = usable[0].number
            break
    cache.certificates[slot] = number
    return number


def fetch(
    session: Session,
    principal: Principal,
    *,
    department_id: int,
    identity: Identity,
    field_codes: Iterable[str],
    materials: Iterable[tuple[str, str, str | None]],
    cache: ReadCache | None = None,
) -> Fetched:
    """What data provides for one application of ``department_id``: ``materials`` as
    ``(code, source_kind, source_code)``.  Refusals and misses leave the material asked."""
    cache = cache or ReadCache()
    keys = keys_for(session, principal, identity)
    materials = list(materials)
    codes = list(field_codes)
    need = rules.needs(codes, [(k, c) for _, k, c in materials], keys)
    out = Fetched()
    records: dict[str, dict[str, Any] | None] = {}
    reasons: dict[str, str | None] = {}
    for resource in need.resources:
        kind = rules.RESOURCE_KEYS.get(resource)
        key = keys.get(kind) if kind else None
        if key is None:
            continue
        records[resource], reasons[resource] = _read(session, cache, department_id, resource, key)
    for code in codes:
        src = rules.FIELD_SOURCES.get(code)
        record = records.get(src.resource) if src else None
        if src is not None and record is not None and rules.usable(record.get(src.column)):
            out.values[code] = rules.as_text(record[src.column])
    holders = [keys[k] for k in (rules.KeyKind.PERSON, rules.KeyKind.ORGANISATION) if k in keys]
    for code, source_kind, source_code in materials:
        if source_kind == "shared" and source_code:
            if records.get(source_code) is not None:
                out.materials[code] = {"source": f"shared:{source_code}", "ref": source_code}
            else:
                out.missing[code] = reasons.get(source_code) or "no_identity"
        elif source_kind == "certificate" and source_code:
            number = _certificate(session, cache, department_id, source_code, holders) if holders else None
            if number:
                out.materials[code] = {"source": f"certificate:{source_code}", "ref": number}
            else:
                out.missing[code] = "no_certificate" if holders else "no_identity"
    return out


def confirm(
    values: Mapping[str, str], form: Mapping[str, Any], codes: Iterable[str]
) -> tuple[dict[str, Any], list[str]]:
    """The form of one application with data's values: a field the applicant left blank gets
    the value read from data (shown to them pre-filled; submitting is their confirmation); a
    value they typed wins.  Returns the final form and the field codes whose final value is
    data's (the fields they did not have to provide)."""
    final = {k: v for k, v in form.items()}
    for code in codes:
        given = final.get(code)
        if (given is None or str(given).strip() == "") and code in values:
            final[code] = values[code]
    return final, confirmed(values, final)


def confirmed(values: Mapping[str, str], final: Mapping[str, Any]) -> list[str]:
    """Field codes whose submitted value is the one data provided (counted as not asked)."""
    return sorted(c for c, v in final.items() if c in values and str(v).strip() == values[c])


def record(
    session: Session,
    principal: Principal,
    case_id: int,
    *,
    consent: bool,
    fields_total: int,
    materials_total: int,
    fields: Sequence[str],
    materials: Sequence[dict[str, str]],
) -> PrefillRecord:
    """Store one application's 免提交 figure (the fields pre-filled and confirmed, the materials
    provided by data); audited."""
    now = clock.now()
    row = PrefillRecord(
        case_id=case_id,
        consent=consent,
        consent_at=now if consent else None,
        fields_total=fields_total,
        fields_saved=min(len(fields), fields_total),
        materials_total=materials_total,
        materials_saved=min(len(materials), materials_total),
        fields=list(fields),
        materials=list(materials),
        created_at=now,
    )
    repo.add(session, row)
    audit.record(
        session,
        "services.prefill_recorded",
        principal.actor,
        object_type="case",
        object_id=case_id,
        consent=consent,
        fields=list(fields),
        materials=[m["source"] for m in materials],
    )
    return row


@dataclass(frozen=True, slots=True)
class Figure:
    consent: bool
    fields_total: int
    fields_saved: int
    materials_total: int
    materials_saved: int
    fields: tuple[str, ...]
    materials: tuple[dict[str, str], ...]


def figures(session: Session, case_ids: Sequence[int]) -> dict[int, Figure]:
    """The 免提交 figures of these applications (the caller has checked it may see them)."""
    return {
        case_id: Figure(
            r.consent,
            r.fields_total,
            r.fields_saved,
            r.materials_total,
            r.materials_saved,
            tuple(r.fields),
            tuple(r.materials),
        )
        for case_id, r in repo.records_of(session, case_ids).items()
    }
