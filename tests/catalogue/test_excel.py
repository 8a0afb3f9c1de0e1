"""The category tree as Excel: export, import round trip, and bad files refused whole."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from zhizhi.catalogue.models import Category, CategoryChange
from zhizhi.core.db import unit_of_work


def _export(world: Any) -> list[list[Any]]:
    r = world.client.get("/api/v1/categories/export.xlsx", headers=world.h("admin"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(world: Any, data: bytes, expect: int = 200, user: str = "admin") -> dict[str, Any]:
    r = world.client.post(
        "/api/v1/categories/import",
        files={"file": ("tree.xlsx", data, "application/octet-stream")},
        headers=world.h(user),
    )
    assert r.status_code == expect, r.text
    return dict(r.json())


def _counts() -> tuple[int, int]:
    with unit_of_work() as s:
        return (
            int(s.scalar(select(func.count()).select_from(Category)) or 0),
            int(s.scalar(select(func.count()).select_from(CategoryChange)) or 0),
        )


def test_round_trip(world: Any) -> None:
    rows = _export(world)
    assert rows[0][:5] == ["编码", "名称", "英文名称", "上级编码", "状态"]
    assert {r[0] for r in rows[1:]} == {"CXJS", "HJBH", "SDQR", "JYWT"}
    # the export imports back as it is: nothing changes
    assert _import(world, _xlsx(rows)) == {
        "created": 0,
        "renamed": 0,
        "moved": 0,
        "retired": 0,
        "unchanged": 4,
    }
    # add a subtree (a child listed before its parent), rename one, move one, retire one
    rows += [
        ["SDQR.01.01", "停水", "", "SDQR.01", "启用"],
        ["SDQR.01", "供水", "Water supply", "SDQR", "启用"],
    ]
    for row in rows:
        if row[0] == "JYWT":
            row[1] = "教育文化体育"
        if row[0] == "HJBH":
            row[3] = "CXJS"
    rows.append(["QT", "其他", "", "", "停用"])
    result = _import(world, _xlsx(rows))
    assert result == {"created": 3, "renamed": 1, "moved": 1, "retired": 1, "unchanged": 2}
    again = {r[0]: r for r in _export(world)[1:]}
    assert again["SDQR.01.01"][6] == "水电气热 › 供水 › 停水" and again["SDQR.01"][2] == "Water supply"
    assert again["HJBH"][3] == "CXJS" and again["JYWT"][1] == "教育文化体育" and again["QT"][4] == "停用"


def test_bad_rows_are_refused_whole_with_an_error_per_row_and_field(world: Any) -> None:
    before = _counts()
    rows = [
        ["编码", "名称", "英文名称", "上级编码", "状态"],
        ["NEW.1", "新分类", "", "CXJS", "启用"],  # fine, but must not be written
        ["bad code", "x", "", "", ""],
        ["NEW.2", "", "", "", ""],
        ["NEW.3", "y", "", "NOPE", ""],
        ["NEW.4", "z", "", "", "也许"],
        ["NEW.1", "重复", "", "", ""],
    ]
    r = world.client.post(
        "/api/v1/categories/import", files={"file": ("t.xlsx", _xlsx(rows))}, headers=world.h("admin")
    )
    assert r.status_code == 422
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["rows.3.code", "rows.4.name", "rows.5.parent_code", "rows.6.state", "rows.7.code"]
    assert all(e["zh"].startswith("第 ") and e["en"].startswith("row ") for e in r.json()["errors"])
    assert _counts() == before


def test_a_cycle_in_the_file_is_refused(world: Any) -> None:
    before = _counts()
    rows = [["code", "name", "parent_code"], ["CXJS", "城乡建设", "HJBH"], ["HJBH", "环境保护", "CXJS"]]
    r = world.client.post(
        "/api/v1/categories/import", files={"file": ("t.xlsx", _xlsx(rows))}, headers=world.h("admin")
    )
    assert r.status_code == 422 and "循环" in r.json()["errors"][0]["zh"]
    assert _counts() == before


def test_files_that_are_not_a_tree(world: Any) -> None:
    for data in (b"", b"not a workbook at all", b"PK\x03\x04broken zip"):
        r = world.client.post(
            "/api/v1/categories/import", files={"file": ("t.xlsx", data)}, headers=world.h("admin")
        )
        assert r.status_code == 422 and r.json()["field"] == "file", data
    r = world.client.post(
        "/api/v1/categories/import",
        files={"file": ("t.xlsx", _xlsx([["a", "b"], ["1", "2"]]))},
        headers=world.h("admin"),
    )
    assert r.status_code == 422 and "表头" in r.json()["message"]["zh"]
    r = world.client.post(
        "/api/v1/categories/import", files={"file": ("t.xlsx", _xlsx([]))}, headers=world.h("admin")
    )
    assert r.status_code == 422
    assert _import(world, _xlsx([["编码", "名称"]]), user="agent", expect=403)


def test_export_carries_control_characters_and_formula_like_names_as_text(world: Any) -> None:
    """A name stored with a C0 control character (written before the edge guard, or read from a
    workbook's ``_x0001_`` escape) is exported without it instead of a 500, and a name starting
    with ``=`` stays text, never a formula (spreadsheet injection)."""
    with unit_of_work() as s:
        first, second = s.scalars(select(Category).order_by(Category.id).limit(2)).all()
        first.name, second.name = "路灯\x01维修", '=HYPERLINK("http://x.example","点我")'
    r = world.client.get("/api/v1/categories/export.xlsx", headers=world.h("admin"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = {c.value: c.data_type for row in ws.iter_rows(min_row=2) for c in row[1:2]}
    assert cells["路灯维修"] == "s"
    assert cells['=HYPERLINK("http://x.example","点我")'] == "s"
