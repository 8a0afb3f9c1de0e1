"""Extract Changsha (4301) divisions from ../shared/data/divisions into the demo package data.

Run once by a developer: ``python scripts/build_demo_divisions.py``.  The output is committed so
the demo never needs ../shared at run time.
"""

from __future__ import annotations

import csv
import lzma
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "divisions"
OUT = ROOT / "src" / "zhizhi" / "demo" / "data" / "changsha_divisions.csv"
CITY = "4301"


def main() -> int:
    if not SRC.exists():
        print(f"missing {SRC}", file=sys.stderr)
        return 1
    rows = [("430000000000", "湖南省", "province", ""), ("430100000000", "长沙市", "city", "430000000000")]
    with (SRC / "areas.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["cityCode"] == CITY:
                rows.append((r["code"].ljust(12, "0"), r["name"], "county", "430100000000"))
    with (SRC / "streets.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["cityCode"] == CITY:
                rows.append((r["code"].ljust(12, "0"), r["name"], "township", r["areaCode"].ljust(12, "0")))
    with lzma.open(SRC / "villages.csv.xz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["cityCode"] == CITY:
                rows.append((r["code"], r["name"], "village", r["streetCode"].ljust(12, "0")))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "level", "parent_code"])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
