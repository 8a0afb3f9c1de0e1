"""The implementation list as Excel through the API: export and re-import (a new draft), and
files refused whole — a bad cell named by sheet, column and row in both languages, nothing
half-imported; not a workbook, too large, missing sheets or headers, NUL characters."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.builders import World
from tests.services.items_data import BASIC, code_for
from zhizhi.services.items import layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = [
    "基本编码",
    "实施编码",
    "事项名称",
    "事项类型",
    "行使层级",
    "实施主体编码",
    "服务对象",
    "面向对象",
    "人生事件主题",
    "办件类型",
    "法定办结时限",
    "法定时限单位",
    "承诺办结时限",
    "承诺时限单位",
    "办理形式",
    "网上办理深度",
]
MHEAD = ["实施编码", "材料编码", "材料名称", "材料形式", "是否必要", "来源渠道"]


def _row(basic: str, name: str, legal: Any = 20, promised: Any = 5, **over: Any) -> list[Any]:
    values = {
        "basic": basic,
        "code": code_for(basic),
        "name": name,
        "type": "行政许可",
        "level": "市级",
        "dept": "ZJ",
        "app": "企业法人",
        "aud": "法人",
        "ev": "开办餐馆",
        "case": "承诺件",
        "legal": legal,
        "lu": "工作日",
        "prom": promised,
        "pu": "工作日",
        "forms": "窗口办理；网上办理",
        "depth": 4,
    } | over
    return list(values.values())


def _book(items: list[list[Any]], materials: list[list[Any]], *, head: list[str] = HEAD) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "事项清单"
    ws.append(head)
    for r in items:
        ws.append(r)
    ms = wb.create_sheet("申请材料")
    ms.append(MHEAD)
    for r in materials:
        ms.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _edit(data: bytes, old: bytes, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename).replace(old, new))
    return out.getvalue()


def _import(w: World, data: bytes, expect: int, publish: bool = False) -> dict[str, Any]:
    r = w.client.post(
        "/api/v1/service-items/import",
        params={"publish": str(publish).lower()},
        files={"file": ("list.xlsx", data, XLSX)},
        headers=w.h("istew"),
    )
    assert r.status_code == expect, r.text
    return dict(r.json())


def _count(w: World) -> int:
    r = w.client.get(
        "/api/v1/service-items/export.xlsx",
        params={"status": ["draft", "published", "retired"]},
        headers=w.h("istew"),
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content), read_only=True)["事项清单"]
    return sum(1 for _ in ws.iter_rows(min_row=2, values_only=True))


GOOD = [_row("000117009000", "食品经营许可（新办）"), _row("000120004000", "公共场所卫生许可", 20, 20)]
MATS = [
    [
        code_for("000117009000"),
        "food.application_form",
        "食品经营许可申请书",
        "纸质或电子",
        "是",
        "申请人自备",
    ],
    [
        code_for("000117009000"),
        "enterprise.business_licence",
        "营业执照",
        "电子",
        "是",
        "certificate:business_licence",
    ],
    [code_for("000120004000"), "health.form", "公共场所卫生许可申请表", "纸质", "否", "政府部门核发"],
]


def test_import_publish_export_and_reimport(items_world: World) -> None:
    w = items_world
    out = _import(w, _book(GOOD, MATS), 200, publish=True)
    assert out == {"created": 2, "drafts": 0, "published": 2, "materials": 3}
    one = w.client.get(f"/api/v1/service-items/{code_for('000117009000')}").json()
    assert (
        one["type"] == "01"
        and one["level"] == 3
        and one["promised_limit"] == {"value": 5, "unit": "working_day"}
    )
    assert [m["source"] for m in one["materials"]] == ["applicant", "certificate:business_licence"]
    two = w.client.get(f"/api/v1/service-items/{code_for('000120004000')}").json()
    assert two["materials"][0]["required"] is False and two["materials"][0]["source"] == "issued"
    # export, change one promise in the workbook, import again: a new draft beside version 1
    r = w.client.get("/api/v1/service-items/export.xlsx", headers=w.h("istew"))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["事项清单"]
    header = [c.value for c in ws[1]]
    assert header[: len(HEAD[:3])] == HEAD[:3]
    col = header.index("承诺办结时限") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 2).value == code_for("000117009000"):
            ws.cell(row, col).value = 3
    buf = io.BytesIO()
    wb.save(buf)
    assert _import(w, buf.getvalue(), 200) == {"created": 0, "drafts": 2, "published": 0, "materials": 3}
    assert (
        w.client.get(f"/api/v1/service-items/{code_for('000117009000')}").json()["promised_limit"]["value"]
        == 5
    )
    versions = w.client.get(
        f"/api/v1/service-items/{code_for('000117009000')}/versions", headers=w.h("istew")
    ).json()
    assert [v["status"] for v in versions["versions"]] == ["draft", "published"]
    assert versions["versions"][0]["promised_limit"]["value"] == 3


def _refused(w: World, data: bytes, field: str, status: int = 422) -> dict[str, Any]:
    r = w.client.post(
        "/api/v1/service-items/import", files={"file": ("x.xlsx", data, XLSX)}, headers=w.h("istew")
    )
    assert r.status_code == status, r.text
    problem = r.json()
    assert problem["message"]["zh"] and problem["message"]["en"]
    fields = [e["field"] for e in problem.get("errors", [])] or [problem["field"]]
    assert field in fields, problem
    assert _count(w) == 0  # nothing half-imported
    return dict(problem)


def test_a_bad_cell_refuses_the_whole_file(items_world: World) -> None:
    w = items_world
    # promised 25 > legal 20 on the third row: column M (承诺办结时限), row 3
    p = _refused(w, _book([GOOD[0], _row("000120004000", "公共场所卫生许可", 20, 25)], MATS), "items.M3")
    assert "M3" in p["message"]["zh"] and "M3" in p["message"]["en"]
    _refused(w, _book([_row("000117009000", "食品", type="行政魔法")], []), "items.D2")  # unknown type
    _refused(w, _book([_row("000117009000", "食品经营许可", legal="二十")], []), "items.K2")
    _refused(w, _book([_row("000117009000", "食品经营许可", dept="NOPE")], []), "items.F2")
    _refused(w, _book([_row("000117009000", "食品经营许可", code="1" * 31)], []), "items.B2")
    _refused(w, _book([GOOD[0], GOOD[0]], []), "items.B3")  # the same code twice
    _refused(w, _book([GOOD[0]], [["9" * 31, "a.b", "材料", "纸质", "是", "申请人自备"]]), "materials.A2")
    _refused(
        w, _book([GOOD[0]], [[code_for(BASIC), "a.b", "材料", "纸质", "也许", "申请人自备"]]), "materials.E2"
    )
    _refused(
        w,
        _book([GOOD[0]], [[code_for(BASIC), "a.b", "材料", "纸质", "是", "shared:NOT-THERE"]]),
        "materials.F2",
    )
    # a control character in a cell (openpyxl will not write one: the XML is edited)
    raw = _book([GOOD[0]], [[code_for(BASIC), "a.b", "材料CTRL", "纸质", "是", "申请人自备"]])
    for bad in (b"\x01", b"\x00"):
        r = w.client.post(
            "/api/v1/service-items/import",
            files={"file": ("x.xlsx", _edit(raw, b"CTRL", bad), XLSX)},
            headers=w.h("istew"),
        )
        assert r.status_code == 422 and r.json()["message"]["en"], r.text
        assert r.json()["field"] in ("file", "materials.C2")
    assert _count(w) == 0
    _refused(w, _book([GOOD[0]], [], head=HEAD[:2] + HEAD[3:]), "items.1")  # 事项名称 header missing


def test_files_that_are_not_workbooks(items_world: World) -> None:
    w = items_world
    _refused(w, b"PK\x03\x04 not really a zip", "file")
    _refused(w, "事项名称,实施编码\n".encode(), "file")
    _refused(w, b"", "file")
    wb = Workbook()
    wb.active.title = "只有一张表"
    buf = io.BytesIO()
    wb.save(buf)
    _refused(w, buf.getvalue(), "file")  # the materials sheet is missing
    r = w.client.post(
        "/api/v1/service-items/import",
        files={"file": ("big.xlsx", b"0" * (21 * 1024 * 1024), XLSX)},
        headers=w.h("istew"),
    )
    assert r.status_code == 413 and r.json()["message"]["zh"]
    assert _count(w) == 0


def test_import_needs_the_permission_and_scope(items_world: World) -> None:
    w = items_world
    r = w.client.post(
        "/api/v1/service-items/import", files={"file": ("x.xlsx", _book(GOOD, []), XLSX)}, headers=w.h("h_zj")
    )
    assert r.status_code == 403
    r = w.client.post(
        "/api/v1/service-items/import",
        files={"file": ("x.xlsx", _book(GOOD, []), XLSX)},
        headers=w.h("istew_d1"),
    )
    assert r.status_code == 422 and any(e["field"] == "items.F2" for e in r.json()["errors"])
    assert _count(w) == 0


def test_layout_reads_what_it_writes() -> None:
    assert layout.procedures("现场核查:10工作日；专家评审") == [
        {"kind": "inspection", "name": "现场核查", "limit": {"value": 10, "unit": "working_day"}},
        {"kind": "expert_review", "name": "专家评审", "limit": None},
    ]
    assert layout.limit_of("24 hour") == {"value": 24, "unit": "hour"}
    assert layout.many(layout.FORMS, "窗口办理、网上办理,window", ("", "")) == ["window", "online"]
    assert layout.fees("不收费") == [] and layout.fees("工本费：20 元") == [
        {"name": "工本费", "standard": "20 元"}
    ]
