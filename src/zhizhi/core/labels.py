"""Vocabularies that carry their own words: an enum member names its value and its (中文,
English) label in one line, so a vocabulary is written once, not as an enum plus a label table
that must list every member again.

    class ResultType(LabelledStrEnum):
        LICENCE = "licence", "证照", "Licence"

    ResultType.LICENCE == "licence"; ResultType("licence") is ResultType.LICENCE
    ResultType.LICENCE.zh == "证照"; ResultType.labels() == {ResultType.LICENCE: ("证照", "Licence")}

Pages still take their own words from the gettext catalogues; these labels serve the API, the
Excel sheets (whose cells are matched against the Chinese label) and the data itself."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum, StrEnum
from typing import Any, Self, cast


class _Words:
    """The words of a member and of its vocabulary (mixed into both enum kinds below)."""

    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    @classmethod
    def labels(cls) -> dict[Self, tuple[str, str]]:
        """``member → (中文, English)`` in declaration order."""
        return {m: (m.zh, m.en) for m in cast(Iterable[Self], cls)}


def _words(member: Any, value: object, zh: str, en: str) -> Any:
    member._value_ = value
    member.zh, member.en = zh, en
    return member


class LabelledStrEnum(_Words, StrEnum):
    """A string enum whose members are declared ``NAME = value, 中文, English``."""

    _value_: str

    def __new__(cls, value: str, zh: str = "", en: str = "") -> Self:
        return cast(Self, _words(str.__new__(cls, value), value, zh, en))


class LabelledIntEnum(_Words, IntEnum):
    """An integer enum whose members are declared ``NAME = value, 中文, English``."""

    _value_: int

    def __new__(cls, value: int, zh: str = "", en: str = "") -> Self:
        return cast(Self, _words(int.__new__(cls, value), value, zh, en))
