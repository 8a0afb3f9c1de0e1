"""Stateless hotspot endpoint: ``POST /api/v1/nlp/hotspots`` clusters the posted messages.

Nothing is stored; the request carries the messages, the response the ranked hotspots
(see :mod:`zhizhi.intelligence.hotspots` for the method).  Errors are rendered by
:func:`zhizhi.http.problems.install_problem_handlers` (422 for invalid fields, 400 for
malformed JSON).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.core.errors import ValidationFailed
from zhizhi.intelligence.hotspots import Hotspot, Message, find_hotspots

router = APIRouter(prefix="/api/v1/nlp", tags=["nlp"])

MAX_MESSAGES = 20_000
MAX_SUBJECT = 300
MAX_BODY = 5_000


class HotspotMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    subject: str = Field(default="", max_length=MAX_SUBJECT)
    body: str = Field(default="", max_length=MAX_BODY)
    created_at: datetime
    likes: int = Field(default=0, ge=0, le=10_000_000)
    dislikes: int = Field(default=0, ge=0, le=10_000_000)
    user: str | None = Field(default=None, max_length=64)
    place: str | None = Field(default=None, max_length=200)


class HotspotRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[HotspotMessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)
    top: int = Field(default=20, ge=1, le=200)
    window_days: int | None = Field(default=None, ge=1, le=3650)
    now: datetime | None = None


class HotspotOut(BaseModel):
    rank: int
    title: str
    place: str
    topic: str
    score: float
    count: int
    people: int
    likes: int
    dislikes: int
    growth: float
    first_at: datetime
    last_at: datetime
    message_ids: list[str]


class HotspotResponse(BaseModel):
    hotspots: list[HotspotOut]


def _out(h: Hotspot) -> HotspotOut:
    return HotspotOut(
        rank=h.rank,
        title=h.title,
        place=h.place,
        topic=h.topic,
        score=h.score,
        count=h.count,
        people=h.people,
        likes=h.likes,
        dislikes=h.dislikes,
        growth=h.growth,
        first_at=h.first_at,
        last_at=h.last_at,
        message_ids=list(h.message_ids),
    )


@router.post("/hotspots", response_model=HotspotResponse, summary="热点发现 / hotspot discovery")
def post_hotspots(request: HotspotRequest) -> HotspotResponse:
    """Cluster the posted messages by topic and place and rank the clusters by heat."""
    seen: set[str] = set()
    for i, m in enumerate(request.messages):
        if m.id in seen:
            raise ValidationFailed(
                f"消息编号重复：{m.id}", f"duplicate message id: {m.id}", field=f"messages.{i}.id"
            )
        seen.add(m.id)
    if not any((m.subject or m.body).strip() for m in request.messages):
        raise ValidationFailed(
            "所有消息的标题和正文都为空", "every message has an empty subject and body", field="messages"
        )
    messages = [
        Message(
            id=m.id,
            subject=m.subject,
            body=m.body,
            created_at=m.created_at,
            likes=m.likes,
            dislikes=m.dislikes,
            user=m.user,
            place=m.place,
        )
        for m in request.messages
    ]
    hotspots = find_hotspots(messages, now=request.now, window_days=request.window_days, top=request.top)
    return HotspotResponse(hotspots=[_out(h) for h in hotspots])
