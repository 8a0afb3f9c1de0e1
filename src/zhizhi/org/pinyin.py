"""Pinyin initials of department names, for the unit picker's typeahead (长沙市公安局 → cssgaj).

Computed once when a department is written (and by migration 0009 for existing rows), never per
keystroke. pypinyin (MIT, maintained, its own dictionary of polyphones in phrases) picks the
reading; letters and digits in a name are kept as they are, other characters dropped.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def _keep(chars: str) -> str:
    return " ".join(chars)


def initials(name: str) -> str:
    out = []
    for syllable in lazy_pinyin(name, style=Style.FIRST_LETTER, errors=_keep):
        for part in syllable.split(" "):
            ch = part[:1].lower()
            if ch.isascii() and ch.isalnum():
                out.append(ch)
    return "".join(out)[:120]
