from __future__ import annotations

import pytest

from zhizhi.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("07318888666", "0731****66"),
        ("01088886666", "010****66"),
        (None, None),
        ("", ""),
    ],
)
def test_phone(raw: str | None, masked: str | None) -> None:
    assert mask_phone(raw) == masked


def test_name_and_id() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_id_number("430104199001011234") == "430104********1234"
