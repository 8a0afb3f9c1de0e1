"""Statistical divisions (统计用区划代码) in the database: bulk import and lookups.

Import sources (both give 12-digit codes and names; parents are derived from the code prefix):

* the NBS tables in ``../shared/data/divisions`` (``provinces.csv``, ``cities.csv``, ``areas.csv``,
  ``streets.csv``, ``villages.csv.xz``; about 665,000 rows for the whole country);
* the parser's bundled gazetteer ``zhizhi/addresses/data/divisions.tsv.xz`` (every township of
  the country and Hunan's villages), so the demo works without the shared data.

The import *replaces* the table in one transaction (PostgreSQL: ``TRUNCATE`` + ``COPY``; SQLite:
``DELETE`` + ``executemany`` in batches), so running it twice gives the same table and a failure
leaves the old table.  东莞, 中山 and 儋州 have no county level: their pseudo county rows
(``441900``, ``442000``, ``460400``) pad to the city's own code, so their townships hang
directly under the city (``county_code`` NULL).  Placeholder city rows
(市辖区, 县, 省直辖县级行政区划) are kept for their codes but left out of ``full_name``.
"""

from __future__ import annotations

import csv
import lzma
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zhizhi.addresses import repository as repo
from zhizhi.addresses.models import Division
from zhizhi.core import audit
from zhizhi.core.errors import NotFound, ValidationFailed

BUNDLED_GAZETTEER = Path(__file__).resolve().parent / "data" / "divisions.tsv.xz"
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
LEVELS = ("province", "city", "county", "township", "village")
COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "province_code",
    "city_code",
    "county_code",
    "township_code",
    "full_name",
)
Row = tuple[str, str, str, str | None, str, str | None, str | None, str | None, str]
Progress = Callable[[int, int], None]


def level_of(code: str) -> str:
    """Level of a 12-digit code from its zero tail (``430104000000`` → ``county``)."""
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def is_valid_code(code: str) -> bool:
    return len(code) == 12 and code.isascii() and code.isdigit() and code[:2] != "00"


# --------------------------------------------------------------------------- reading sources


def _csv(path: Path) -> Iterator[tuple[str, str]]:
    opener: Any = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for rec in reader:
            if len(rec) >= 2 and rec[0].strip():
                yield rec[0].strip().ljust(12, "0"), rec[1].strip()


def read_source(source: Path) -> dict[str, str]:
    """``code → name`` from a directory of NBS CSV files or a bundled ``*.tsv.xz`` gazetteer."""
    names: dict[str, str] = {}
    if source.is_dir() and (source / "provinces.csv").exists():
        for stem in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
            names.update(_csv(source / stem))
        villages = source / "villages.csv.xz"
        if not villages.exists():
            villages = source / "villages.csv"
        if villages.exists():
            names.update(_csv(villages))
    else:
        path = source / BUNDLED_GAZETTEER.name if source.is_dir() else source
        if not path.exists():
            raise FileNotFoundError(f"no division data in {source}")
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                code, _, name = line.rstrip("\n").partition("\t")
                if code:
                    names[code.ljust(12, "0")] = name
    return names


def build_rows(names: dict[str, str]) -> list[Row]:
    """Rows in code order with level, parent and ancestor codes and a display ``full_name``.

    Villages (95 % of the rows) reuse their township's ancestry, computed once per township.
    The pseudo county rows of 东莞 / 中山 / 儋州 (``441900``) pad to their city's code and merge
    with it, so their townships get the city as parent and no county.
    """
    rows: list[Row] = []
    full: dict[str, str] = {}
    town_info: dict[str, tuple[str, str | None, str | None, str | None]] = {}
    town: str | None
    for code in sorted(names):
        name = names[code]
        if code[9:] != "000":  # village: ancestry of its township
            town = code[:9] + "000"
            info = town_info.get(town)
            if info is None:
                info = town_info[town] = _ancestry(code, "village", names)
            prov, city, county, parent = info
            level = "village"
        else:
            level = level_of(code)
            prov, city, county, parent = _ancestry(code, level, names)
            town = code if level == "township" else None
        prefix = full.get(parent, "") if parent else ""
        full[code] = text = prefix if name in PLACEHOLDER_NAMES else prefix + name
        rows.append((code, name, level, parent, prov, city, county, town, text))
    return rows


