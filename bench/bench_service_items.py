"""Benchmark: import a 10,000-item implementation list (.xlsx) on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_service_items.py [--backend sqlite|postgres|both] [--items 10000] [--runs 3]

Writes one workbook in the provincial layout (sheet 事项清单: ``--items`` rows; sheet 申请材料:
three materials an item, one from shared data, one from the certificate library; sheet 表单字段:
three fields an item), builds a scratch database with the real migrations (SQLite file in a
temp dir; PostgreSQL database ``zhizhi_items_bench`` on ``ZHIZHI_BENCH_PG_ADMIN``), then per run
empties the item tables and imports the file in one unit of work as the administrator
(``services.items.excel.import_xlsx``: read, check every row, write drafts, one audit entry).
The floor, measured in the same run: a bare openpyxl read-only pass over every cell of the same
file (what any import must at least do).  Prints each run, the medians, rows/s and the ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, text

from zhizhi.core.db import dispose_all, unit_of_work
from zhizhi.core.migrate import upgrade
from zhizhi.core.permissions import Role
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.services.items import excel
from zhizhi.services.items.rules import credit_code_check_char

PG_ADMIN = os.environ.get("ZHIZHI_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BODY17 = "11430100MB1908542"
BODY = BODY17 + credit_code_check_char(BODY17)
ITEM_HEAD = [
    "基本编码",
    "实施编码",
    "事项名称",
    "事项类型",
    "行使层级",
    "实施主体编码",
    "服务对象",
    "面向对象",
    "人生事件主题",
    "受理条件",
    "设定依据",
    "办件类型",
    "法定办结时限",
    "法定时限单位",
    "承诺办结时限",
    "承诺时限单位",
    "办理形式",
    "到办事现场次数",
    "特别程序",
    "收费标准",
    "办理流程",
    "办理地点",
    "办理时间",
    "咨询方式",
    "监督投诉方式",
    "网上办理深度",
    "审批结果类型",
    "审批结果名称",
    "电子证照类型",
    "常见问题",
]
MAT_HEAD = [
    "实施编码",
    "材料编码",
    "材料名称",
    "材料形式",
    "是否必要",
    "来源渠道",
    "是否需要原件",
    "复印件份数",
    "受理标准",
]
FIELD_HEAD = ["实施编码", "字段编码", "字段名称", "英文名称", "字段类型", "是否必填"]


def workbook(n: int) -> bytes:
    wb = Workbook(write_only=True)
    items, mats, fields = (
        wb.create_sheet("事项清单"),
        wb.create_sheet("申请材料"),
        wb.create_sheet("表单字段"),
    )
    items.append(ITEM_HEAD)
    mats.append(MAT_HEAD)
    fields.append(FIELD_HEAD)
    for i in range(n):
        basic = f"0001{i:08d}"
        code = BODY + "0" + basic
        immediate = i % 5 == 0
        items.append(
            [
                basic,
                code,
                f"测试事项第{i}号（设立登记）",
                ["01", "07", "20", "05"][i % 4],
                3,
                "CS-SCJG",
                "企业法人；自然人",
                "法人；个人",
                "开办企业" if i % 2 else "新生儿出生",
                "申请人具有合法主体资格，申请材料齐全、符合法定形式。",
                "《中华人民共和国行政许可法》第二十九条",
                "即办件" if immediate else "承诺件",
                0 if immediate else 20,
                "工作日",
                0 if immediate else 5,
                "工作日",
                "窗口办理；网上办理",
                0,
                "" if immediate else "现场核查:5工作日",
                "不收费",
                "申请→受理→审查→决定",
                "长沙市政务服务中心",
                "工作日 9:00-17:00",
                "0731-12345",
                "0731-12345",
                4,
                "证照",
                "营业执照",
                "business_licence" if i % 3 == 0 else "",
                "多久办结？|承诺 5 个工作日。",
            ]
        )
        mats.append(
            [code, "form.application", "申请书", "纸质或电子", "是", "申请人自备", "是", 0, "内容完整"]
        )
        mats.append(
            [code, "person.id_card", "身份证", "电子", "是", "shared:GA-RK-001", "否", 0, "在有效期内"]
        )
        mats.append(
            [
                code,
                "enterprise.business_licence",
                "营业执照",
                "电子",
                "是",
                "certificate:business_licence",
                "否",
                0,
                "",
            ]
        )
        for fcode, label, ftype in (
            ("person.name", "姓名", "text"),
            ("person.id_number", "公民身份号码", "id_number"),
            ("person.phone", "联系电话", "phone"),
        ):
            fields.append([code, fcode, label, "", ftype, "是"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def floor(data: bytes) -> float:
    t0 = time.perf_counter()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    wb.close()
    assert cells > 0
    return time.perf_counter() - t0


def _scratch(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='zhizhi-bench-')) / 'bench.db'}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_items_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "zhizhi_items_bench"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_items_bench"


def _seed(url: str) -> None:
    from zhizhi.sharing import service as sharing
    from zhizhi.sharing.schemas import ResourceIn

    with unit_of_work(url) as s:
        city = org.create_department(s, code="430100", name="长沙市人民政府", kind=DepartmentKind.CITY)
        org.create_department(
            s, code="CS-SCJG", name="长沙市市场监督管理局", kind=DepartmentKind.FUNCTIONAL, parent=city
        )
        org.create_department(
            s, code="CS-GA", name="长沙市公安局", kind=DepartmentKind.FUNCTIONAL, parent=city
        )
        org.create_user(s, username="admin", password="bench-password-1", role=Role.ADMIN)
        admin = org.principal_for_username(s, "admin")
        sharing.save_resource(
            s,
            admin,
            ResourceIn.model_validate(
                {
                    "code": "GA-RK-001",
                    "name": "人口基本信息",
                    "owner": "CS-GA",
                    "share_type": "conditional",
                    "source_system": "人口库",
                    "update_cycle": "daily",
                    "adapter_target": "provider_population",
                    "key_field": "id_number",
                    "fields": [{"name": "id_number", "label": "公民身份号码"}],
                }
            ),
        )


def _empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in (
            "service_item_fields",
            "service_item_materials",
            "service_item_versions",
            "service_items",
        ):
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


def run(backend: str, data: bytes, n: int, runs: int) -> None:
    url = _scratch(backend)
    upgrade(url)
    _seed(url)
    times, floors = [], []
    for i in range(runs):
        _empty(url)
        floors.append(floor(data))
        t0 = time.perf_counter()
        with unit_of_work(url) as s:
            result = excel.import_xlsx(s, org.principal_for_username(s, "admin"), data)
        times.append(time.perf_counter() - t0)
        assert result.created == n, result
        print(
            f"{backend} run {i + 1}: {n} items, {result.materials} materials in {times[-1]:.1f} s "
            f"({n / times[-1]:.0f} items/s); floor {floors[-1]:.1f} s"
        )
    t, f = statistics.median(times), statistics.median(floors)
    print(
        f"{backend}: median of {runs}: import {t:.1f} s = {n / t:.0f} items/s "
        f"({n * 7 / t:.0f} sheet rows/s); floor (bare openpyxl read) {f:.1f} s; floor/import = {f / t:.2f}"
    )
    dispose_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = workbook(args.items)
    print(f"workbook: {args.items} items, {len(data) / 1e6:.1f} MB; load average {os.getloadavg()}")
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        run(backend, data, args.items, args.runs)


if __name__ == "__main__":
    main()
