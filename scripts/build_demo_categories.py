"""Build ``src/zhizhi/demo/data/category_tree.csv``: the demo city's category tree.

The three-level tree of ``../shared/data/citizen_messages/label_hierarchy.csv`` (15 first-level
categories, 517 leaves; names are facts, copied with the source noted in SOURCES.md) with codes
assigned here, plus the city's own first-level categories (市容环境, 水电气热, 市场监管, 公共安全,
其他) and their children.  Run from the project root: ``python scripts/build_demo_categories.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

SOURCE = Path("../shared/data/citizen_messages/label_hierarchy.csv")
TARGET = Path("src/zhizhi/demo/data/category_tree.csv")
FIRST = {  # first-level name -> (code, English)
    "城乡建设": ("CXJS", "Urban and rural construction"),
    "环境保护": ("HJBH", "Environmental protection"),
    "交通运输": ("JTYS", "Transport"),
    "教育文体": ("JYWT", "Education, culture and sport"),
    "劳动和社会保障": ("LDSB", "Labour and social security"),
    "商贸旅游": ("SMLY", "Commerce and tourism"),
    "卫生计生": ("WSJS", "Health and family planning"),
    "党务政务": ("DWZW", "Party and government affairs"),
    "农村农业": ("NCNY", "Rural affairs and agriculture"),
    "国土资源": ("GTZY", "Land and resources"),
    "政法": ("ZF", "Politics and law"),
    "民政": ("MZ", "Civil affairs"),
    "科技与信息产业": ("KJXX", "Science, technology and IT"),
    "纪检监察": ("JJJC", "Discipline inspection"),
    "经济管理": ("JJGL", "Economic management"),
}
CITY = [  # the city's own categories: (code, name, English, children)
    ("SRHJ", "市容环境", "City appearance", ["垃圾清运", "占道经营", "违规广告招牌", "乱堆乱放", "露天烧烤"]),
    ("SDQR", "水电气热", "Water, power, gas and heating", ["供水", "供电", "燃气", "供暖"]),
    ("SCJG", "市场监管", "Market regulation", ["食品安全", "价格投诉", "消费维权", "无证经营"]),
    ("GGAQ", "公共安全", "Public safety", ["治安隐患", "消防安全", "电动车充电"]),
    ("QT", "其他", "Other", []),
]


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []  # code, name, name_en, parent_code
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        source = list(csv.DictReader(fh))
    seconds: dict[tuple[str, str], str] = {}
    thirds: dict[str, int] = {}
    for name, (code, en) in FIRST.items():
        rows.append((code, name, en, ""))
    for r in source:
        l1, l2, l3 = r["level1"].strip(), r["level2"].strip(), r["level3"].strip()
        top = FIRST[l1][0]
        if (l1, l2) not in seconds:
            seconds[(l1, l2)] = f"{top}.{sum(1 for k in seconds if k[0] == l1) + 1:02d}"
            rows.append((seconds[(l1, l2)], l2, "", top))
        second = seconds[(l1, l2)]
        thirds[second] = thirds.get(second, 0) + 1
        rows.append((f"{second}.{thirds[second]:02d}", l3, "", second))
    for code, name, en, children in CITY:
        rows.append((code, name, en, ""))
        rows += [(f"{code}.{i:02d}", child, "", code) for i, child in enumerate(children, start=1)]
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "name_en", "parent_code"])
        writer.writerows(rows)
    print(f"{TARGET}: {len(rows)} categories")


if __name__ == "__main__":
    main()
