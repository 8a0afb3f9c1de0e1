"""The numpy feature hashing and the fast normalisation path agree with their references."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhizhi.intelligence.classifier import store
from zhizhi.intelligence.classifier.features import Layout, codepoints, count_matrix, packed, text_ids, weigh
from zhizhi.intelligence.classifier.model import ModelParams, fit_model
from zhizhi.intelligence.classifier.text import _slow_model_text, clip, model_text

TEXTS = [
    "小区噪音扰民每天晚上施工到凌晨严重影响休息",
    "公司拖欠工资半年劳动监察部门能否帮忙讨薪",
    "学校违规补课收费请教育局调查",
    "医院乱收费药费比外面贵很多",
    "出租车拒载不打表乱要价",
    "化工厂偷排废气河水被污染",
    "噪音",
    "",
]
LABELS = np.array(
    ["城乡建设", "劳动和社会保障", "教育文体", "卫生计生", "交通运输", "环境保护", "城乡建设", "城乡建设"]
)


def test_packing_is_exact_up_to_trigrams() -> None:
    rng = random.Random(0)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 60)] + list("0123456789abc")
    grams = {"".join(rng.choice(chars) for _ in range(3)) for _ in range(5_000)}
    values = {int(packed(codepoints(g), 3)[2][0]) for g in grams}
    assert len(values) == len(grams)


def test_ids_are_deterministic_in_range_and_head_sees_only_the_start() -> None:
    layout = Layout(bits=12, head_chars=5, head_bits=8)
    a = text_ids(codepoints("小区噪音扰民每天晚上"), layout)
    b = text_ids(codepoints("小区噪音扰民每天晚上"), layout)
    assert np.array_equal(a, b)
    assert a.min() >= 0 and a.max() < layout.width
    head_a = np.sort(a[a >= layout.body_width])
    head_c = np.sort(
        (c := text_ids(codepoints("小区噪音扰其他内容完全不同"), layout))[c >= layout.body_width]
    )
    assert np.array_equal(head_a, head_c)  # same first 5 characters
    assert len(a) == (10 + 9 + 8) + (5 + 4 + 3)


def test_single_message_path_matches_training_features() -> None:
    params = ModelParams(
        hash_bits=14, head_hash_bits=10, max_features=5_000, head_max_features=1_000, min_df=1
    )
    model = fit_model(TEXTS, LABELS, params)
    counts = count_matrix(TEXTS, params.layout())
    n_body = model.n_body
    x = weigh(counts, model.columns[:n_body], model.idf[:n_body], 1.0)
    h = weigh(counts, model.columns[n_body:], model.idf[n_body:], params.head_weight)
    dense = np.hstack([x.toarray(), h.toarray()])
    for i, text in enumerate(TEXTS):
        cols, values = model.vector(text)
        row = np.zeros(len(model.columns), dtype=np.float32)
        row[cols] = values
        assert np.allclose(row, dense[i], atol=1e-6)
    assert np.allclose(model.decision(TEXTS), dense @ model.coef + model.intercept, atol=1e-5)


def test_top_terms_come_from_the_text() -> None:
    model = store.get().model
    text = model_text("化工厂夜间偷排废气，空气里都是刺鼻的味道，河水也被污染了，请环保部门查处。")
    scores, vector = model.decision_one(text)
    terms = model.top_terms(text, vector, int(np.argmax(scores)))
    assert terms and all(t in text and 2 <= len(t) <= 3 for t in terms)
    assert model.top_terms("", model.decision_one("")[1], 0) == []


@pytest.mark.parametrize(
    "text",
    [
        "Ａ市１２３号，ＡＢＣ！",
        "e\u0301t\u00e9 ①㈠ ℃ ㎏ ½ ﬁ ǅ İ Σ",
        "ｶﾞ ｱﾟ ᄀ\u1161\u11a8 \u0b47\u0b3e \u0f73",
        "\ud800 lone surrogate",
        "😀 𠀀 𝐀𝐁 \U0002f800",
        "\u00a0\u3000 全角　空格\t\n",
    ],
)
def test_fast_normalise_matches_unicodedata_on_tricky_text(text: str) -> None:
    assert model_text(text) == _slow_model_text(clip(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_fast_normalise_matches_unicodedata(text: str) -> None:
    assert model_text(text) == _slow_model_text(clip(text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF), max_size=40))
def test_fast_normalise_matches_unicodedata_in_the_bmp(text: str) -> None:
    assert model_text(text) == _slow_model_text(clip(text))
