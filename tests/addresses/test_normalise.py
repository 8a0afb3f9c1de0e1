"""Normalisation: length-preserving folding, masking and Chinese numerals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhizhi.addresses.parser.normalise import chinese_to_int, mask, number_value, to_halfwidth


def test_fullwidth_folding() -> None:
    assert to_halfwidth("ＡＢｃ１２３－４　号") == "ABc123-4 号"
    assert to_halfwidth("湖南省") == "湖南省"


@given(st.text())
def test_folding_preserves_length(text: str) -> None:
    assert len(to_halfwidth(text)) == len(text)


def test_mask_matches_corpus_convention() -> None:
    assert mask("B座12号") == ["A", "座", "0", "0", "号"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十一", 21), ("一百零五", 105), ("一二零三", 1203), ("两", 2)],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_int(text) == value


def test_chinese_numerals_reject_other_text() -> None:
    assert chinese_to_int("栋") is None
    assert chinese_to_int("") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("三栋", "3"), ("二单元", "2"), ("1202室", "1202"), ("１２０２室", "1202"), ("十二层", "12"),
     ("b座", "B"), ("932号", "932"), ("12-3号", "12-3")],
)  # fmt: skip
def test_number_values(text: str, value: str) -> None:
    assert number_value(text) == value


def test_number_value_absent() -> None:
    assert number_value("楼") is None
