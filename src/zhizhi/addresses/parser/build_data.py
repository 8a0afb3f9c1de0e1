"""Build the bundled gazetteer file from the NBS division tables (统计用区划代码).

The product reads only ``zhizhi/addresses/data/divisions.tsv.xz`` at run time; this module is
the reproducible recipe that produced it from ``../shared/data/divisions`` (see
``data/SOURCES.md``).  Output format: one ``code<TAB>name`` line per division, sorted by the
12-digit code.  The parent of a row is derived from the code prefix, so no parent column is
stored.
"""

from __future__ import annotations

import csv
import io
import lzma
from collections.abc import Iterable, Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DIVISIONS_FILE = DATA_DIR / "divisions.tsv.xz"

# Cities whose only county-level row repeats the city (no county level): 东莞, 中山, 儋州.
NO_COUNTY_CITIES = frozenset({"4419", "4420", "4604"})


def pad12(code: str) -> str:
    """Pad a 2/4/6/9/12-digit statistical code to 12 digits (``43`` → ``430000000000``)."""
    return code.ljust(12, "0")


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _read_villages(path: Path) -> Iterator[dict[str, str]]:
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def collect_rows(
    source_dir: Path, village_provinces: Iterable[str] | None = ("43",)
) -> list[tuple[str, str]]:
    """Return ``(code12, name)`` rows: the whole country to township level plus villages.

    ``village_provinces``: 2-digit province codes whose villages are kept (``None`` = all).
    """
    rows: list[tuple[str, str]] = []
    for r in _read_csv(source_dir / "provinces.csv"):
        rows.append((pad12(r["code"]), r["name"]))
    for r in _read_csv(source_dir / "cities.csv"):
        rows.append((pad12(r["code"]), r["name"]))
    for r in _read_csv(source_dir / "areas.csv"):
        if r["cityCode"] in NO_COUNTY_CITIES and r["code"][4:] == "00":
            continue  # pseudo county row repeating the city
        rows.append((pad12(r["code"]), r["name"]))
    for r in _read_csv(source_dir / "streets.csv"):
        rows.append((pad12(r["code"]), r["name"]))
    keep = None if village_provinces is None else set(village_provinces)
    villages = source_dir / "villages.csv.xz"
    if villages.exists():
        for r in _read_villages(villages):
            if keep is None or r["provinceCode"] in keep:
                rows.append((pad12(r["code"]), r["name"]))
    rows.sort()
    return rows


def encode_rows(rows: list[tuple[str, str]]) -> bytes:
    """Serialise rows as xz-compressed ``code<TAB>name`` lines (preset 9 | extreme)."""
    text = "".join(f"{code}\t{name}\n" for code, name in rows)
    return lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)


def build_gazetteer_data(
    source_dir: Path,
    output: Path = DIVISIONS_FILE,
    village_provinces: Iterable[str] | None = ("43",),
) -> dict[str, int]:
    """Write the bundled gazetteer file; return row count and compressed size in bytes."""
    rows = collect_rows(Path(source_dir), village_provinces)
    blob = encode_rows(rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(output.suffix + ".tmp")
    tmp.write_bytes(blob)
    tmp.replace(output)
    return {"rows": len(rows), "bytes": len(blob)}


def read_rows(path: Path = DIVISIONS_FILE) -> list[tuple[str, str]]:
    """Read the bundled file back as ``(code12, name)`` rows."""
    with lzma.open(path, "rb") as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8").read()
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        code, _, name = line.partition("\t")
        if code:
            out.append((code, name))
    return out
