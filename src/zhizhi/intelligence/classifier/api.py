"""Public classification API: category (model) + appeal type and urgency (rules).

Robustness: any string is accepted.  Raw input is cut to
:data:`~.text.MAX_INPUT_CHARS` characters and the model sees at most
:data:`~.text.MAX_MODEL_CHARS` normalised characters.  A text with little Chinese content
(fewer than :data:`MIN_DISTINCT_CJK` distinct CJK characters: empty, one character,
English, emoji, one repeated character) has its probabilities shrunk towards uniform in
proportion to what is missing and is always ``needs_review``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhizhi.intelligence.classifier import store
from zhizhi.intelligence.classifier.model import softmax
from zhizhi.intelligence.classifier.rules import apply_rules
from zhizhi.intelligence.classifier.text import clip, join_appeal, model_text

#: Texts with fewer distinct CJK characters than this are too thin to trust.
MIN_DISTINCT_CJK = 8


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    probabilities: dict[str, float]
    confidence: float
    needs_review: bool
    appeal_type: str
    urgency: str
    model_version: str
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "probabilities": dict(self.probabilities),
            "confidence": self.confidence,
            "needs_review": self.needs_review,
            "appeal_type": self.appeal_type,
            "urgency": self.urgency,
            "model_version": self.model_version,
            "reasons": list(self.reasons),
        }


def _model_path() -> Path:
    return store.MODEL_FILE


def model_version() -> str:
    """Version string of the loaded model (loads it on first call)."""
    return store.get(_model_path()).version


def review_threshold() -> float:
    return float(store.get(_model_path()).metadata.get("review_threshold", 0.6))


def _content_weight(normalised: str) -> float:
    """Share of :data:`MIN_DISTINCT_CJK` distinct CJK characters present (stops at 1)."""
    distinct_cjk: set[str] = set()
    for ch in normalised:
        if "\u3400" <= ch <= "\u9fff":
            distinct_cjk.add(ch)
            if len(distinct_cjk) >= MIN_DISTINCT_CJK:
                return 1.0
    return len(distinct_cjk) / MIN_DISTINCT_CJK


def classify_many(texts: Sequence[str]) -> list[Classification]:
    """Classify already joined texts (subject and body), in input order."""
    if not texts:
        return []
    loaded = store.get(_model_path())
    model = loaded.model
    threshold = float(loaded.metadata.get("review_threshold", 0.6))
    n_classes = len(model.classes)
    results: list[Classification] = []
    for item in texts:
        text = clip(item if isinstance(item, str) else str(item))
        normalised = model_text(text)
        scores, vector = model.decision_one(normalised)
        weight = _content_weight(normalised)
        p = weight * softmax(scores / model.temperature) + (1.0 - weight) / n_classes
        p = p / p.sum()
        best = int(np.argmax(p))
        confidence = float(p[best])
        thin = weight < 1.0
        rules = apply_rules(text)
        reasons = list(rules.reasons)
        terms = model.top_terms(normalised, vector, best) if not thin else []
        if terms:
            reasons.insert(0, f"category={model.classes[best]}: " + "、".join(terms))
        if thin:
            reasons.append("too little Chinese text for a reliable category")
        results.append(
            Classification(
                category=model.classes[best],
                probabilities={c: float(v) for c, v in zip(model.classes, p, strict=True)},
                confidence=confidence,
                needs_review=thin or confidence < threshold,
                appeal_type=rules.appeal_type,
                urgency=rules.urgency,
                model_version=loaded.version,
                reasons=reasons,
            )
        )
    return results


def classify(subject: str | None, body: str | None = None) -> Classification:
    """Classify one appeal from its subject and body."""
    return classify_many([join_appeal(subject, body)])[0]