def _ancestry(code: str, level: str, names: dict[str, str]) -> tuple[str, str | None, str | None, str | None]:
    """(province, city, county, parent) codes; county is None for 东莞 / 中山 / 儋州."""
    prov = code[:2] + "0" * 10
    city = code[:4] + "0" * 8 if level != "province" else None
    county = code[:6] + "0" * 6 if level in ("county", "township", "village") else None
    town = code[:9] + "000" if level in ("township", "village") else None
    if county is not None and (county[4:6] == "00" or county not in names):
        county = None
    chain = [c for c in (prov, city, county, town) if c is not None and c != code and c in names]
    return prov, city, county, chain[-1] if chain else None


# --------------------------------------------------------------------------- bulk import


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    by_level: dict[str, int]


def import_rows(
    session: Session, rows: list[Row], *, progress: Progress | None = None, batch: int = 50_000
) -> ImportResult:
    """Replace the ``divisions`` table with ``rows`` inside the session's transaction (no commit)."""
    repo.replace_divisions(session, COLUMNS, rows, progress, batch)
    if progress is not None:
        progress(len(rows), len(rows))
    by_level = {lvl: 0 for lvl in LEVELS}
    for row in rows:
        by_level[row[2]] += 1
    audit.record(
        session, "divisions.import", audit.Actor.system(), object_type="divisions", rows=len(rows), **by_level
    )
    return ImportResult(len(rows), by_level)


def import_divisions(
    session_or_engine: Session | Engine,
    source_dir: Path | str | None = None,
    *,
    provinces: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import divisions from ``source_dir`` (NBS CSVs) or, by default, the bundled gazetteer.

    ``provinces`` (2-digit codes) limits the import, e.g. ``["43"]`` for Hunan.  Given a
    session, the work joins its transaction (the caller commits); given an engine, it runs in
    its own transaction.
    """
    names = read_source(Path(source_dir) if source_dir is not None else BUNDLED_GAZETTEER)
    if provinces is not None:
        keep = tuple(provinces)
        names = {c: n for c, n in names.items() if c.startswith(keep)}
    rows = build_rows(names)
    if isinstance(session_or_engine, Session):
        return import_rows(session_or_engine, rows, progress=progress)
    with Session(session_or_engine) as session, session.begin():
        return import_rows(session, rows, progress=progress)


# --------------------------------------------------------------------------- lookups


def check_code(code: str, field: str = "code") -> str:
    if not is_valid_code(code):
        raise ValidationFailed(
            f"区划代码必须是 12 位数字：{code[:20]}",
            f"a division code is 12 digits: {code[:20]!r}",
            field=field,
        )
    return code


def get_division(session: Session, code: str) -> Division:
    division = repo.division(session, check_code(code))
    if division is None:
        raise NotFound(f"区划代码不存在：{code}", f"no division with code {code}", field="code")
    return division


def ancestors(session: Session, division: Division) -> list[Division]:
    """Ancestors from the province down (excluding ``division`` itself)."""
    codes = [
        c
        for c in (division.province_code, division.city_code, division.county_code, division.township_code)
        if c and c != division.code
    ]
    found = {d.code: d for d in repo.divisions(session, codes)}
    return [found[c] for c in codes if c in found]


def children(session: Session, code: str, limit: int = 1000) -> list[Division]:
    return repo.children(session, code, limit)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(session: Session, q: str, *, limit: int = 20, within: str | None = None) -> list[Division]:
    """Divisions whose name starts with ``q`` (first, shallow levels first), then contains it.

    ``within`` (a division code) restricts to that subtree.  Placeholder rows are skipped.
    """
    q = q.strip()
    if not q:
        return []
    level_rank = {lvl: i for i, lvl in enumerate(LEVELS)}
    subtree = (within, level_of(within)) if within else None
    pattern = _escape_like(q)
    prefix = repo.divisions_named_from(
        session, pattern, excluded=PLACEHOLDER_NAMES, within=subtree, limit=limit * 5
    )
    prefix.sort(key=lambda d: (d.name != q, level_rank[d.level], d.code))
    out = prefix[:limit]
    if len(out) < limit:
        seen = {d.code for d in out}
        more = repo.divisions_naming(
            session, pattern, excluded=PLACEHOLDER_NAMES, within=subtree, limit=limit * 2
        )
        out.extend(d for d in more if d.code not in seen)
    return out[:limit]


def as_dict(division: Division) -> dict[str, Any]:
    return {
        "code": division.code,
        "name": division.name,
        "level": division.level,
        "parent_code": division.parent_code,
        "full_name": division.full_name,
    }
