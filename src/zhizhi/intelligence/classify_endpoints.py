"""Stateless HTTP endpoint: ``POST /api/v1/nlp/classify`` (category, type, urgency).

The model is loaded on the first request (once per process); a missing or corrupt model
answers 503 (``model_unavailable``) naming the file and ``zhizhi nlp train``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from zhizhi.intelligence.classifier import classify_many, model_version

MAX_TEXTS = 1000
MAX_TEXT_CHARS = 50_000

router = APIRouter(prefix="/api/v1/nlp", tags=["nlp"])


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: Annotated[
        list[Annotated[str, Field(max_length=MAX_TEXT_CHARS)]],
        Field(min_length=1, max_length=MAX_TEXTS, description="Appeal texts, subject and body joined"),
    ]


class ClassifyResult(BaseModel):
    category: str
    probabilities: dict[str, float]
    appeal_type: str
    urgency: str
    confidence: float
    needs_review: bool
    reasons: list[str]


class ClassifyResponse(BaseModel):
    model_version: str
    results: list[ClassifyResult]


@router.post("/classify", response_model=ClassifyResponse)
async def classify_texts(request: ClassifyRequest) -> ClassifyResponse:
    """Classify 1–1000 texts; results come back in input order."""
    classified = await run_in_threadpool(classify_many, request.texts)
    return ClassifyResponse(
        model_version=model_version(),
        results=[
            ClassifyResult(
                category=c.category,
                probabilities=c.probabilities,
                appeal_type=c.appeal_type,
                urgency=c.urgency,
                confidence=c.confidence,
                needs_review=c.needs_review,
                reasons=c.reasons,
            )
            for c in classified
        ],
    )
