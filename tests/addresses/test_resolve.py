"""Division resolution from labelled spans (no CRF involved)."""

from __future__ import annotations

from zhizhi.addresses.parser.gazetteer import get_gazetteer, level_of
from zhizhi.addresses.parser.resolve import resolve


def _path(spans: list[tuple[str, str]]) -> list[str]:
    return resolve(get_gazetteer(), spans).path


def test_full_path() -> None:
    path = _path([("prov", "湖南省"), ("city", "长沙市"), ("district", "岳麓区")])
    assert path == ["430000000000", "430100000000", "430104000000"]


def test_district_alone_infers_city_and_province() -> None:
    assert _path([("district", "岳麓区")]) == ["430000000000", "430100000000", "430104000000"]


def test_short_forms() -> None:
    assert _path([("city", "长沙"), ("district", "岳麓")])[-1] == "430104000000"
    assert _path([("district", "余杭")])[-1] == "330110000000"
    assert _path([("prov", "广西")]) == ["450000000000"]


def test_ambiguous_district_reports_candidates() -> None:
    res = resolve(get_gazetteer(), [("district", "朝阳区")])
    found = {res.path[-1], *(alt[-1] for alt in res.alternatives)}
    assert {"110105000000", "220104000000"} <= found
    assert res.alternatives


def test_context_disambiguates() -> None:
    res = resolve(get_gazetteer(), [("city", "长春"), ("district", "朝阳区")])
    assert res.path[-1] == "220104000000"
    assert not res.alternatives
    res = resolve(get_gazetteer(), [("district", "朝阳区"), ("town", "望京街道")])
    assert res.path[2] == "110105000000"
    assert level_of(res.path[-1]) == "township"
    assert not res.alternatives


def test_city_and_district_names_share_one_name() -> None:
    # 西湖区 exists in 杭州 and 南昌: the city decides.
    assert _path([("city", "南昌市"), ("district", "西湖区")])[-1] == "360103000000"
    assert _path([("city", "杭州"), ("district", "西湖区")])[-1] == "330106000000"


def test_no_county_city_township() -> None:
    path = _path([("city", "东莞市"), ("town", "东城街道")])
    assert path == ["440000000000", "441900000000", "441900003000"]


def test_abolished_district() -> None:
    assert _path([("city", "宁波市"), ("district", "江东区")])[-1] == "330212000000"
    assert _path([("district", "绍兴县")])[1] == "330600000000"


def test_village_in_hunan() -> None:
    gaz = get_gazetteer()
    township = "430104001000"
    village = gaz.nodes[township].children[0]
    name = gaz.nodes[village].name
    path = _path([("district", "岳麓区"), ("town", gaz.nodes[township].name), ("community", name)])
    assert path[-1] == village
    assert len(path) == 5


def test_nothing_resolvable() -> None:
    res = resolve(get_gazetteer(), [("poi", "人民公园"), ("road", "中山路")])
    assert res.path == []
    assert res.alternatives == []


def test_dictionary_fallback_uses_full_names_only() -> None:
    from zhizhi.addresses.parser.features import get_matcher

    text = "中山路人民公园"
    assert resolve(get_gazetteer(), [], text, get_matcher().matches(text)).path == []
    text = "就在岳麓区那边"
    res = resolve(get_gazetteer(), [], text, get_matcher().matches(text))
    assert res.path[-1] == "430104000000"
    assert res.from_dictionary
