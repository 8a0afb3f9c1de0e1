"""Drawing an electronic certificate as an A4 PDF (``certificates.pdf.render``), against the floor
of drawing its QR code alone as PNG (``certificates.qr.image``), measured in the same run.

    .venv/bin/python bench/bench_certificate_pdf.py [--runs 5] [--seconds 3]

Per run: as many renders as fit in ``--seconds``; the median of ``--runs`` in renders per second,
and the median size of a PDF. The sheet is a realistic business licence (six fields, the longest
经营范围 ~300 characters), signed (grade A), in Chinese; the font is the system's CJK font
(``certificates.pdf.font_path``), embedded as a subset on every render.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from zhizhi.certificates import pdf, qr
from zhizhi.ui import i18n

SCOPE = "餐饮服务；食品销售；预包装食品（含冷藏冷冻食品）销售；散装食品销售；" * 6
SHEET = pdf.Sheet(
    number="91430104MA4L0K3C26",
    type_name="营业执照",
    type_name_en="Business licence",
    holder_kind="organisation",
    holder_name="长沙麓山餐饮管理有限公司",
    holder_id="91430104MA4L0K3C26",
    issuer_name="长沙市市场监督管理局",
    jurisdiction="430100000000",
    valid_from=date(2024, 3, 18),
    valid_to=None,
    issued_at=datetime(2024, 3, 18, 10, 0),
    fields={
        "类型": "有限责任公司（自然人投资或控股）",
        "法定代表人": "刘建国",
        "注册资本": "伍拾万元整",
        "成立日期": "2024-03-18",
        "住所": "湖南省长沙市岳麓区麓山南路932号",
        "经营范围": SCOPE,
    },
    grade="A",
    key_id="SCJ-20261201-1a2b3c4d",
    signature="ab" * 64,
    check_code="1A2B3C4D5E6F7A8B",
    status="valid",
    verify_url="https://zhizhi.example.gov.cn/verify?n=91430104MA4L0K3C26&c=1A2B3C4D5E6F7A8B",
    generated_at=datetime(2026, 12, 1, 12, 0),
)


def _rate(work: Callable[[], bytes], seconds: float) -> tuple[float, int]:
    done, size, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        size = len(work())
        done += 1
    return done / (time.perf_counter() - start), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    i18n.register_catalogue(Path(pdf.__file__).parent / "locale")
    print(f"font: {pdf.font_path()}; load average at start: {os.getloadavg()[0]:.1f}")
    floor, render, sizes = [], [], []
    for run in range(args.runs):
        pair = [
            ("floor", lambda: qr.image(SHEET.verify_url, "png", scale=8)),
            ("pdf", lambda: pdf.render(SHEET, "zh")),
        ]
        for name, work in pair if run % 2 == 0 else reversed(pair):  # alternate the order
            rate, size = _rate(work, args.seconds)
            (floor if name == "floor" else render).append(rate)
            if name == "pdf":
                sizes.append(size)
    f, r = statistics.median(floor), statistics.median(render)
    print(f"QR PNG alone (floor): {f:.1f}/s")
    print(
        f"certificate PDF:      {r:.1f}/s  ({1000 / r:.1f} ms each), {statistics.median(sizes) / 1000:.1f} kB"
    )
    print(f"PDF / floor: {r / f:.3f}; load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
