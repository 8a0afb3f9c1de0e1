"""Text normalisation (规范化): length-preserving full-width folding, masking, numerals.

Every transformation applied before tagging keeps the string length, so element offsets computed
on the normalised text are offsets into the original input.
"""

from __future__ import annotations

import re

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_FOLD_TABLE = str.maketrans(_FULLWIDTH)


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII (ＡＢＣ１２３，) and the ideographic space; same length."""
    return text.translate(_FOLD_TABLE)


_MASK_TABLE = str.maketrans(
    {c: "0" for c in "0123456789"}
    | {c: "A" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    | {c: "_" for c in " \t\n\r\x0b\x0c"}
)


def mask_char(ch: str) -> str:
    """The corpus masks digits to ``0`` and Latin letters to ``A``: do the same for features.

    Common ASCII whitespace becomes ``_``; every other character is kept.
    """
    return ch.translate(_MASK_TABLE)


def mask_text(text: str) -> str:
    """Masked copy of an already half-width text (same length; see :func:`mask_char`)."""
    return text.translate(_MASK_TABLE)


def mask(text: str) -> list[str]:
    """Masked characters of an already half-width text (one entry per character)."""
    return list(text.translate(_MASK_TABLE))


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7}
_CN_DIGITS |= {"捌": 8, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
_NUMBER_RE = re.compile(rf"[0-9]+(?:[-－][0-9]+)*|[{_CN_CHARS}]+|[A-Za-z]+")


def chinese_to_int(text: str) -> int | None:
    """Convert a Chinese numeral (三, 十二, 二十一, 一百零五, 一二零三) to an int."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    if not any(c in _CN_UNITS for c in text):  # digit-by-digit: 一二零三 → 1203
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _CN_DIGITS:
            current = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            total += (current or 1) * unit
            current = 0
    return total + current


def number_value(text: str) -> str | None:
    """Normalised number of a house/unit/floor/room element: 三栋 → 3, 1202室 → 1202, B座 → B."""
    m = _NUMBER_RE.search(to_halfwidth(text))
    if not m:
        return None
    token = m.group(0)
    if token[0].isdigit():
        return token.replace("－", "-")
    if token[0].isascii():
        return token.upper()
    value = chinese_to_int(token)
    return None if value is None else str(value)
