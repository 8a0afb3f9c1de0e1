"""Personal data in free text (core.masking): each detector's edges written out by hand — the
mutation check (docs/mutation.md) runs these against every mutant of core/masking.py."""

from __future__ import annotations

import pytest

from zhizhi.core.masking import (
    classify_number,
    find_personal,
    id_number_valid,
    luhn_valid,
    mask_bank_card,
    mask_plate,
    redact_text,
)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),  # GB 11643's own example, check character X
        ("11010519491231002x", True),  # a lowercase x counts
        ("430104199001011230", True),
        ("440304198512010019", True),
        ("430102198003078888", True),
        ("430104199001011231", False),  # wrong check digit
        ("11010519491231002Y", False),
        ("43010419900101123", False),  # 17 characters
        ("4301041990010112300", False),  # 19
        ("4301041990010112X0", False),  # a letter among the first 17
        ("", False),
    ],
)
def test_id_number_checksum(number: str, valid: bool) -> None:
    assert id_number_valid(number) is valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("6222021234567894", True),  # doubled digits of 5 and more lose 9
        ("6222021234567895", False),
        ("79927398713", True),  # the textbook example
        ("79927398710", False),
        ("41111111111111a1", False),
        ("0", True),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("11010519491231002X", "id_number"),
        ("430104199001011230", "id_number"),
        ("430104199001011231", None),  # neither an ID number nor Luhn-valid
        ("1381234567X", None),  # an X outside an ID number
        ("4111111111111111", "bank_card"),  # 16 digits
        ("6222021234567894", "bank_card"),
        ("6222021234567890128", "bank_card"),  # 19 digits
        ("62220212345678901234", None),  # 20 digits, Luhn-valid
        ("622202123456782", None),  # 15 digits, Luhn-valid
        ("13812345678", "mobile"),
        ("19912345678", "mobile"),
        ("13012345678", "mobile"),
        ("12812345678", None),  # no mobile starts 12
        ("23812345678", None),
        ("1381234567", None),  # 10 digits
        ("138123456789", None),  # 12 digits
        ("0731888812", "landline"),  # 10 digits
        ("07318888123", "landline"),
        ("073188881234", "landline"),  # 12 digits
        ("0731888812345", None),  # 13
        ("073188881", None),  # 9
        ("1731888812", None),  # no leading 0
    ],
)
def test_classify_number(digits: str, kind: str | None) -> None:
    assert classify_number(digits) == kind


def test_masks_of_cards_and_plates() -> None:
    assert mask_bank_card("6222021234567894") == "6222********7894"
    assert mask_bank_card("6222021234567890128") == "6222***********0128"
    assert mask_plate("湘A12345") == "湘A***45"
    assert mask_plate("湘AD12345") == "湘A****45"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("电话13812345678，谢谢", [(2, 13, "mobile")]),
        ("13812345678 2次", [(0, 11, "mobile")]),  # the longest stretch of whole groups
        ("打 138 1234 5678 或 138-1234-5678", [(2, 15, "mobile"), (18, 31, "mobile")]),
        ("13812345678 13912345678", [(0, 11, "mobile"), (12, 23, "mobile")]),
        ("2 13812345678", [(2, 13, "mobile")]),
        ("0731-88881234", [(0, 13, "landline")]),
        ("身份证11010519491231002X。", [(3, 21, "id_number")]),
        ("卡号 6222 0212 3456 7894", [(3, 22, "bank_card")]),
        ("No13812345678", []),  # touching a Latin letter
        ("13812345678a", []),
        ("138123456789", []),
        ("2024-05-01 12:30", []),
        ("订单 12345678901234567890", []),
        ("车牌湘A12345", [(2, 9, "plate")]),
        ("湘AD12345和湘A12345D", [(0, 8, "plate"), (9, 17, "plate")]),
        ("湘A·1234学", [(0, 8, "plate")]),
        ("湘A•12345 湘A 12345", [(0, 8, "plate"), (9, 17, "plate")]),
        ("湘I12345", []),  # no I or O after the province
        ("湘A123456", []),  # 6 digits are no plate
        ("XA12345", []),
        ("ABC湘A12345", []),
        ("湘A12345，电话13812345678", [(0, 7, "plate"), (10, 21, "mobile")]),
        ("电话13812345678，湘A12345", [(2, 13, "mobile"), (14, 21, "plate")]),
    ],
)
def test_find_personal(text: str, found: list[tuple[int, int, str]]) -> None:
    assert find_personal(text) == found


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678，谢谢", "电话138****5678，谢谢"),
        ("打 138 1234 5678 吧", "打 138****5678 吧"),
        ("座机0731-88881234", "座机0731****34"),
        ("身份证11010519491231002X", "身份证110105********002X"),
        ("卡号 6222 0212 3456 7894 请退款", "卡号 6222********7894 请退款"),
        ("湘A·12345 湘A•12345 湘A 12345 湘AD12345", "湘A***45 湘A***45 湘A***45 湘A****45"),
        ("没有个人信息 2024-05-01", "没有个人信息 2024-05-01"),
        ("", ""),
    ],
)
def test_redact_text(text: str, masked: str) -> None:
    assert redact_text(text) == masked
