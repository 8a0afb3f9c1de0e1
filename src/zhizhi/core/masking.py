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


# ---- personal data in free text ----------------------------------------------------------------
#
# An appeal's words may carry a phone number, an ID number, a bank card or a plate number. At
# intake they are found here and masked in the stored text (the original text is kept encrypted,
# docs/crypto.md). Digits are read in runs: digits joined by single spaces or dashes, not touching
# a Latin letter or another digit; within a run, the longest stretch of whole groups that is one
# of the kinds below is taken, left to right.

_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ \-][0-9]+)*[Xx]?(?![0-9A-Za-z])")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# a province, its city letter (no I, no O), an optional dot, then 湘A12345 / 湘A1234学 (5
# characters) or new-energy plates of 8 characters: 湘AD12345 (small car: D or F, a letter or
# digit, 4 digits) and 湘A12345D (large car: 5 digits, then D or F)
_PLATE = re.compile(
    r"(?<![0-9A-Za-z])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·• ]?"
    r"(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警])(?![0-9A-Za-z])"
)


def id_number_valid(number: str) -> bool:
    """An 18-character resident ID number whose last character is its GB 11643 check character
    (weighted sum of the first 17 digits mod 11 → ``10X98765432``); ``x`` counts as ``X``."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(number[i]) * _ID_WEIGHTS[i] for i in range(17))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    """The Luhn check of bank card numbers: the last digit is the check digit; of the others,
    from the right, every first, third … digit is doubled (less 9 above 9), and the check digit
    tops their sum up to a multiple of 10."""
    if not digits.isdigit():
        return False
    payload, check = digits[:-1], int(digits[-1])
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10 == check


def classify_number(digits: str) -> str | None:
    """What a run of digits (no separators) is: ``id_number`` (18, valid check character),
    ``bank_card`` (16–19 digits, Luhn), ``mobile`` (11 digits, 1 then 3–9), ``landline`` (0 and
    9–11 more digits), else ``None``. An ID number is tried first: one that also passes Luhn is
    still an ID number."""
    if id_number_valid(digits):
        return "id_number"
    if not digits.isdigit():
        return None
    if 16 <= len(digits) <= 19 and luhn_valid(digits):
        return "bank_card"
    if len(digits) == 11 and digits[0] == "1" and digits[1] >= "3":
        return "mobile"
    if digits[0] == "0" and 10 <= len(digits) <= 12:
        return "landline"
    return None


def mask_bank_card(digits: str) -> str:
    """First 4 and last 4 digits: 6222021234567890 → 6222********7890."""
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_plate(plate: str) -> str:
    """The province and city letter and the last 2 characters: 湘A12345 → 湘A***45,
    湘AD12345 → 湘A****45."""
    return plate[:2] + "*" * (len(plate) - 4) + plate[-2:]


_MASKS = {
    "id_number": mask_id_number,
    "bank_card": mask_bank_card,
    "mobile": mask_phone,
    "landline": mask_phone,
}


def find_personal(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every phone, ID number, bank card and plate number in ``text``,
    in order, not overlapping."""
    found: list[tuple[int, int, str]] = []
    for run in _RUN.finditer(text):
        groups = list(_GROUP.finditer(run.group()))
        while groups:
            for j in range(len(groups), 0, -1):
                kind = classify_number("".join(g.group() for g in groups[:j]))
                if kind is not None:
                    found.append((run.start() + groups[0].start(), run.start() + groups[j - 1].end(), kind))
                    break
            else:
                j = 1
            groups = groups[j:]
    found.extend((m.start(), m.end(), "plate") for m in _PLATE.finditer(text))
    return sorted(found)


def redact_text(text: str) -> str:
    """``text`` with each finding of :func:`find_personal` masked (separators inside a number
    dropped): 电话 138 0731 1234 → 电话 138****1234."""
    out, last = [], 0
    for start, end, kind in find_personal(text):
        found = text[start:end]
        if kind == "plate":
            masked = mask_plate(found.replace("·", "").replace("•", "").replace(" ", ""))
        else:
            masked = str(_MASKS[kind](re.sub(r"[ \-]", "", found)))
        out.append(text[last:start] + masked)
        last = end
    out.append(text[last:])
    return "".join(out)
