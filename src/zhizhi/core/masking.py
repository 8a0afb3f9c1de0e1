"""Masking conventions for personal information (configurable in one place)."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """138****1234 for mobiles; area code + **** + last 2 for landlines."""
    if not phone:
        return phone
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]}****{phone[-4:]}"
    if phone.startswith("0") and len(phone) >= 10:
        area = 3 if phone[1] in "12" else 4  # 010, 02x are three digits; the rest four
        return f"{phone[:area]}****{phone[-2:]}"
    return "****"


def mask_name(name: str | None) -> str | None:
    """Keep the surname: 张三 → 张*, 欧阳娜娜 → 欧***."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id_number(number: str | None) -> str | None:
    """Keep the first 6 and last 4 characters of a resident ID number."""
    if not number or len(number) < 10:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
