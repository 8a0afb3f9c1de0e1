"""Appeal type and urgency rules, including their accuracy on the hand-labelled sample."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from zhizhi.intelligence.classifier.rules import APPEAL_TYPES, URGENCIES, apply_rules
from zhizhi.intelligence.classifier.text import join_appeal

EVAL_FILE = Path(__file__).parent / "data" / "appeal_rules_eval.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("咨询社保卡办理\n请问社保卡在哪里办理，需要什么材料？", "consult"),
        ("举报某化工厂偷排\n该厂无证生产，夜间偷排废水，请查处。", "report"),
        ("建议增设公交站\n建议在新区增设公交站点，方便居民出行。", "suggestion"),
        ("表扬派出所民警\n感谢信：民警帮我找回了丢失的钱包，特此表扬。", "praise"),
        ("求助\n家里老人重病，生活困难，走投无路，恳请政府帮助。", "help"),
        ("小区噪音扰民\n工地每天施工到凌晨，严重影响休息。", "complaint"),
    ],
)
def test_type_examples(text: str, expected: str) -> None:
    assert apply_rules(text).appeal_type == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小区燃气泄漏\n楼道里燃气泄漏，味道很大，请马上处理！", "critical"),
        ("小区已停水三天\n全楼没水，生活无法继续。", "urgent"),
        ("电梯故障困人\n电梯经常故障，今天又困人。", "urgent"),
        ("去年曾经起火的仓库\n去年曾经起火，希望加强管理。", "urgent"),
        ("建议增设公交站\n建议在新区增设公交站点。", "normal"),
    ],
)
def test_urgency_examples(text: str, expected: str) -> None:
    assert apply_rules(text).urgency == expected


def test_reasons_name_the_hits() -> None:
    result = apply_rules("举报非法采砂\n有人在河道非法采砂，随时可能垮塌。")
    assert result.appeal_type == "report"
    assert any("举报" in r for r in result.reasons)
    assert any(r.startswith("urgency=") for r in result.reasons)


@pytest.mark.parametrize("text", ["", "?", "a" * 100_000, "🙂", "\n\n\n"])
def test_rules_never_fail(text: str) -> None:
    result = apply_rules(text)
    assert result.appeal_type in APPEAL_TYPES and result.urgency in URGENCIES


def _accuracy(split: str) -> tuple[float, float, int]:
    with EVAL_FILE.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] == split]
    type_hits = urgency_hits = 0
    for row in rows:
        result = apply_rules(join_appeal(row["subject"], row["body"]))
        type_hits += result.appeal_type == row["appeal_type"]
        urgency_hits += result.urgency == row["urgency"]
    return type_hits / len(rows), urgency_hits / len(rows), len(rows)


def test_eval_file_is_well_formed() -> None:
    with EVAL_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 200
    assert Counter(r["split"] for r in rows) == {"dev": 160, "holdout": 50}
    assert {r["appeal_type"] for r in rows} <= set(APPEAL_TYPES)
    assert {r["urgency"] for r in rows} <= set(URGENCIES)


@pytest.mark.parametrize(
    ("split", "type_floor", "urgency_floor"), [("dev", 0.70, 0.95), ("holdout", 0.65, 0.90)]
)
def test_accuracy_on_hand_labelled_sample(split: str, type_floor: float, urgency_floor: float) -> None:
    # Floors a little under the measured figures (docs/intelligence-classifier.md): dev 0.744 / 0.988,
    # holdout (labelled before the rules were run on it) 0.72 / 0.96.
    type_acc, urgency_acc, n = _accuracy(split)
    assert n >= 50
    assert type_acc >= type_floor
    assert urgency_acc >= urgency_floor
