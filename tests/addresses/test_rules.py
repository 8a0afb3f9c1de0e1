"""Rule layer for room/floor/unit/building numbers left unlabelled by the CRF."""

from __future__ import annotations

from zhizhi.addresses.parser.rules import add_rule_spans


def _labels(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, str]]:
    return [(lab, text[s:e]) for lab, s, e in add_rule_spans(text, spans)]


def test_room_in_gap() -> None:
    text = "华星小区二单元1202室"
    got = _labels(text, [("poi", 0, 4), ("cellno", 4, 7)])
    assert got == [("poi", "华星小区"), ("cellno", "二单元"), ("roomno", "1202室")]


def test_bare_room_after_unit() -> None:
    text = "华星小区2单元1202"
    assert _labels(text, [("poi", 0, 4), ("cellno", 4, 7)])[-1] == ("roomno", "1202")


def test_bare_number_after_road_is_not_a_room() -> None:
    text = "文三路1202"
    assert _labels(text, [("road", 0, 3)]) == [("road", "文三路")]


def test_existing_spans_untouched() -> None:
    text = "3栋2单元"
    spans = [("houseno", 0, 2), ("cellno", 2, 5)]
    assert add_rule_spans(text, spans) == spans


def test_floor_and_building_in_gap() -> None:
    text = "某小区5栋12层"
    got = _labels(text, [("poi", 0, 3)])
    assert ("houseno", "5栋") in got and ("floorno", "12层") in got
