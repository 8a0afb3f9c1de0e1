"""Rating API bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from zhizhi.services.ratings.enums import Dimension, Measure, Rating, Stage

Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]


class RatingIn(BaseModel):
    """The applicant's rating: ``id_number`` (the applicant's ID number or credit code) proves it
    is theirs when not signed in as the applicant."""

    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=20)]
    stage: Stage = Stage.COMPLETION
    level: Rating
    dimensions: Annotated[dict[Dimension, Rating], Field(max_length=6)] = {}
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None


class VerifyIn(BaseModel):
    """The call-back (回访核实) and the measure chosen; ``result`` at once for 立行立改 and 解释说明."""

    model_config = ConfigDict(extra="forbid")

    verification: Words
    measure: Measure
    result: Words | None = None


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: Words


class RectificationOut(BaseModel):
    id: int
    status: str
    measure: str | None
    opened_at: datetime
    due_at: datetime
    overdue: bool
    verification: str | None
    verified_at: datetime | None
    result: str | None
    completed_at: datetime | None
    department: str | None


class RatingOut(BaseModel):
    id: int
    number: str
    stage: str
    channel: str
    level: str
    bad: bool
    dimensions: dict[str, str]
    comment: str | None
    item_code: str
    item_name: str
    department: str | None
    window: str | None
    rated_at: datetime
    rectification: RectificationOut | None
