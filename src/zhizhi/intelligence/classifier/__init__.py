"""Appeal classifier: first-level category (linear model) plus appeal type and urgency (rules).

Assistive only: low-confidence predictions carry ``needs_review=True`` and go to a person.
See ``docs/intelligence-classifier.md``.

    from zhizhi.intelligence.classifier import classify, classify_many, Classification, model_version
"""

from zhizhi.intelligence.classifier.api import (
    MIN_DISTINCT_CJK,
    Classification,
    classify,
    classify_many,
    model_version,
    review_threshold,
)
from zhizhi.intelligence.classifier.rules import APPEAL_TYPES, URGENCIES
from zhizhi.intelligence.classifier.store import MODEL_FILE, ModelUnavailable

__all__ = [
    "APPEAL_TYPES",
    "MIN_DISTINCT_CJK",
    "MODEL_FILE",
    "URGENCIES",
    "Classification",
    "ModelUnavailable",
    "classify",
    "classify_many",
    "model_version",
    "review_threshold",
]
