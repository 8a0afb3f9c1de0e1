"""Stateless HTTP endpoint for address parsing: ``POST /api/v1/addresses/parse``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from zhizhi.addresses.parser import parse_many
from zhizhi.addresses.parser.model import ModelUnavailable
from zhizhi.core.errors import ServiceUnavailable

MAX_TEXTS = 1000
MAX_TEXT_CHARS = 10_000

router = APIRouter(prefix="/api/v1/addresses", tags=["addresses"])

AddressText = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]


class ParseRequest(BaseModel):
    """Addresses to parse (1–1000 strings, each at most 10,000 characters)."""

    model_config = ConfigDict(extra="forbid")

    texts: list[AddressText] = Field(min_length=1, max_length=MAX_TEXTS)


class ParseResponse(BaseModel):
    """One result per input text, in input order (see ``ParsedAddress.as_dict``)."""

    results: list[dict[str, Any]]


def _parse_all(texts: list[str]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in parse_many(texts)]


@router.post("/parse", response_model=ParseResponse, summary="Parse free-text addresses (地址解析)")
async def parse_addresses(body: ParseRequest) -> ParseResponse:
    try:
        results = await run_in_threadpool(_parse_all, body.texts)
    except ModelUnavailable as exc:
        raise ServiceUnavailable("地址解析模型不可用", str(exc)) from exc
    return ParseResponse(results=results)
