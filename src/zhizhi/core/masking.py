"""Masking of personal information for views that may not show it (DOMAIN.md §7 conventions).

Every masked view goes through these functions; what cannot be recognised is hidden whole
(``****``), never shown as it came.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-()（）]")
HIDDEN = "****"


def mask_phone(phone: str | None) -> str | None:
    """A mobile keeps its first 3 and last 4 digits (138****1234); a landline its area code and
    last 2 digits — 3-digit area codes 010 and 020–029 (010****66), 4-digit ones otherwise
    (0731****66). Spaces, dashes and brackets are ignored. Anything else, including a number too
    short to be either, becomes ``****``; ``None`` and ``""`` come back as they are."""
    if not phone:
        return phone
    digits = _SEPARATORS.sub("", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 10:
        area = 3 if digits.startswith(("010", "02")) else 4
        return f"{digits[:area]}****{digits[-2:]}"
    return HIDDEN


def mask_name(name: str | None) -> str | None:
    """Keep only the first character, one ``*`` for each other one: 张三 → 张*, 欧阳娜娜 → 欧***
    (of a compound surname only its first character stays). A one-character name is hidden
    whole (张 → *). Surrounding blanks are dropped; ``None`` and ``""`` come back as they are."""
    if not name:
        return name
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(number: str | None) -> str | None:
    """A resident ID number keeps its first 6 and last 4 characters (430104********1234 for 18,
    430104*****1234 for 15); anything of 10 characters or fewer, which that rule would show whole,
    becomes ``****``. ``None`` and ``""`` come back as they are."""
    if not number:
        return number
    if len(number) <= 10:
        return HIDDEN
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
