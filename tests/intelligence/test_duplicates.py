"""Duplicate detection (并单): constructed cases, robustness and the real-data evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_path
from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD, Appeal, DuplicateIndex, find_duplicates
from zhizhi.intelligence.textsim import extract_places, parse_datetime

T0 = datetime(2019, 7, 1, 9, 30)

BACKGROUND = [
    ("A7县星沙大道夜间飙车扰民", "每晚星沙大道都有改装车飙车，噪音严重影响睡眠，希望交警严查。"),
    ("咨询A市公积金贷款额度", "请问A市住房公积金贷款最高额度是多少，夫妻双方缴存如何计算？"),
    ("A3区梅溪湖公园路灯不亮", "梅溪湖公园环湖路段的路灯已经坏了两个月，晚上散步很不安全。"),
    ("A2区某小学门口占道经营", "小学门口每天放学时间有很多流动摊贩占道经营，交通拥堵。"),
    ("A5区地铁施工噪音", "地铁站施工晚上十二点以后还在作业，附近居民无法休息。"),
    ("A1区老旧小区加装电梯政策", "请问老旧小区加装电梯有什么补贴政策，需要多少业主同意？"),
]


def _background(n: int = 60) -> list[Appeal]:
    out = []
    for i in range(n):
        subject, body = BACKGROUND[i % len(BACKGROUND)]
        out.append(
            Appeal(subject=subject, body=f"{body}（第{i}次）", created_at=T0 - timedelta(days=i), id=f"bg{i}")
        )
    return out


NEW = Appeal(
    subject="A3区锦绣华庭小区旁搅拌站噪音扰民",
    body="A3区锦绣华庭小区旁边新建了一个混凝土搅拌站，每天凌晨还在作业，粉尘和噪音严重影响居民休息，请环保部门查处。",
    created_at=T0,
    id="new",
)
NEAR_DUP = Appeal(
    subject="投诉锦绣华庭附近混凝土搅拌站夜间作业",
    body="我是A3区锦绣华庭的业主，小区旁的混凝土搅拌站凌晨作业，噪音和粉尘太大，严重影响休息，请有关部门处理。",
    created_at=T0 - timedelta(days=2),
    id="dup",
)


def test_constructed_near_duplicate_is_found_and_ranked_first() -> None:
    matches = find_duplicates(NEW, [*_background(), NEAR_DUP])
    assert matches, "the near-duplicate should pass the threshold"
    assert matches[0].id == "dup"
    assert 0.0 <= matches[0].score <= 1.0
    assert any("锦绣华庭" in r for r in matches[0].reasons)
    assert any("text similarity" in r for r in matches[0].reasons)


def test_unrelated_candidates_are_not_returned() -> None:
    matches = find_duplicates(NEW, _background())
    assert matches == []


def test_identical_text_but_other_district_and_far_away_scores_lower() -> None:
    same_place = Appeal(NEAR_DUP.subject, NEAR_DUP.body, NEAR_DUP.created_at, "a", lat=28.2, lon=112.9)
    far = Appeal(
        NEAR_DUP.subject.replace("A3区", "A7县"),
        NEAR_DUP.body.replace("A3区", "A7县"),
        NEAR_DUP.created_at - timedelta(days=200),
        "b",
        lat=28.5,
        lon=113.3,
    )
    query = Appeal(NEW.subject, NEW.body, NEW.created_at, "q", lat=28.2003, lon=112.9002)
    index = DuplicateIndex([same_place, far, *_background(20)])
    scores = {m.id: m.score for m in index.score_all(query)}
    assert scores["a"] > scores.get("b", 0.0) + 0.1
    near = next(m for m in index.score_all(query) if m.id == "a")
    assert any("m apart" in r for r in near.reasons)


def test_grid_and_division_codes_count_as_place_evidence() -> None:
    a = Appeal("路灯不亮", "门口路灯坏了很久", T0, "a", grid_code="G-001", division_code="430103001")
    b = Appeal("门口的路灯坏了", "路灯坏了很久没人修", T0, "b", grid_code="G-001", division_code="430103001")
    c = Appeal("门口的路灯坏了", "路灯坏了很久没人修", T0, "c", grid_code="G-999", division_code="430111002")
    scores = {m.id: m for m in DuplicateIndex([b, c]).score_all(a)}
    assert scores["b"].place >= 0.9
    assert scores["b"].score > scores["c"].score


def test_threshold_and_limit_are_respected() -> None:
    cands = [*_background(), NEAR_DUP]
    assert find_duplicates(NEW, cands, threshold=1.01) == []
    assert len(find_duplicates(NEW, cands, threshold=0.0, limit=3)) <= 3
    assert pytest.approx(0.40) == DEFAULT_THRESHOLD


def test_empty_inputs() -> None:
    assert find_duplicates(NEW, []) == []
    assert find_duplicates(Appeal(), _background(5)) == []


def test_place_extraction_and_dates() -> None:
    p = extract_places("A市A3区学士街道裕园小区楼下的绿化带")
    assert "a3区" in p.divisions
    assert any("裕园小区" in n for n in p.named)
    assert parse_datetime("2019/2/28 11:25:05") == datetime(2019, 2, 28, 11, 25, 5)
    assert parse_datetime("2019-08-01 00:00:00") == datetime(2019, 8, 1)
    assert parse_datetime("not a date") is None


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", "😀" * 50, "锦绣华庭" * 3000, "\x00\n\t", "Ａ３区　小区"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=texts, body=texts, other=texts, lat=st.floats(allow_nan=True, allow_infinity=True) | st.none())
def test_arbitrary_text_never_raises(subject: str, body: str, other: str, lat: float | None) -> None:
    query = Appeal(subject=subject, body=body, created_at=T0, lat=lat, lon=lat)
    cands = [Appeal(subject=other, body=body[:50], id="x", lat=lat, lon=lat), NEAR_DUP]
    for m in DuplicateIndex(cands).score_all(query, min_text=0.0):
        assert 0.0 <= m.score <= 1.0
        assert 0.0 <= m.text <= 1.0


def test_real_data_evaluation_pairs() -> None:
    from zhizhi.intelligence.duplicates.evaluation import evaluate, load_appeals, read_pairs

    csv_path = shared_path("citizen_messages", "hotspot_messages.csv")
    pairs = read_pairs(__import__("pathlib").Path(__file__).parent / "data" / "duplicate_pairs.csv")
    res = evaluate(load_appeals(csv_path), pairs)
    assert res["pairs"] == len(pairs) >= 500
    hand, everything = res["hand"], res["all"]
    assert isinstance(hand, dict) and isinstance(everything, dict)
    assert hand["f1"] >= 0.75, hand
    assert everything["precision"] >= 0.9 and everything["recall"] >= 0.85, everything
    assert hand["precision"] >= 0.85, hand
