"""Masking conventions, edge cases written out by hand."""

from __future__ import annotations

import pytest

from zhizhi.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        # mobiles: first 3 and last 4
        ("13812341234", "138****1234"),
        ("19987654321", "199****4321"),
        ("138-1234-1234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        # landlines with a 3-digit area code: 010 and 020–029
        ("01088886666", "010****66"),
        ("010-88886666", "010****66"),
        ("02088886666", "020****66"),
        ("020-88886666", "020****66"),
        ("02188886666", "021****66"),
        ("02912345678", "029****78"),
        ("(029)12345678", "029****78"),
        ("0108888666", "010****66"),  # 10 digits: the shortest landline with its area code
        # landlines with a 4-digit area code
        ("07318888666", "0731****66"),
        ("0731-8888666", "0731****66"),
        ("073188886666", "0731****66"),
        ("0731 8888 6661", "0731****61"),
        ("03111234567", "0311****67"),
        # too short, too long or not a phone number: hidden whole
        ("088886666", "****"),
        ("010-1234", "****"),
        ("88886666", "****"),
        ("1381234123", "****"),  # 10 digits starting with 1
        ("138123412345", "****"),  # 12 digits starting with 1
        ("23812341234", "****"),  # 11 digits not starting with 1 or 0
        ("+8613812341234", "****"),
        ("12345", "****"),
        ("1", "****"),
        ("0", "****"),
        ("abc", "****"),
        # nothing to mask
        (None, None),
        ("", ""),
    ],
)
def test_phone(raw: str | None, masked: str | None) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三", "张*"),
        ("李小龙", "李**"),
        ("张", "*"),  # one character: nothing may be shown
        ("欧阳娜娜", "欧***"),  # compound surname: only its first character stays
        ("司马相如", "司***"),
        ("欧阳", "欧*"),
        ("阿卜杜热合曼·买买提", "阿*********"),
        (" 张三 ", "张*"),
        ("  ", ""),
        (" 王 ", "*"),
        ("Li", "L*"),
        (None, None),
        ("", ""),
    ],
)
def test_name(raw: str | None, masked: str | None) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("430104199001011234", "430104********1234"),  # 18 characters
        ("43010419900101123X", "430104********123X"),
        ("430104900101123", "430104*****1123"),  # 15 characters (first generation)
        ("12345678901", "123456*8901"),  # 11: the shortest that keeps its ends
        ("1234567890", "****"),  # 10 would be shown whole by the rule
        ("123456789", "****"),
        ("1", "****"),
        (None, None),
        ("", ""),
    ],
)
def test_id_number(raw: str | None, masked: str | None) -> None:
    assert mask_id_number(raw) == masked
