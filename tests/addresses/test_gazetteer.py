"""Gazetteer: bundled data, short forms, aliases, placeholders, no-county cities, the build function."""

from __future__ import annotations

import csv
import lzma
from pathlib import Path

from zhizhi.addresses.parser.build_data import build_gazetteer_data, pad12, read_rows
from zhizhi.addresses.parser.gazetteer import Gazetteer, get_gazetteer, level_of, short_forms


def test_pad_and_levels() -> None:
    assert pad12("43") == "430000000000"
    assert level_of("430000000000") == "province"
    assert level_of("430100000000") == "city"
    assert level_of("430104000000") == "county"
    assert level_of("430104001000") == "township"
    assert level_of("430104001001") == "village"


def test_short_forms() -> None:
    assert "湖南" in short_forms("湖南省", "province")
    assert "广西" in short_forms("广西壮族自治区", "province")
    assert "长沙" in short_forms("长沙市", "city")
    assert "余杭" in short_forms("余杭区", "county")
    assert "湘西" in short_forms("湘西土家族苗族自治州", "city")
    assert "黔东南" in short_forms("黔东南苗族侗族自治州", "city")


def test_lookup_short_forms_resolve() -> None:
    gaz = get_gazetteer()
    assert "430100000000" in gaz.lookup("长沙")
    assert gaz.lookup("余杭")[0] == "330110000000"
    assert "430000000000" in gaz.lookup("湖南")
    assert gaz.lookup("广西") == ["450000000000"]
    assert gaz.nodes["450000000000"].name == "广西壮族自治区"


def test_abolished_names_alias() -> None:
    gaz = get_gazetteer()
    assert gaz.lookup("江东区") == ["330212000000"]
    assert gaz.lookup("绍兴县") == ["330603000000"]
    assert "330111000000" in gaz.lookup("富阳市")  # county-level city → district


def test_placeholder_cities_not_matched_by_name() -> None:
    gaz = get_gazetteer()
    assert gaz.lookup("市辖区") == []
    assert gaz.lookup("省直辖县级行政区划") == []
    assert gaz.nodes["110100000000"].display == "北京市"


def test_no_county_cities() -> None:
    gaz = get_gazetteer()
    for city in ("441900000000", "442000000000", "460400000000"):
        kids = gaz.nodes[city].children
        assert kids, city
        assert all(level_of(k) == "township" for k in kids)
        assert len(gaz.ancestors(kids[0])) == 3


def test_bundled_villages_cover_hunan() -> None:
    gaz = get_gazetteer()
    villages = [c for c in gaz.nodes if level_of(c) == "village"]
    assert len(villages) > 20_000
    assert all(c.startswith("43") for c in villages)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_build_function_on_tiny_tables(tmp_path: Path) -> None:
    _write(tmp_path / "provinces.csv", ["code", "name"], [["43", "湖南省"], ["44", "广东省"]])
    _write(
        tmp_path / "cities.csv",
        ["code", "name", "provinceCode"],
        [["4301", "长沙市", "43"], ["4419", "东莞市", "44"]],
    )
    _write(
        tmp_path / "areas.csv",
        ["code", "name", "cityCode", "provinceCode"],
        [["430104", "岳麓区", "4301", "43"], ["441900", "东莞市", "4419", "44"]],
    )
    _write(
        tmp_path / "streets.csv",
        ["code", "name", "areaCode", "provinceCode", "cityCode"],
        [
            ["430104001", "岳麓街道", "430104", "43", "4301"],
            ["441900003", "东城街道", "441900", "44", "4419"],
        ],
    )
    with lzma.open(tmp_path / "villages.csv.xz", "wt", encoding="utf-8") as fh:
        fh.write("code,name,streetCode,provinceCode,cityCode,areaCode\n")
        fh.write("430104001001,桃子湖社区居委会,430104001,43,4301,430104\n")
        fh.write("441900003001,东城社区居委会,441900003,44,4419,441900\n")
    out = tmp_path / "out.tsv.xz"
    stats = build_gazetteer_data(tmp_path, out)
    rows = read_rows(out)
    assert stats["rows"] == len(rows) == 8
    codes = [c for c, _ in rows]
    assert "441900000000" in codes  # the city
    assert codes == sorted(codes)
    assert "441900003001" not in codes  # villages outside Hunan skipped by default
    gaz = Gazetteer(rows)
    assert gaz.nodes["441900003000"].parent == "441900000000"
    assert gaz.lookup_local("430104001000", "桃子湖社区") == ["430104001001"]
