"""Pure rules of service items: the shape of basic and implementation codes (GB/T 39554.1),
unified social credit code checksums (GB 32100), material source channels, and limits
(promised ≤ legal, 即办件 0).  No database; every function raises ``ValidationFailed`` with both
languages and the field, or returns the normalised value."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhizhi.core.errors import ValidationFailed
from zhizhi.services.items.enums import CaseType, LimitUnit, SourceKind

BASIC_CODE = re.compile(r"[0-9A-Z]{12}")
IMPLEMENTATION_CODE = re.compile(r"[0-9A-Z]{31}")
CANONICAL_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")  # material and field codes
RESOURCE_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,59}")
CERT_TYPE_CODE = re.compile(r"[a-z][a-z0-9_]{0,59}")

# GB 32100-2015: 31 characters (no I, O, Z, S, V) with weights 3^i mod 31.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are ``first17``."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_credit_code(value: str) -> bool:
    """GB 32100 shape and checksum (统一社会信用代码)."""
    return bool(_USCC.fullmatch(value)) and credit_code_check_char(value[:17]) == value[17]


def check_basic_code(value: str, field: str = "basic_code") -> str:
    code = value.strip().upper()
    if not BASIC_CODE.fullmatch(code):
        raise ValidationFailed(
            "基本编码应为 12 位数字或大写字母",
            "The basic code must be 12 digits or capital letters",
            field=field,
        )
    return code


def check_implementation_code(value: str, basic_code: str, field: str = "implementation_code") -> str:
    """GB/T 39554.1 implementation code: the implementing body's unified social credit code (18),
    the item's variant character (1), then the basic code (12) — 31 characters in all."""
    code = value.strip().upper()
    if not IMPLEMENTATION_CODE.fullmatch(code):
        raise ValidationFailed(
            "实施编码应为 31 位数字或大写字母",
            "The implementation code must be 31 digits or capital letters",
            field=field,
        )
    if not is_credit_code(code[:18]):
        raise ValidationFailed(
            "实施编码的前 18 位应为实施主体的统一社会信用代码（校验位不符）",
            "The first 18 characters of the implementation code must be the implementing body's "
            "unified social credit code (its check character does not match)",
            field=field,
        )
    if code[-12:] != basic_code:
        raise ValidationFailed(
            "实施编码的后 12 位应与基本编码一致",
            "The last 12 characters of the implementation code must be the basic code",
            field=field,
        )
    return code


@dataclass(frozen=True, slots=True)
class Source:
    kind: SourceKind
    code: str | None  # resource code (shared) or certificate type code (certificate)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.code}" if self.code else self.kind.value


def parse_source(value: str, field: str = "source") -> Source:
    """``applicant`` | ``issued`` | ``shared:<resource code>`` | ``certificate:<type code>``."""
    raw = value.strip()
    kind_text, sep, code = raw.partition(":")
    try:
        kind = SourceKind(kind_text)
    except ValueError:
        raise ValidationFailed(
            "材料来源应为 applicant、issued、shared:资源编码 或 certificate:证照类型编码",
            "The material source must be applicant, issued, shared:<resource code> or "
            "certificate:<certificate type code>",
            field=field,
        ) from None
    if kind in (SourceKind.APPLICANT, SourceKind.ISSUED):
        if sep:
            raise ValidationFailed("该来源不带编码", "This source takes no code after the colon", field=field)
        return Source(kind, None)
    pattern = RESOURCE_CODE if kind is SourceKind.SHARED else CERT_TYPE_CODE
    if not sep or not pattern.fullmatch(code):
        raise ValidationFailed(
            "共享来源应写作 shared:资源编码，证照来源应写作 certificate:证照类型编码",
            "A shared source is written shared:<resource code>, a certificate source "
            "certificate:<certificate type code>",
            field=field,
        )
    return Source(kind, code)


@dataclass(frozen=True, slots=True)
class Limit:
    value: int
    unit: LimitUnit

    def as_dict(self) -> dict[str, int | str]:
        return {"value": self.value, "unit": self.unit.value}


MAX_LIMIT = {LimitUnit.WORKING_DAY: 400, LimitUnit.CALENDAR_DAY: 600, LimitUnit.HOUR: 2000}


def check_limits(case_type: CaseType, legal: Limit, promised: Limit) -> None:
    """即办件: both limits 0.  承诺件: legal > 0, 0 < promised ≤ legal in the same unit."""
    for name, limit in (("legal_limit", legal), ("promised_limit", promised)):
        if limit.value < 0 or limit.value > MAX_LIMIT[limit.unit]:
            raise ValidationFailed(
                f"时限应在 0 到 {MAX_LIMIT[limit.unit]} 之间",
                f"The limit must be between 0 and {MAX_LIMIT[limit.unit]}",
                field=f"{name}.value",
            )
    if case_type is CaseType.IMMEDIATE:
        if legal.value or promised.value:
            raise ValidationFailed(
                "即办件的法定时限和承诺时限均应为 0",
                "An item decided on the spot has legal and promised limits of 0",
                field="legal_limit.value" if legal.value else "promised_limit.value",
            )
        return
    if legal.value == 0:
        raise ValidationFailed(
            "承诺件的法定时限应大于 0（当场办结的事项请选择即办件）",
            "A promised item needs a legal limit above 0 (choose 'decided on the spot' otherwise)",
            field="legal_limit.value",
        )
    if promised.value == 0:
        raise ValidationFailed(
            "承诺件的承诺时限应大于 0",
            "A promised item needs a promised limit above 0",
            field="promised_limit.value",
        )
    if promised.unit is not legal.unit:
        raise ValidationFailed(
            "承诺时限应与法定时限使用同一单位",
            "The promised limit must use the legal limit's unit",
            field="promised_limit.unit",
        )
    if promised.value > legal.value:
        raise ValidationFailed(
            f"承诺时限（{promised.value}）不得超过法定时限（{legal.value}）",
            f"The promised limit ({promised.value}) must not exceed the legal limit ({legal.value})",
            field="promised_limit.value",
        )
