"""The city's classifier proposes the city's own 市容环境 for free phrasings it never saw (the
held-out set in free_phrasings.py), once the base corpus is relabelled into the city's split;
categories without confirmed cases are never relabelling targets (they stay 暂无足够样本)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.routing.free_phrasings import BARBECUE_NOISE, GARBAGE, VENDING, VENDING_FRESH, VENDING_THIRD
from tests.shared_data import shared_path
from zhizhi.intelligence.classifier import city
from zhizhi.intelligence.classifier.relabel import relabel

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_relabel_moves_only_texts_that_speak_of_a_target() -> None:
    parents = {"CX": None, "SR": None, "SR.1": "SR", "SD": None}
    names = {"CX": "城乡建设", "SR": "市容环境", "SR.1": "垃圾清运", "SD": "水电气热"}
    base = (
        [
            ("小区垃圾站臭气熏天 垃圾站就在楼下", "CX"),
            ("电梯经常故障 物业不修", "CX"),
            ("路边垃圾成堆无人清运 已经一周", "CX"),
        ]
        + [(f"普通来信{i} 内容", "CX") for i in range(300)]
        + [(f"垃圾{i}号 投诉", "CX") for i in range(3)]
    )
    confirmed = [(f"垃圾清运不及时 第{i}处垃圾站没有清运", "SR.1") for i in range(5)]
    result = relabel(base, confirmed, parents, names)
    assert result.targets == ["SR.1"]  # 水电气热 has no confirmed case: never a target
    assert [c for _, c in result.pairs[:3]] == ["SR.1", "CX", "SR.1"]
    assert result.moved == {"SR.1": {"CX": 5}}


def test_extra_texts_join_only_when_they_speak_of_a_target() -> None:
    from zhizhi.intelligence.classifier.relabel import tokenised_text

    parents = {"CX": None, "SR": None, "SR.1": "SR"}
    names = {"CX": "城乡建设", "SR": "市容环境", "SR.1": "垃圾清运"}
    base = [(f"普通来信{i} 内容", "CX") for i in range(300)] + [(f"垃圾{i}号 投诉", "CX") for i in range(3)]
    confirmed = [(f"垃圾清运不及时 第{i}处垃圾站没有清运", "SR.1") for i in range(5)]
    extra = [
        (tokenised_text("小区 垃圾站 臭气 熏天 \u3000 垃圾站 楼下"), "CX"),
        (tokenised_text("电梯 故障 \u3000 物业 不修"), "CX"),
    ]
    assert extra[0][0] == "小区垃圾站臭气熏天 垃圾站楼下"
    result = relabel(base, confirmed, parents, names, extra=extra)
    assert result.pairs[-1] == (extra[0][0], "SR.1") and len(result.pairs) == len(base) + 1
    assert result.added == {"SR.1": {"CX": 1}}  # the elevator complaint is not trained on twice


def test_demo_city_model_proposes_city_categories_for_free_phrasings() -> None:
    from bench_city_taxonomy import demo_inputs, extra_inputs, first_level, phrasing_twins

    folder = shared_path("citizen_messages")
    base, confirmed, parents, names = demo_inputs(folder)
    extra = extra_inputs(folder, base)  # the tokenised copy, twins of labelled texts and phrasings out
    assert phrasing_twins([t for t, _ in [*base, *extra, *confirmed]]) == 0  # the test stays honest
    trained = city.train_city(confirmed, base, parents, names=names, extra=extra)
    garbage = city.predict_codes(trained.model, GARBAGE)
    vending = city.predict_codes(trained.model, VENDING)
    noise = city.predict_codes(trained.model, BARBECUE_NOISE)
    assert len(GARBAGE) + len(VENDING) + len(BARBECUE_NOISE) >= 30
    garbage_rate = sum(first_level(c, parents) == "SRHJ" for c in garbage) / len(GARBAGE)
    vending_rate = sum(first_level(c, parents) == "SRHJ" for c in vending) / len(VENDING)
    assert garbage_rate >= 0.9, garbage
    assert vending_rate >= 0.85, vending  # measured 100 % (issue 11 item 3; 79 % before it)
    assert [first_level(c, parents) for c in noise] == ["SRHJ", "SRHJ"]  # not 城乡建设 → 住建局
    assert "CXJS" not in trained.metadata["relabelled"]
    assert trained.metadata["relabelled"]["SRHJ.01"]["CXJS"] >= 10
    assert sum(trained.metadata["added"]["SRHJ.02"].values()) >= 10  # stall texts of the tokenised copy
    assert "SRHJ.03" not in trained.model.classes  # 违规广告招牌: no data, not proposed
    # gaps11b: ranked by first-level mass (``city.rank``), on both street-vending sets; the second
    # was written before anything was measured on it (docs/categories.md, third pass)
    tops = trained.metadata["first_level"]

    def rate(texts: list[str], ranked: bool) -> float:
        codes = city.predict_codes(trained.model, texts, tops if ranked else None)
        return sum(first_level(c, parents) == "SRHJ" for c in codes) / len(texts)

    assert rate(VENDING, True) >= rate(VENDING, False) >= 0.85  # whole corpus: 100 % both (71 % before)
    assert rate(VENDING_FRESH, True) >= rate(VENDING_FRESH, False)
    # issue 11 item 3: the demo history's ~250 composed street-vending confirmations and the city's
    # own regularisation (``city.CITY_PARAMS``); VENDING_THIRD was written before either, and no
    # choice was made on it. Measured on the whole corpus: fresh 92.9 %, third 79.2 % (ranked);
    # the 90 % target is NOT met on the third set (docs/benchmarks.md, fourth pass)
    assert rate(VENDING_FRESH, True) >= 0.8
    assert rate(VENDING_THIRD, True) >= rate(VENDING_THIRD, False)
    assert rate(VENDING_THIRD, True) >= 0.7
    fresh = (rate(VENDING_FRESH, False), rate(VENDING_FRESH, True))
    third = (rate(VENDING_THIRD, False), rate(VENDING_THIRD, True))
    print(
        f"street vending {rate(VENDING, False):.1%} → ranked {rate(VENDING, True):.1%}, fresh set "
        f"{fresh[0]:.1%} → {fresh[1]:.1%}, third set {third[0]:.1%} → {third[1]:.1%}"
    )
    assert rate(GARBAGE, True) >= 0.9
