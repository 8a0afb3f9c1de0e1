"""Pure rules of the exchange: may this consumer read these fields now, and how is each shown.

No session here: the service loads the grant and the fields, these functions decide.  The
property test (tests/sharing/test_authorisation_property.py) drives them through the API with
every combination of role, department, grant and field.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from zhizhi.core.errors import ValidationFailed
from zhizhi.core.masking import HIDDEN, mask_id_number, mask_name, mask_phone
from zhizhi.sharing.enums import Grade, MaskKind, Personal, Purpose


class Disclosure(StrEnum):
    PLAIN = "plain"
    MASKED = "masked"
    WITHHELD = "withheld"


class Refusal(StrEnum):
    """Why an exchange call is refused (each a 403 with the reason, logged)."""

    NO_GRANT = "no_grant"
    EXPIRED = "grant_expired"
    REVOKED = "grant_revoked"
    NOT_YET_VALID = "grant_not_yet_valid"
    PURPOSE = "purpose_not_granted"
    FIELDS = "fields_not_granted"
    CORE = "core_data"


REFUSAL_MESSAGES: dict[Refusal, tuple[str, str]] = {
    Refusal.NO_GRANT: ("本部门没有该资源的共享授权", "your department holds no grant for this resource"),
    Refusal.EXPIRED: ("共享授权已过期", "the grant has expired"),
    Refusal.REVOKED: ("共享授权已被数源部门撤销", "the grant was revoked by the owning department"),
    Refusal.NOT_YET_VALID: ("共享授权尚未生效", "the grant is not valid yet"),
    Refusal.PURPOSE: ("用途不在授权范围内", "the purpose is outside the grant"),
    Refusal.FIELDS: ("请求了未授权的字段", "fields requested that the grant does not cover"),
    Refusal.CORE: ("核心数据不通过交换提供", "core data is never served by the exchange"),
}


@dataclass(frozen=True, slots=True)
class GrantView:
    """The facts of a grant the rules need."""

    id: int
    purpose: str
    fields: frozenset[str]
    plain_fields: frozenset[str]
    valid_from: datetime
    expires_at: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class FieldView:
    name: str
    grade: str
    personal: str
    mask: str


def disclosure(field: FieldView, purpose: str, plain_granted: bool) -> Disclosure:
    """How a granted field is shown, by grade and purpose.

    * core data: never (the request is refused before this);
    * not personal: plain;
    * statistics: personal data always masked (统计不需要识别到人);
    * sensitive personal information: masked unless the owner approved it unmasked;
    * personal information: plain for service delivery and regulation, or when approved
      unmasked; masked for verification (核验 confirms, it does not copy).
    """
    if field.grade == Grade.CORE:
        return Disclosure.WITHHELD
    if field.personal == Personal.NONE:
        return Disclosure.PLAIN
    if purpose == Purpose.STATISTICS:
        return Disclosure.MASKED
    if plain_granted:
        return Disclosure.PLAIN
    if field.personal == Personal.SENSITIVE:
        return Disclosure.MASKED
    if purpose in (Purpose.SERVICE, Purpose.REGULATION):
        return Disclosure.PLAIN
    return Disclosure.MASKED


def choose_grant(
    grants: Iterable[GrantView], purpose: str, now: datetime
) -> tuple[GrantView | None, Refusal | None]:
    """The usable grant for ``purpose`` among a consumer's grants of one resource, or the reason
    there is none (the most specific one: a revoked or expired grant for the purpose says so)."""
    grants = list(grants)
    for_purpose = [g for g in grants if g.purpose == purpose]
    if not for_purpose:
        return None, (Refusal.PURPOSE if grants else Refusal.NO_GRANT)
    live = [g for g in for_purpose if not g.revoked and g.valid_from <= now < g.expires_at]
    if live:
        return max(live, key=lambda g: g.id), None
    if any(not g.revoked and g.expires_at <= now for g in for_purpose):
        return None, Refusal.EXPIRED
    if any(not g.revoked for g in for_purpose):  # neither live nor expired: not started yet
        return None, Refusal.NOT_YET_VALID
    return None, Refusal.REVOKED


OWN_RESOURCE = "own_resource"  # the exchange log's reason for a read under the owner's own rule
OWN_PURPOSES = frozenset({Purpose.SERVICE.value})


def own_grant(
    consumer_department_id: int,
    owner_department_id: int | None,
    purpose: str,
    fields: Mapping[str, FieldView],
    now: datetime,
) -> GrantView | None:
    """The standing rule for a department reading its **own** resource: no sharing request is
    needed (it holds the data already; a grant of a department to itself would be a formality)
    when the purpose is 政务服务办理 — a service the department itself handles — and the
    consumer is exactly the owning department (not a parent, child or sibling).  The read is
    served as under a grant of every field but core-grade ones, plain (the owner's own data),
    and is logged and audited like any other (reason ``own_resource``, no grant id).  Any other
    purpose still needs a grant."""
    if (
        owner_department_id is None
        or consumer_department_id != owner_department_id
        or purpose not in OWN_PURPOSES
    ):
        return None
    names = frozenset(n for n, f in fields.items() if f.grade != Grade.CORE)
    return GrantView(0, purpose, names, names, now, now + timedelta(seconds=1), False)


def check_fields(
    grant: GrantView, asked: Iterable[str] | None, fields: Mapping[str, FieldView]
) -> tuple[list[str], Refusal | None]:
    """The fields to serve: those asked (all granted ones when none asked), every one granted and
    none of core grade."""
    names = list(dict.fromkeys(asked)) if asked else [n for n in fields if n in grant.fields]
    if any(n not in grant.fields or n not in fields for n in names):
        return names, Refusal.FIELDS
    if any(fields[n].grade == Grade.CORE for n in names):
        return names, Refusal.CORE
    return names, None


def _mask_address(value: str) -> str:
    for marker in ("街道", "镇", "乡", "路", "街"):
        at = value.find(marker)
        if at >= 0:
            return value[: at + len(marker)] + HIDDEN
    return HIDDEN


MASKERS: dict[str, Callable[[str], str | None]] = {
    MaskKind.NAME: mask_name,
    MaskKind.ID_NUMBER: mask_id_number,
    MaskKind.PHONE: mask_phone,
    MaskKind.ADDRESS: _mask_address,
}


def masked(field: FieldView, value: object) -> object:
    """``value`` masked by the field's mask kind; what has no masker is hidden whole."""
    if value is None:
        return None
    masker = MASKERS.get(field.mask)
    return masker(str(value)) if masker else HIDDEN


def shape(
    record: Mapping[str, object], names: list[str], fields: Mapping[str, FieldView], grant: GrantView
) -> dict[str, object]:
    """The record as the consumer receives it: only ``names``, each plain or masked."""
    out: dict[str, object] = {}
    for name in names:
        field = fields[name]
        how = disclosure(field, grant.purpose, name in grant.plain_fields)
        value = record.get(name)
        if how is Disclosure.PLAIN:
            out[name] = value
        elif how is Disclosure.MASKED:
            out[name] = masked(field, value)
    return out


# ---- client certificates (mutual TLS behind a proxy) ----------------------------------------

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def normalise_fingerprint(value: str | None) -> str | None:
    """A SHA-256 certificate fingerprint as 64 lower-case hex digits (the forms proxies pass:
    ``AB:CD:…``, ``abcd…``, with or without a ``sha256:``/``SHA256=`` prefix); None when blank;
    :class:`ValidationFailed` when it is not one."""
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    for prefix in ("sha256:", "sha256="):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.replace(":", "")
    if not _HEX64.match(text):
        raise ValidationFailed(
            "证书指纹应为 SHA-256 的 64 位十六进制数",
            "the certificate fingerprint must be a SHA-256 digest: 64 hexadecimal digits",
            field="fingerprint",
        )
    return text


def certificate_matches(registered: str | None, presented: str | None) -> bool:
    """Whether a token request may proceed: a system without a registered certificate always
    may; one with a certificate only with exactly that certificate's fingerprint."""
    if registered is None:
        return True
    if presented is None:
        return False
    try:
        value = normalise_fingerprint(presented)
    except ValidationFailed:
        return False
    return value is not None and hmac.compare_digest(registered, value)
