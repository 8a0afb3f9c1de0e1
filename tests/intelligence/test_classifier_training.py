"""Training and evaluation functions on a small subset of the real corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.shared_data import shared_path
from zhizhi.intelligence.classifier import store
from zhizhi.intelligence.classifier.data import labelled_twins, leak_safe_folds, load_corpus, twin_matrix
from zhizhi.intelligence.classifier.model import CategoryModel, ModelParams
from zhizhi.intelligence.classifier.train import train

SMALL = ModelParams(hash_bits=16, head_hash_bits=14, max_features=20_000, head_max_features=5_000)


def test_dedup_and_twins_on_real_data() -> None:
    data = shared_path("citizen_messages")
    corpus = load_corpus(data, with_extra=True, limit=300)
    assert len(set(corpus.texts)) == len(corpus.texts)
    twins = twin_matrix(corpus.texts, corpus.extra_texts)
    assert twins.shape == (len(corpus.extra_texts), len(corpus.texts))
    # A labelled text is a twin of itself seen as a "tokenised" item.
    self_twins = twin_matrix(corpus.texts[:20], corpus.texts[:20]).toarray()
    assert np.all(np.diag(self_twins))


def test_folds_never_train_on_a_near_twin_of_a_test_text() -> None:
    data = shared_path("citizen_messages")
    corpus = load_corpus(data, with_extra=True, limit=600)
    # An edited copy of a labelled text, added as a second labelled text, must never be
    # trained on while the original is tested (and vice versa).
    original = corpus.texts[0]
    corpus.texts.append(original[: len(original) // 2] + "补充说明" + original[len(original) // 2 :])
    corpus.labels = np.append(corpus.labels, corpus.labels[0])
    pairs = labelled_twins(corpus.texts).tocoo()
    assert (0, len(corpus.texts) - 1) in set(zip(pairs.row.tolist(), pairs.col.tolist(), strict=True))
    extra_twins = twin_matrix(corpus.texts, corpus.extra_texts).tocsr()
    folds = leak_safe_folds(corpus, n_splits=3, seed=1)
    for fold in folds:
        test, train_set = set(fold.test.tolist()), set(fold.train.tolist())
        assert not test & train_set
        for a, b in zip(pairs.row.tolist(), pairs.col.tolist(), strict=True):
            assert not (a in test and b in train_set)
        assert extra_twins[fold.extra][:, fold.test].nnz == 0
    assert sum(f.twins_dropped for f in folds) >= 1


def test_train_small_subset_round_trips(tmp_path: Path) -> None:
    data = shared_path("citizen_messages")
    result = train(data, SMALL, limit=400, n_jobs=1)
    assert result.cv.macro_f1 > 0.5
    assert 0.0 < result.metadata["temperature"] < 10.0
    assert result.metadata["model_version"].startswith("cat-")
    assert result.metadata["cv_protocol"]["seed"] == 42
    path = store.save(result.model, result.metadata, tmp_path / "m.joblib")
    loaded = store.load(path)
    assert isinstance(loaded.model, CategoryModel)
    texts = ["小区噪音扰民", "", "a"]
    assert np.allclose(loaded.model.decision(texts), result.model.decision(texts), atol=1e-2)
