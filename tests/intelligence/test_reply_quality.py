"""Reply quality: dimension behaviour, working days, robustness and agreement with labels."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.shared_data import shared_path
from zhizhi.intelligence.reply_quality import (
    explainability_score,
    score_reply,
    split_demands,
    timeliness_score,
    working_days,
)

SUBJECT = "A3区锦绣华庭小区旁搅拌站噪音扰民"
BODY = (
    "锦绣华庭小区旁边的混凝土搅拌站每天凌晨作业，噪音和粉尘严重。请问这个搅拌站有没有环评手续？"
    "希望环保部门尽快查处，要求搅拌站夜间停止施工。"
)
GOOD = (
    "网友您好！经区生态环境局现场核查，锦绣华庭小区旁的混凝土搅拌站已办理环评手续，但存在夜间作业噪音超标问题。"
    "根据《中华人民共和国环境噪声污染防治法》第三十条，我局已责令该搅拌站自6月10日起22时至次日6时停止施工，"
    "并安装降尘设施，下一步将每周夜间巡查。如有疑问请致电0731-88889999。"
)
PROCEDURAL = "已转相关部门。"


def test_explainability_rule_and_next_steps_beat_referral() -> None:
    good, parts = explainability_score(GOOD)
    poor, _ = explainability_score(PROCEDURAL)
    assert good > poor
    assert {"rules", "facts", "next_steps", "contact"} <= set(parts)
    assert poor == 0.0


def test_substantive_reply_scores_higher_and_is_not_flagged() -> None:
    good = score_reply(SUBJECT, BODY, GOOD, created_at=datetime(2019, 6, 3), replied_at=datetime(2019, 6, 10))
    poor = score_reply(
        SUBJECT, BODY, PROCEDURAL, created_at=datetime(2019, 6, 3), replied_at=datetime(2019, 6, 10)
    )
    assert good.overall > poor.overall + 0.3
    assert good.relevance > poor.relevance
    assert good.completeness > poor.completeness
    assert not good.flag_for_supervision
    assert poor.flag_for_supervision
    assert any("procedural" in r for r in poor.reasons)


def test_completeness_counts_addressed_demands() -> None:
    demands = split_demands(BODY)
    assert len(demands) >= 2
    partial = "经核查，锦绣华庭旁搅拌站的环评手续齐全。"
    full = score_reply(SUBJECT, BODY, GOOD)
    half = score_reply(SUBJECT, BODY, partial)
    assert full.completeness > half.completeness > 0.0


def test_working_days_use_holidays_and_survive_unknown_years() -> None:
    # National Day week 2019: 1–7 October are holidays, 29 Sep and 12 Oct are make-up workdays.
    assert working_days(datetime(2019, 9, 30), datetime(2019, 10, 8)) == 1.0
    # 2027 is beyond the holiday table: weekends only, and no exception.
    assert working_days(datetime(2027, 1, 1), datetime(2027, 1, 8)) == 5.0
    assert working_days(datetime(2019, 6, 10), datetime(2019, 6, 1)) == 0.0
    assert timeliness_score(10) == 1.0 and timeliness_score(30) == 0.0


def test_late_and_inconsistent_dates() -> None:
    late = score_reply(SUBJECT, BODY, GOOD, created_at=datetime(2019, 1, 2), replied_at=datetime(2019, 4, 1))
    assert late.timeliness is not None and late.timeliness < 0.5 and late.flag_for_supervision
    assert any("late reply" in r for r in late.reasons)
    backwards = score_reply(
        SUBJECT, BODY, GOOD, created_at=datetime(2019, 6, 10), replied_at=datetime(2019, 6, 1)
    )
    assert backwards.timeliness is None
    future = score_reply(
        SUBJECT, BODY, GOOD, created_at=datetime(2031, 3, 1), replied_at=datetime(2031, 3, 20)
    )
    assert future.working_days is not None and future.working_days > 0


texts = st.text(max_size=400) | st.sampled_from(["", "😀" * 300, "请问？" * 3000, "《》第条" * 50])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=texts, body=texts, reply=texts)
def test_arbitrary_text_never_raises(subject: str, body: str, reply: str) -> None:
    s = score_reply(subject, body, reply, created_at=datetime(2019, 1, 1), replied_at=datetime(2019, 2, 1))
    for v in (s.relevance, s.completeness, s.explainability, s.overall):
        assert 0.0 <= v <= 1.0


def test_agreement_with_hand_labels() -> None:
    from zhizhi.intelligence.reply_quality.evaluation import evaluate, load_replied, read_labels

    labels = read_labels(Path(__file__).parent / "data" / "reply_quality_eval.csv")
    assert len(labels) == 100
    msgs = [
        m for m in load_replied(shared_path("citizen_messages", "replied_messages.csv")) if m.id in labels
    ]
    res = evaluate(msgs, labels)
    assert res["labelled"] == 100
    assert res["auc_overall"] >= 0.85, res
    assert res["flag_accuracy"] >= 0.8, res
