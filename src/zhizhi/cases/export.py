"""Excel export of any filtered case list (.xlsx, XlsxWriter in constant-memory mode).

Rows are read 1,000 at a time from a server-side cursor and written straight to a temporary file
by XlsxWriter's constant-memory workbook (each row is flushed to disk as the next one starts), so
memory stays flat whatever the size (bench/bench_search.py measures 10,000 against 100,000 rows).
The list is counted first: above ``EXPORT_MAX_ROWS`` the export is refused in both languages
before anything is written. Contact details are always masked (confidential ones left out), and
every export is audited once, with its filter and row count. Cells are written as text with
``write_string``, never as formulas, whatever a citizen typed (no formula injection).

Why XlsxWriter and not openpyxl's write-only workbook (used here before): profiled at 10,000
rows, 90 % of the export's time was openpyxl building a ``Cell`` object per value and serialising
each one through et_xmlfile's pure-Python element writer; reading, masking and labels took under
a tenth. XlsxWriter writes the sheet's XML with plain string formatting (docs/workbench.md,
figures in docs/benchmarks.md).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from zhizhi.cases import search
from zhizhi.cases.enums import LABELS
from zhizhi.cases.filters import CaseFilter
from zhizhi.cases.repository import search as repo
from zhizhi.cases.sla import sla_state
from zhizhi.catalogue import service as catalogue
from zhizhi.core import audit, clock
from zhizhi.core.errors import Forbidden, ValidationFailed
from zhizhi.core.masking import mask_name, mask_phone
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.org import service as org

HEADERS = (
    ("编号", "Number"),
    ("登记时间", "Registered"),
    ("渠道", "Channel"),
    ("诉求类型", "Type"),
    ("标题", "Subject"),
    ("内容", "Content"),
    ("地址", "Address"),
    ("区划", "Division"),
    ("网格", "Grid"),
    ("分类", "Category"),
    ("状态", "Status"),
    ("主办单位", "Lead unit"),
    ("办理时限", "Due"),
    ("时限状态", "SLA"),
    ("联系人", "Contact"),
    ("联系电话", "Phone"),
    ("标记", "Marks"),
    ("答复时间", "Replied"),
    ("评价", "Rating"),
)
_MAX_CELL = 32_000  # Excel's limit is 32,767 characters a cell
# characters XML 1.0 cannot carry (the C0 controls but tab, newline and carriage return)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DATE_FORMAT = "yyyy-mm-dd hh:mm"
_OPTIONS = {
    "constant_memory": True,  # rows are flushed to a temporary file: flat memory
    "strings_to_formulas": False,  # belt and braces: every text goes through write_string anyway
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else clock.to_local(moment).replace(tzinfo=None)


def _labels(lang: str) -> dict[str, str]:
    """Every enum value → its label in ``lang`` (one dictionary look-up a cell)."""
    return {str(value): pair[0] if lang == "zh" else pair[1] for value, pair in LABELS.items()}


def _text(value: str | None) -> str:
    if not value:
        return ""
    return _ILLEGAL.sub("", value)[:_MAX_CELL]


class _Sheet:
    """One worksheet written row by row: text cells with ``write_string`` (never a formula),
    date-times with a date format, empty values left blank."""

    def __init__(self, ws: Any, date_format: Any) -> None:
        self._string: Callable[..., int] = ws.write_string
        self._datetime: Callable[..., int] = ws.write_datetime
        self._date_format = date_format
        self.row = 0

    def append(self, values: list[str | datetime | None]) -> None:
        row = self.row
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                self._datetime(row, col, value, self._date_format)
            else:
                self._string(row, col, _text(value))
        self.row = row + 1


def export_xlsx(
    session: Session,
    principal: Principal,
    f: CaseFilter,
    *,
    lang: str = "zh",
    extra: list[ColumnElement[bool]] | None = None,
    label: str = "",
) -> tuple[Path, int]:
    """Write the cases ``principal`` sees that match ``f`` (and ``extra``) to a temporary .xlsx
    file; the caller streams it and deletes it. Returns ``(path, rows)``."""
    if principal.role is Role.PUBLIC:
        raise Forbidden("无权导出工单", "you may not export cases")
    where = search.clauses(session, principal, f) + list(extra or [])
    cap = get_settings().export_max_rows
    total = repo.count(session, principal, where)
    if total > cap:
        raise ValidationFailed(
            f"导出 {total} 条超过上限 {cap} 条，请缩小筛选范围后再导出",
            f"{total} rows exceed the export limit of {cap}: narrow the filter and export again",
            field="export",
        )
    units = {d.id: d.name for d in org.departments(session, active_only=False)}
    categories = {c.id: c.name for c in catalogue.all_categories(session)}
    labels = _labels(lang)
    now = clock.now()
    handle = tempfile.NamedTemporaryFile(prefix="zhizhi-export-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    wb = xlsxwriter.Workbook(str(path), _OPTIONS)
    try:
        out = _Sheet(
            wb.add_worksheet("工单" if lang == "zh" else "Cases"), wb.add_format({"num_format": _DATE_FORMAT})
        )
        out.append([zh if lang == "zh" else en for zh, en in HEADERS])
        written = 0
        for r in repo.export_rows(session, principal, where, limit=cap):
            state = sla_state(due_at=r.due_at, warn_at=r.warn_at, reference=r.clock_stopped_at or now)
            hidden = bool(r.confidential)
            out.append(
                [
                    r.number,
                    _local(r.created_at),
                    labels.get(r.channel, r.channel),
                    labels.get(r.appeal_type, r.appeal_type) if r.appeal_type else None,
                    r.subject,
                    r.content,
                    r.address,
                    r.division_code,
                    r.grid_code,
                    categories.get(r.category_id) if r.category_id else None,
                    labels.get(r.status, r.status),
                    units.get(r.lead_department_id) if r.lead_department_id else None,
                    _local(r.due_at),
                    labels.get(state.value, state.value),
                    None if hidden else mask_name(r.contact_name),
                    None if hidden else mask_phone(r.contact_phone),
                    "".join(search.MARKS[m][0] for m in search.marks(r)),
                    _local(r.replied_at),
                    labels.get(r.rating, r.rating) if r.rating else None,
                ]
            )
            written += 1
    except BaseException:
        wb.close()
        path.unlink(missing_ok=True)  # nothing half-written is left behind
        raise
    wb.close()
    query = f.as_query()
    if "phone" in query:
        query["phone"] = mask_phone(query["phone"]) or "****"
    audit.record(
        session, "case.exported", principal.actor, object_type="case", rows=written, filter=query, queue=label
    )
    return path, written
