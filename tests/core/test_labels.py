"""``core.labels``: a vocabulary member carries its value and its two words."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from zhizhi.core.labels import LabelledIntEnum, LabelledStrEnum


class Colour(LabelledStrEnum):
    RED = "red", "红色", "Red"
    GREEN = "green", "绿色", "Green"


class Grade(LabelledIntEnum):
    ONE = 1, "一级", "Grade one"
    TWO = 2, "二级", "Grade two"


class Body(BaseModel):
    colour: Colour
    grade: Grade


def test_values_words_and_lookup() -> None:
    assert Colour.RED == "red" and Colour("green") is Colour.GREEN and Colour.RED.value == "red"
    assert Grade.TWO == 2 and Grade(1) is Grade.ONE and Grade.TWO.value == 2
    assert (Colour.GREEN.zh, Colour.GREEN.en) == ("绿色", "Green")
    assert Grade.ONE.label("en") == "Grade one" and Grade.ONE.label() == "一级"
    assert Colour.labels() == {Colour.RED: ("红色", "Red"), Colour.GREEN: ("绿色", "Green")}
    assert list(Grade.labels()) == [Grade.ONE, Grade.TWO]
    with pytest.raises(ValueError):
        Colour("blue")


def test_in_pydantic_and_json_as_plain_values() -> None:
    body = Body.model_validate({"colour": "red", "grade": 2})
    assert body.colour is Colour.RED and body.grade is Grade.TWO
    assert json.loads(body.model_dump_json()) == {"colour": "red", "grade": 2}
    with pytest.raises(ValidationError):
        Body.model_validate({"colour": "红色", "grade": 2})  # a label is not a value
