"""The demo city's service item catalogue: 45 real items of 长沙市 and 岳麓区 (names, types,
legal and promised limits, materials with shared-data and certificate sources, form fields),
kept in ``data/service_items*.csv`` in the provincial implementation-list layout and loaded
through the same Excel import stewards use; then one item with a newer draft waiting and one
retired item, and the item stewards."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.orm import Session

from zhizhi.core.permissions import Role
from zhizhi.demo.org import DEMO_PASSWORD
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind
from zhizhi.services.items import excel
from zhizhi.services.items import service as items
from zhizhi.services.items.rules import credit_code_check_char
from zhizhi.services.items.schemas import ItemIn

DATA = Path(__file__).parent / "data"
# departments the catalogue needs beside the case units: code -> (name, parent code, division)
DEPARTMENTS = {
    "CS-YB": ("长沙市医疗保障局", "430100", "430100000000"),
    "CS-XF": ("长沙市消防救援支队", "430100", "430100000000"),
    "CS-GJJ": ("长沙住房公积金管理中心", "430100", "430100000000"),
    "CS-ZRZY": ("长沙市自然资源和规划局", "430100", "430100000000"),
    "YL-MZ": ("长沙市岳麓区民政局", "430100", "430104000000"),
    "YL-SCJG": ("长沙市岳麓区市场监督管理局", "430104", "430104000000"),
    "YL-WJ": ("长沙市岳麓区卫生健康局", "430104", "430104000000"),
    "YL-RS": ("长沙市岳麓区人力资源和社会保障局", "430104", "430104000000"),
    "YL-YB": ("长沙市岳麓区医疗保障局", "430104", "430104000000"),
    "YL-GA": ("长沙市公安局岳麓分局", "430104", "430104000000"),
}
STEWARDS = {  # username -> (display name, department code)
    "items": ("事项管理员 刘洋", "430100"),
    "items_yl": ("岳麓区事项管理员 周敏", "430104"),
}
FOOD = (
    "11430104MB1C43580" + credit_code_check_char("11430104MB1C43580") + "0000117009000"
)  # 食品经营许可, 岳麓区


def workbook() -> bytes:
    """The demo catalogue as an .xlsx in the import layout (from the CSV files)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, sheet in (
        ("service_items.csv", "事项清单"),
        ("service_item_materials.csv", "申请材料"),
        ("service_item_fields.csv", "表单字段"),
    ):
        ws = wb.create_sheet(sheet)
        with (DATA / name).open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def load_services(session: Session) -> dict[str, int]:
    """Departments, item stewards and the published catalogue; returns counts."""
    for code, (name, parent, division) in DEPARTMENTS.items():
        if org.find_department(session, code, active_only=False) is None:
            org.create_department(
                session,
                code=code,
                name=name,
                kind=DepartmentKind.FUNCTIONAL,
                parent=org.department_by_code(session, parent),
                division_code=division,
            )
    for username, (display, dept) in STEWARDS.items():
        org.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.ITEM_STEWARD,
            department_code=dept,
            display_name=display,
        )
    steward = org.principal_for_username(session, "items")
    result = excel.import_xlsx(session, steward, workbook(), publish=True)
    # a newer draft waiting beside the version in force: the promise cut from 5 to 3 working days
    food = items.published_version(session, FOOD)
    body = ItemIn.model_validate(
        items.editable_body(food) | {"promised_limit": {"value": 3, "unit": "working_day"}}
    )
    items.save_draft(
        session, steward, body.model_copy(update={"note": "承诺时限由 5 个工作日压缩至 3 个工作日"})
    )
    # an item retired when the licence was merged into 食品经营许可 (its applications keep it)
    old = items.editable_body(food) | {
        "basic_code": "000117010000",
        "implementation_code": FOOD[:19] + "000117010000",
        "name": "食品流通许可（已整合）",
        "life_events": [],
    }
    items.save_draft(session, steward, ItemIn.model_validate(old))
    items.publish(session, steward, old["implementation_code"])
    items.retire(session, steward, old["implementation_code"], "已整合为食品经营许可")
    return {"service_items": result.created + 1}
