"""Hotspot discovery: a planted burst wins, windows filter, odd input never raises, real data."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_path
from zhizhi.intelligence.hotspots import Message, find_hotspots, load_messages_csv

NOW = datetime(2019, 9, 30, 12, 0)

TOPICS = [
    ("{p}路灯不亮", "{p}附近的路灯已经坏了很久，晚上出行很不安全，希望尽快维修。"),
    ("{p}占道经营", "{p}门口每天都有流动摊贩占道经营，交通拥堵，请城管处理。"),
    ("咨询{p}学位问题", "孩子明年上小学，请问{p}的学区划分和入学条件是什么？"),
    ("{p}垃圾清运不及时", "{p}的垃圾已经堆放了好几天没人清运，气味很大。"),
    ("{p}停车难", "{p}车位太少，很多车停在消防通道上，存在安全隐患。"),
    ("{p}公交线路调整建议", "建议在{p}增设公交站点，方便居民出行。"),
]
PLACES = [
    "东山花园",
    "西湖小区",
    "南岭新村",
    "北辰家园",
    "金桂苑",
    "银杉公寓",
    "青枫社区",
    "白鹭湾",
    "红星村",
    "紫荆城",
]


def background(n: int = 80) -> list[Message]:
    out = []
    for i in range(n):
        subject, body = TOPICS[i % len(TOPICS)]
        place = PLACES[(i * 7) % len(PLACES)]
        out.append(
            Message(
                id=f"bg{i}",
                subject=subject.format(p=place),
                body=body.format(p=place),
                created_at=NOW - timedelta(days=5 + (i * 3) % 80),
                likes=i % 3,
                user=f"u{i}",
            )
        )
    return out


def burst(n: int = 12) -> list[Message]:
    variants = [
        "锦绣华庭小区旁搅拌站噪音扰民",
        "投诉锦绣华庭附近搅拌站粉尘污染",
        "锦绣华庭旁混凝土搅拌站凌晨施工",
        "锦绣华庭小区边上的搅拌站何时搬走",
    ]
    return [
        Message(
            id=f"hot{i}",
            subject=f"A3区{variants[i % len(variants)]}",
            body="锦绣华庭小区旁边的混凝土搅拌站日夜作业，粉尘和噪音严重，居民无法休息，请求环保部门查处搬迁。",
            created_at=NOW - timedelta(hours=6 * i),
            likes=5,
            user=f"resident{i}",
        )
        for i in range(n)
    ]


def test_planted_burst_is_the_top_hotspot() -> None:
    spots = find_hotspots(background() + burst(), now=NOW, top=5)
    assert spots, "expected hotspots"
    top = spots[0]
    planted = {f"hot{i}" for i in range(12)}
    assert len(planted & set(top.message_ids)) >= 10
    assert len(set(top.message_ids) - planted) <= 2
    assert "锦绣华庭" in top.title
    assert "锦绣华庭" in top.place
    assert top.rank == 1 and top.people >= 10 and top.count == len(top.message_ids)
    assert top.first_at <= top.last_at
    assert [s.rank for s in spots] == list(range(1, len(spots) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(spots))


def test_window_excludes_old_messages() -> None:
    old_burst = [
        Message(m.id, m.subject, m.body, m.created_at - timedelta(days=200), m.likes, 0, m.user)
        for m in burst()
    ]
    spots = find_hotspots(background() + old_burst, now=NOW, window_days=30, top=10)
    assert not [mid for s in spots for mid in s.message_ids if mid.startswith("hot")]
    # the same burst inside the window is found, so it was the window that left it out above
    fresh = find_hotspots(background() + burst(), now=NOW, window_days=30, top=10)
    assert [mid for s in fresh for mid in s.message_ids if mid.startswith("hot")]


def test_recent_burst_beats_equal_old_burst() -> None:
    old = [
        Message(
            f"old{i}",
            f"A5区翠竹苑垃圾中转站臭气熏天{'，请处理' if i % 2 else ''}",
            "翠竹苑小区门口的垃圾中转站每天散发恶臭，苍蝇成群，夏天根本不能开窗，请求搬迁中转站。",
            NOW - timedelta(days=300, hours=6 * i),
            likes=5,
            user=f"o{i}",
        )
        for i in range(12)
    ]
    spots = find_hotspots(burst() + old + background(), now=NOW, window_days=365, top=3)
    ids = [set(s.message_ids) for s in spots]
    hot_rank = next(i for i, m in enumerate(ids) if "hot0" in m)
    old_rank = next((i for i, m in enumerate(ids) if "old0" in m), 99)
    assert hot_rank < old_rank


def test_small_inputs() -> None:
    assert find_hotspots([]) == []
    one = background(1)
    assert find_hotspots(one) == []
    assert len(find_hotspots(one, min_messages=1)) == 1


def test_mixed_naive_and_aware_datetimes() -> None:
    msgs = burst(6)
    msgs[0] = Message("aware", msgs[0].subject, msgs[0].body, datetime(2019, 9, 30, 4, tzinfo=UTC), 1)
    spots = find_hotspots(msgs, now=datetime(2019, 10, 1, tzinfo=UTC))
    assert spots and spots[0].first_at.tzinfo is not None


texts = st.text(max_size=200) | st.sampled_from(["", "😀🔥" * 100, "小区" * 2000, "\u200b\u3000"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, texts, st.integers(0, 400), st.integers(-5, 10**6)), max_size=25))
def test_arbitrary_messages_never_raise(rows: list[tuple[str, str, int, int]]) -> None:
    msgs = [
        Message(f"m{i}", s, b, NOW - timedelta(days=d), likes=lk, dislikes=0, user=None)
        for i, (s, b, d, lk) in enumerate(rows)
    ]
    for spot in find_hotspots(msgs, top=5, min_messages=1):
        assert spot.count >= 1 and spot.score == spot.score  # not NaN


@pytest.fixture(scope="module")
def real_run() -> tuple[list, float]:
    messages = load_messages_csv(str(shared_path("citizen_messages", "hotspot_messages.csv")))
    t0 = time.perf_counter()
    spots = find_hotspots(messages, top=10)
    return spots, time.perf_counter() - t0


def test_real_data_top_hotspots(real_run: tuple[list, float]) -> None:
    spots, seconds = real_run
    assert len(spots) == 10
    assert seconds < 45, seconds  # 5.6 s median in the bench; generous for loaded CI machines
    titles = " ".join(s.title + s.place for s in spots[:3])
    assert "丽发新城" in titles and "伊景园" in titles, titles
    assert spots[0].count >= 20


def test_large_input_path_finds_the_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above MAX_DENSE messages the sparse mutual-kNN path is used; it must still find the burst."""
    import zhizhi.intelligence.hotspots as hotspots

    monkeypatch.setattr(hotspots, "MAX_DENSE", 10)
    spots = find_hotspots(background() + burst(), now=NOW, top=3)
    planted = {f"hot{i}" for i in range(12)}
    assert any(len(planted & set(s.message_ids)) >= 8 for s in spots)
