"""Training and evaluation functions on a small subset of the real corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.shared_data import shared_path
from zhizhi.intelligence.classifier import store
from zhizhi.intelligence.classifier.data import load_corpus, twin_matrix
from zhizhi.intelligence.classifier.model import CategoryModel, ModelParams
from zhizhi.intelligence.classifier.train import train

SMALL = ModelParams(char_hash_bits=16, word_hash_bits=15, max_char_features=20_000, max_word_features=8_000)


def test_dedup_and_twins_on_real_data() -> None:
    data = shared_path("citizen_messages")
    corpus = load_corpus(data, with_extra=True, limit=300)
    assert len(set(corpus.texts)) == len(corpus.texts)
    twins = twin_matrix(corpus.texts, corpus.extra_texts)
    assert twins.shape == (len(corpus.extra_texts), len(corpus.texts))
    # A labelled text is a twin of itself seen as a "tokenised" item.
    self_twins = twin_matrix(corpus.texts[:20], corpus.texts[:20]).toarray()
    assert np.all(np.diag(self_twins))


def test_train_small_subset_round_trips(tmp_path: Path) -> None:
    data = shared_path("citizen_messages")
    result = train(data, SMALL, limit=400, n_jobs=1)
    assert result.cv.macro_f1 > 0.5
    assert 0.0 < result.metadata["temperature"] < 10.0
    assert result.metadata["model_version"].startswith("cat-")
    path = store.save(result.model, result.metadata, tmp_path / "m.joblib")
    loaded = store.load(path)
    assert isinstance(loaded.model, CategoryModel)
    x = loaded.model.features(["小区噪音扰民"], ["小区 噪音 扰民"])
    assert np.allclose(
        loaded.model.decision(x),
        result.model.decision(result.model.features(["小区噪音扰民"], ["小区 噪音 扰民"])),
        atol=1e-2,
    )
