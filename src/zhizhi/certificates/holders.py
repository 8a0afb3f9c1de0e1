"""Holder identifiers: the resident ID number (公民身份号码, GB 11643-1999) and the unified social
credit code (统一社会信用代码, GB 32100-2015), each with its check character. Pure functions."""

from __future__ import annotations

from datetime import date

from zhizhi.certificates.enums import HolderKind
from zhizhi.core.errors import ValidationFailed

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(number: str) -> bool:
    """18 characters, 17 digits and the ISO 7064 MOD 11-2 check character, a real birth date."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1800 and number[17] == id_check_char(number[:17])


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """18 characters of the GB 32100 set, digits at positions 3–8 (the division code), and the
    MOD 31 check character."""
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return code[2:8].isdigit() and code[17] == uscc_check_char(code[:17])


def check_holder_id(kind: HolderKind, value: str, field: str = "holder_id") -> str:
    """``value`` normalised (upper case, no blanks) if valid for ``kind``, else a 422 naming why."""
    value = value.strip().upper()
    if kind is HolderKind.PERSON:
        if not is_valid_id_number(value):
            raise ValidationFailed(
                "公民身份号码无效（应为 18 位，校验码须符合 GB 11643）",
                "invalid resident ID number (18 characters with a GB 11643 check character)",
                field=field,
            )
    elif not is_valid_uscc(value):
        raise ValidationFailed(
            "统一社会信用代码无效（应为 18 位，校验码须符合 GB 32100）",
            "invalid unified social credit code (18 characters with a GB 32100 check character)",
            field=field,
        )
    return value
