"""Robustness: any string gives a result (never an exception); junk gets low confidence."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhizhi.addresses.parser import parse

pytestmark = pytest.mark.usefixtures("shipped_model")

JUNK = [
    "",
    "   ",
    "\n\t",
    "😀🏠🚀" * 5,
    "hello world, this is not an address",
    "SELECT * FROM addresses WHERE 1=1; DROP TABLE cases;--",
    "1234567890" * 3,
    "ＡＢＣ１２３",
    "\x00\x01\x02",
    "a" * 10_000,
]


@pytest.mark.parametrize("text", JUNK)
def test_junk_low_confidence_no_divisions(text: str) -> None:
    r = parse(text)
    assert r.divisions == {}
    assert r.confidence < 0.3
    for e in r.elements:
        assert text[e.start : e.end] == e.text


def test_long_address_text() -> None:
    text = ("湖南省长沙市岳麓区麓山南路932号" + "附近" * 20) * 200
    text = text[:10_000]
    r = parse(text)
    assert len(text) == 10_000
    assert r.divisions["county"].code == "430104000000"
    assert r.elements and all(text[e.start : e.end] == e.text for e in r.elements)


def test_mixed_scripts() -> None:
    r = parse("Room 1202, 湖南省长沙市岳麓区 Lushan South Rd 😀")
    assert r.divisions["county"].code == "430104000000"


_chars = st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z", "Cc"])
_address_like = st.lists(
    st.sampled_from(
        ["湖南省", "长沙", "岳麓区", "朝阳区", "路", "12", "号", "三栋", "单元", "😀", "A", " ", "-"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(_chars, max_size=60), _address_like))
def test_any_text_parses(text: str) -> None:
    r = parse(text)
    assert 0.0 <= r.confidence <= 1.0
    prev = 0
    for e in r.elements:
        assert prev <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text
        prev = e.end
    codes = [d.code for d in r.divisions.values()]
    assert all(len(c) == 12 and c.isdigit() for c in codes)
    # the path is a chain: each deeper code extends its parent's non-zero prefix
    assert codes == sorted(codes, key=lambda c: len(c.rstrip("0")))
    r.as_dict()
