"""Open311 inputs: the query of ``GET requests.json`` and the fields of ``POST requests.json``
(GeoReport v2 names), parsed strictly (unknown fields are refused)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Short = Annotated[str, Field(max_length=80)]


class RequestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    jurisdiction_id: Short | None = None
    api_key: Annotated[str, Field(max_length=120)] | None = None
    service_request_id: Annotated[str, Field(max_length=21_000)] | None = None
    service_code: Short | None = None
    start_date: Annotated[str, Field(max_length=40)] | None = None
    end_date: Annotated[str, Field(max_length=40)] | None = None
    status: Annotated[str, Field(max_length=20)] | None = None
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    page_size: Annotated[int, Field(ge=1, le=1000)] = 1000


class RequestPost(BaseModel):
    """``POST requests.json`` (form-encoded or JSON). ``attribute[code]`` form fields arrive as
    ``attributes``; ``email``, ``device_id``, ``account_id`` and ``media_url`` are accepted and
    not stored (docs/open311.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    jurisdiction_id: Short | None = None
    service_code: Annotated[str, Field(min_length=1, max_length=80)]
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    long: Annotated[float, Field(ge=-180, le=180)] | None = None
    address_string: Annotated[str, Field(max_length=300)] | None = None
    address_id: Annotated[str, Field(max_length=40)] | None = None
    email: Annotated[str, Field(max_length=200)] | None = None
    device_id: Annotated[str, Field(max_length=200)] | None = None
    account_id: Annotated[str, Field(max_length=200)] | None = None
    first_name: Annotated[str, Field(max_length=40)] | None = None
    last_name: Annotated[str, Field(max_length=40)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None
    description: Annotated[str, Field(min_length=1, max_length=4000)]
    media_url: Annotated[str, Field(max_length=2000)] | None = None
    # the requester's language (BCP 47 / POSIX: en, en-US, zh_CN): text messages follow it
    locale: Annotated[str, Field(max_length=20)] | None = None
    attributes: Annotated[dict[Short, Annotated[str, Field(max_length=200)]], Field(max_length=20)] = {}
