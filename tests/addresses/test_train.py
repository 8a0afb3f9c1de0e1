"""The reproducible training function on a small subset of CCKS 2021."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import shared_path
from zhizhi.addresses.parser import model


@pytest.mark.shared_data
def test_train_small_subset(tmp_path: Path) -> None:
    corpus = shared_path("addresses", "ccks2021_train.conll")
    data = model.read_conll(corpus)
    assert len(data) > 8000
    assert all(len(text) == len(tags) for text, tags in data)
    subset = data[:300]
    out_a = model.train(tmp_path / "a.crfsuite", subset, params={"max_iterations": 30})
    out_b = model.train(tmp_path / "b.crfsuite", subset, params={"max_iterations": 30})
    assert out_a.read_bytes() == out_b.read_bytes()  # deterministic
    held_out = data[300:400]
    correct = total = 0
    for text, gold in held_out:
        pred, prob = model.tag(text, out_a)
        assert len(pred) == len(text) and 0.0 <= prob <= 1.0
        correct += sum(p == g for p, g in zip(pred, gold, strict=True))
        total += len(gold)
    assert correct / total > 0.75  # a 300-address model already labels most characters right
    model.reset_tagger(out_a)
    model.reset_tagger(out_b)


def test_train_requires_examples(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        model.train(tmp_path / "x.crfsuite", [])


def test_spans_of_bioes() -> None:
    tags = ["B-prov", "I-prov", "E-prov", "S-city", "O", "B-road", "E-road", "I-poi"]
    assert model.spans_of(tags) == [("prov", 0, 3), ("city", 3, 4), ("road", 5, 7), ("poi", 7, 8)]
