"""Cells for openpyxl worksheets that carry any stored text safely.

Text stored before the edge guard (or read from a workbook, which may carry ``_x0001_`` escapes)
can hold C0 control characters XML 1.0 cannot carry: openpyxl raises on them, so they are dropped.
A text starting with ``=`` would become a formula (spreadsheet injection): every text cell is
written as a string cell.  ``cases/export.py`` (xlsxwriter, ``write_string``) follows the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL = 32_000  # Excel's limit is 32,767 characters a cell


def text(value: str) -> str:
    """``value`` without the characters a worksheet cannot hold, cut to a cell's size."""
    return ILLEGAL.sub("", value)[:MAX_CELL]


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """``values`` ready for ``sheet.append``: texts as string cells (never formulas), other
    values as they are."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=text(value))  # a detached cell: any kind of sheet
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out
