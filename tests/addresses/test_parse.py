"""End-to-end parsing: divisions, elements, offsets, values, ambiguity, the JSON contract, errors."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from zhizhi.addresses.parser import ModelUnavailable, ParsedAddress, parse, parse_many
from zhizhi.addresses.parser import model as crf_model

pytestmark = pytest.mark.usefixtures("shipped_model")

ADDR = "湖南省长沙市岳麓区麓山南路932号"


def _codes(r: ParsedAddress) -> dict[str, str]:
    return {lvl: d.code for lvl, d in r.divisions.items()}


def _check_offsets(text: str, r: ParsedAddress) -> None:
    last = 0
    for e in r.elements:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text
        assert e.start >= last
        last = e.end


def test_full_address() -> None:
    r = parse(ADDR)
    assert _codes(r) == {"province": "430000000000", "city": "430100000000", "county": "430104000000"}
    assert r.divisions["county"].name == "岳麓区"
    by_label = {e.label: e for e in r.elements}
    assert by_label["district"].text == "岳麓区"
    assert (by_label["district"].start, by_label["district"].end) == (6, 9)
    assert by_label["road"].text == "麓山南路"
    assert by_label["roadno"].value == "932"
    assert r.confidence > 0.8
    _check_offsets(ADDR, r)


def test_full_width_input_keeps_offsets() -> None:
    text = "湖南省长沙市岳麓区麓山南路９３２号"
    r = parse(text)
    _check_offsets(text, r)
    assert _codes(r)["county"] == "430104000000"
    assert {e.label: e.value for e in r.elements}.get("roadno") == "932"


@pytest.mark.parametrize(
    ("text", "county"),
    [("长沙岳麓区桃子湖路", "430104000000"), ("余杭区五常街道文一西路969号", "330110000000"),
     ("杭州市江干区九堡镇三村", "330102000000")],
)  # fmt: skip
def test_short_forms_infer_missing_levels(text: str, county: str) -> None:
    r = parse(text)
    assert r.divisions["county"].code == county
    assert r.divisions["city"].code == county[:4] + "00000000"
    assert r.divisions["province"].code == county[:2] + "0000000000"


def test_township_resolution() -> None:
    r = parse("浙江省杭州市余杭区五常街道文一西路969号")
    assert r.divisions["township"].name == "五常街道"
    assert r.divisions["township"].code.startswith("330110")


def test_no_county_city() -> None:
    r = parse("广东省东莞市东城街道东纵路88号")
    assert r.divisions["city"].code == "441900000000"
    assert "county" not in r.divisions
    assert r.divisions["township"].code.startswith("441900")


def test_ambiguity_lowers_confidence_and_lists_candidates() -> None:
    alone = parse("朝阳区惠新东街10号")
    assert alone.candidates
    with_context = parse("北京市朝阳区惠新东街10号")
    assert with_context.divisions["county"].code == "110105000000"
    assert with_context.divisions["city"].name == "北京市"
    assert not with_context.candidates
    assert alone.confidence < with_context.confidence


def test_house_unit_room_values() -> None:
    text = "浙江省杭州市西湖区文三路100号华星小区三栋二单元1202室"
    r = parse(text)
    _check_offsets(text, r)
    values = {e.label: e.value for e in r.elements}
    assert values.get("houseno") == "3"
    assert values.get("cellno") == "2"
    assert values.get("roomno") == "1202"


def test_json_contract() -> None:
    d = parse(ADDR).as_dict()
    json.dumps(d, ensure_ascii=False)
    assert set(d) >= {"elements", "divisions", "confidence"}
    assert isinstance(d["confidence"], float) and 0 <= d["confidence"] <= 1
    assert d["elements"] and d["divisions"]  # the loops below check something
    for e in d["elements"]:
        assert set(e) >= {"label", "text", "start", "end"}
        assert ADDR[e["start"] : e["end"]] == e["text"]
    for lvl, div in d["divisions"].items():
        assert lvl in {"province", "city", "county", "township", "village"}
        assert set(div) == {"code", "name"}
        assert len(div["code"]) == 12 and div["code"].isdigit()
    assert d["divisions"]["province"] == {"code": "430000000000", "name": "湖南省"}


def test_parse_many_keeps_order() -> None:
    texts = ["北京市朝阳区", "", ADDR, "广西南宁市青秀区"]
    results = parse_many(texts)
    assert [r.text for r in results] == texts
    assert results[0].divisions["province"].code == "110000000000"
    assert results[1].divisions == {}
    assert results[3].divisions["province"].code == "450000000000"


def test_thread_safety() -> None:
    texts = [ADDR, "北京市朝阳区惠新东街10号", "余杭区五常街道", "广东省东莞市东城街道"] * 25
    expected = [parse(t).as_dict() for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda t: parse(t).as_dict(), texts))
    assert got == expected


def test_non_string_rejected() -> None:
    with pytest.raises(TypeError):
        parse(123)  # type: ignore[arg-type]


def test_missing_model_names_file_and_command(tmp_path: Path) -> None:
    missing = tmp_path / "nope.crfsuite"
    with pytest.raises(ModelUnavailable) as err:
        crf_model.get_tagger(missing)
    assert str(missing) in str(err.value) and "zhizhi addresses train" in str(err.value)


def test_corrupt_model_names_file_and_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a crfsuite model" * 10)
    with pytest.raises(ModelUnavailable) as err:
        crf_model.get_tagger(bad)
    assert str(bad) in str(err.value) and "zhizhi addresses train" in str(err.value)
