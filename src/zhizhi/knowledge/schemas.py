"""API and form shapes of the knowledge base (Pydantic, apart from the ORM models)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhizhi.cases.schemas import CaseCreate
from zhizhi.knowledge.enums import ArticleKind

MAX_BODY = 20_000
Tag = Annotated[str, Field(min_length=1, max_length=20)]


class ArticleIn(BaseModel):
    """A new article or a new version of one (the page's form and the API's JSON)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ArticleKind = ArticleKind.FAQ
    title: Annotated[str, Field(min_length=2, max_length=200)]
    body: Annotated[str, Field(min_length=2, max_length=MAX_BODY)]
    category: Annotated[str, Field(max_length=40)] | None = None
    department: Annotated[str, Field(max_length=40)] | None = None
    tags: Annotated[list[Tag], Field(max_length=12)] = []
    valid_from: date | None = None
    valid_to: date | None = None
    note: Annotated[str, Field(max_length=500)] | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):  # the form's "社保, 养老 退休"
            value = [t for t in value.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")]
        if isinstance(value, list):
            return list(dict.fromkeys(str(t).strip() for t in value if str(t).strip()))
        return value


class ArticleOut(BaseModel):
    ref: str
    kind: str
    title: str
    body: str
    category: str | None
    category_path: str | None
    department: str | None
    department_name: str | None
    tags: list[str]
    valid_from: date
    valid_to: date | None
    status: str
    version: int
    published_version: int | None


class SearchHit(BaseModel):
    ref: str
    title: str
    kind: str
    version: int
    score: float
    snippet: str
    category_path: str | None
    department_name: str | None
    valid_to: date | None


class SearchOut(BaseModel):
    q: str
    items: list[SearchHit]
    took_ms: float


class DirectAnswerIn(BaseModel):
    """直办 citing an article: the appeal as taken on the call, the article and the reply."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    case: CaseCreate
    article: Annotated[str, Field(min_length=1, max_length=20)]
    reply: Annotated[str, Field(max_length=10_000)] | None = None  # blank: the article's answer
    close: bool = True


class CitationOut(BaseModel):
    ref: str
    title: str
    version: int
    cited_by: str
