"""Behaviour of the shipped category model (real artifact, no mocks)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhizhi.core.errors import ServiceUnavailable
from zhizhi.intelligence.classifier import (
    APPEAL_TYPES,
    MODEL_FILE,
    URGENCIES,
    Classification,
    ModelUnavailable,
    classify,
    classify_many,
    model_version,
    store,
)
from zhizhi.intelligence.classifier.text import MAX_INPUT_CHARS, join_appeal, model_text

CATEGORIES = {"交通运输", "劳动和社会保障", "卫生计生", "商贸旅游", "城乡建设", "教育文体", "环境保护"}

# Clear, hand-written appeals (not taken from the corpus).
CLEAR = [
    (
        "化工厂夜间偷排废气",
        "我们小区旁边的化工厂每天晚上偷排废气，空气里都是刺鼻的味道，河水也被污染了，请环保部门查处。",
        "环境保护",
    ),
    (
        "公司拖欠工资半年",
        "我在某建筑公司打工，公司已经拖欠我们农民工工资半年，劳动监察部门能否帮忙讨薪，社保也没有缴纳。",
        "劳动和社会保障",
    ),
    (
        "学校违规补课收费",
        "孩子所在的中学暑假强制学生补课并收取补课费，教育局明令禁止在职教师有偿补课，请教育局调查。",
        "教育文体",
    ),
    (
        "医院乱收费",
        "在县人民医院住院，医生开了很多不必要的检查，药费也比外面贵很多，请卫健委核查医院收费。",
        "卫生计生",
    ),
    (
        "出租车拒载",
        "在火车站打出租车，司机拒载还要求拼客，不打表乱要价，请运管部门管管出租车。",
        "交通运输",
    ),
]


def test_model_version_format() -> None:
    version = model_version()
    assert version.startswith("cat-")
    assert len(version.split("-")) == 3


@pytest.mark.parametrize(("subject", "body", "expected"), CLEAR)
def test_clear_examples_get_the_right_category(subject: str, body: str, expected: str) -> None:
    c = classify(subject, body)
    assert c.category == expected, c.probabilities
    assert c.probabilities[expected] == max(c.probabilities.values())


def test_result_shape_and_probabilities() -> None:
    c = classify(*CLEAR[0][:2])
    assert isinstance(c, Classification)
    assert set(c.probabilities) == CATEGORIES
    assert math.isclose(sum(c.probabilities.values()), 1.0, abs_tol=1e-6)
    assert c.confidence == max(c.probabilities.values())
    assert c.appeal_type in APPEAL_TYPES
    assert c.urgency in URGENCIES
    assert c.model_version == model_version()
    assert c.reasons and all(isinstance(r, str) for r in c.reasons)


def test_classify_many_keeps_order_and_matches_single() -> None:
    texts = [join_appeal(s, b) for s, b, _ in CLEAR]
    many = classify_many(texts)
    assert [c.category for c in many] == [e for _, _, e in CLEAR]
    single = classify(CLEAR[2][0], CLEAR[2][1])
    assert math.isclose(many[2].confidence, single.confidence, rel_tol=1e-5)
    assert classify_many([]) == []


@pytest.mark.parametrize(
    "text",
    ["", " ", "好", "a", "Please fix the street light near my house", "🙂🙂🔥🔥", "啊" * 50_000, "😀" * 1000],
)
def test_degenerate_inputs_need_review(text: str) -> None:
    c = classify_many([text])[0]
    assert c.needs_review
    assert c.confidence < 0.5
    assert math.isclose(sum(c.probabilities.values()), 1.0, abs_tol=1e-6)


def test_long_text_is_truncated_not_rejected() -> None:
    body = CLEAR[0][1] * 2_000  # about 100,000 characters
    assert len(body) > MAX_INPUT_CHARS
    c = classify(CLEAR[0][0], body)
    assert c.category == "环境保护"


def test_normalise_is_dedup_key() -> None:
    assert model_text("Ａ市 噪音！") == model_text("a市噪音")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_a_valid_prediction(text: str) -> None:
    c = classify_many([text])[0]
    assert c.category in CATEGORIES
    assert math.isclose(sum(c.probabilities.values()), 1.0, abs_tol=1e-6)
    assert all(0.0 <= p <= 1.0 for p in c.probabilities.values())
    assert 0.0 < c.confidence <= 1.0


def test_missing_model_names_file_and_command(tmp_path: Path) -> None:
    missing = tmp_path / "category_model.joblib"
    with pytest.raises(ModelUnavailable) as info:
        store.load(missing)
    assert isinstance(info.value, ServiceUnavailable)
    assert info.value.status == 503
    assert str(missing) in info.value.en and "zhizhi nlp train" in info.value.en
    assert "zhizhi nlp train" in info.value.zh


def test_corrupt_model_names_file_and_command(tmp_path: Path) -> None:
    corrupt = tmp_path / "category_model.joblib"
    corrupt.write_bytes(b"not a model at all")
    shutil.copy(MODEL_FILE.with_suffix(".json"), corrupt.with_suffix(".json"))
    with pytest.raises(ModelUnavailable) as info:
        store.load(corrupt)
    assert str(corrupt) in info.value.en and "zhizhi nlp train" in info.value.en


def test_mismatched_sklearn_major_is_refused(tmp_path: Path) -> None:
    import json

    path = tmp_path / "category_model.joblib"
    shutil.copy(MODEL_FILE, path)
    meta = json.loads(MODEL_FILE.with_suffix(".json").read_text(encoding="utf-8"))
    meta["sklearn_version"] = "0.24.2"
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelUnavailable) as info:
        store.load(path)
    assert "0.24.2" in info.value.en and "major" in info.value.en


def test_shipped_metadata_is_complete() -> None:
    loaded = store.get()
    meta = loaded.metadata
    for key in (
        "model_version",
        "sklearn_version",
        "classes",
        "params",
        "temperature",
        "review_threshold",
        "cv_macro_f1",
    ):
        assert key in meta
    assert set(meta["classes"]) == CATEGORIES
    assert 0.3 <= meta["review_threshold"] <= 0.95
    assert MODEL_FILE.stat().st_size < 8 * 1024 * 1024


def test_lazy_load_is_thread_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    store.reset_cache()
    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(lambda _: store.get(), range(16)))
    assert all(item is loaded[0] for item in loaded)
    texts = [join_appeal(s, b) for s, b, _ in CLEAR] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: classify_many([t])[0].category, texts))
    assert results == [e for _, _, e in CLEAR] * 4


def test_artifact_of_another_format_is_refused(tmp_path: Path) -> None:
    import joblib

    payload = joblib.load(MODEL_FILE)
    payload["model"]["format"] = 1  # e.g. an artifact written before the numpy hashing
    path = tmp_path / "category_model.joblib"
    joblib.dump(payload, path)
    shutil.copy(MODEL_FILE.with_suffix(".json"), path.with_suffix(".json"))
    with pytest.raises(ModelUnavailable) as info:
        store.load(path)
    assert "format 1" in info.value.en and str(path) in info.value.en
    assert "zhizhi nlp train" in info.value.en and "zhizhi nlp train" in info.value.zh
