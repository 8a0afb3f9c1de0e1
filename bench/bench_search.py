"""Workbench search and Excel export over a big PostgreSQL database.

    .venv/bin/python bench/bench_search.py [--cases 1000000] [--runs 5] [--keep] [--reuse]
        [--skip-search | --skip-export] [--export-sizes 10000,100000] [--export-runs 3]

Builds the scratch database ``zhizhi_bench_search`` with bench_cockpit's loader (real migrations,
the demo organisation, cases bulk-loaded with ``COPY``), then gives the cases what a search
needs and the cockpit's loader leaves out — varied subjects, contents and addresses and a grid
with one UPDATE; a phone per case through the field encryption (``core.fieldcrypt``: the SM4
envelope and the two blind indexes computed in Python, ``COPY``-ed into a temporary table and
joined in with one UPDATE, as intake would store them — docs/crypto.md), and ANALYZE. Then,
through ``TestClient(create_app())`` with bearer tokens:

* ``GET /api/v1/cases`` with each filter alone and in combinations (every filter at once too),
  as a city-wide dispatcher and as a district handler (row-scoped): median of ``--runs`` warm
  requests, against the floor ``GET /api/v1/me`` (same auth and framework, no search) in the
  same run;
* the Excel export of ~10,000 and ~100,000 rows, each in a fresh process: wall time and peak
  RSS (``ru_maxrss``) before and after, to show that memory stays flat while rows grow tenfold;
  median of ``--export-runs``. The floors, in the same process right after each export: the same
  number of constant 19-column rows written by openpyxl's write-only workbook and by XlsxWriter's
  constant-memory workbook (no database, masking or labels).

Prints Markdown tables; drops the database at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cockpit as bc

# ZHIZHI_BENCH_SEARCH_DB: another name, so that two sessions on one server do not share the database
bc.DB = os.environ.get("ZHIZHI_BENCH_SEARCH_DB", "zhizhi_bench_search")
bc.URL = bc.ADMIN.rsplit("/", 1)[0] + "/" + bc.DB
os.environ["ZHIZHI_DATABASE_URL"] = bc.URL
os.environ["ZHIZHI_EXPORT_MAX_ROWS"] = "1000000"
# the phones are encrypted (docs/crypto.md): a data key file kept beside the scratch database, so
# that a ``--reuse`` run decrypts what the loading run stored
if not os.environ.get("ZHIZHI_DATA_KEYS_FILE"):
    _keys = Path(__file__).resolve().parents[1] / "var" / "bench-search-data-keys.json"
    if not _keys.exists():
        _keys.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "zhizhi.cli", "keys", "init", "--path", str(_keys)],
            check=True,
            timeout=120,
        )
    os.environ["ZHIZHI_DATA_KEYS_FILE"] = str(_keys)

from sqlalchemy import create_engine, text  # noqa: E402

from zhizhi.core.settings import get_settings  # noqa: E402

get_settings.cache_clear()

SUBJECTS = [
    "施工噪音扰民",
    "路灯不亮",
    "垃圾清运不及时",
    "占道经营",
    "烧烤油烟",
    "小区停水",
    "楼道漏水",
    "井盖缺失",
    "违章停车",
    "宠物扰民",
    "广场舞噪音",
    "公交线路调整",
    "学校周边交通拥堵",
    "欠薪",
    "物业收费争议",
    "电梯故障",
    "燃气异味",
    "树木倒伏",
    "污水外溢",
    "共享单车乱停放",
]
ROADS = [
    "麓山南路",
    "五一大道",
    "芙蓉中路",
    "韶山北路",
    "湘江中路",
    "岳麓大道",
    "桐梓坡路",
    "东二环",
    "劳动西路",
    "人民东路",
    "万家丽路",
    "雨花亭路",
    "黄兴路",
    "解放西路",
    "金星大道",
    "银盆岭路",
    "枫林三路",
    "潇湘北路",
    "远大一路",
    "车站北路",
]
ENRICH = """
UPDATE cases SET
  subject = s.subject,
  content = '居民反映' || r.road || (id % 997) || '号附近' || s.subject || '，已持续' || (id % 9 + 1)
            || '天，请尽快核实处理。',
  address = '长沙市' || r.road || (id % 997) || '号',
  grid_code = 'G' || lpad((id % 2000)::text, 4, '0'),
  supervision_count = CASE WHEN id % 50 = 0 THEN 1 ELSE 0 END,
  extension_amount = CASE WHEN id % 40 = 0 THEN 3 ELSE 0 END
FROM (SELECT ord - 1 AS k, v AS subject
      FROM unnest(CAST(:subjects AS text[])) WITH ORDINALITY AS t(v, ord)) s,
     (SELECT ord - 1 AS k, v AS road FROM unnest(CAST(:roads AS text[])) WITH ORDINALITY AS t(v, ord)) r
WHERE s.k = cases.id % 20 AND r.k = (cases.id / 20) % 20
"""


def phone_of(case_id: int) -> str:
    """The bench's phone of a case (a mobile number, varied)."""
    return "1" + "35789"[case_id % 5] + f"{(case_id * 7919) % 1_000_000_000:09d}"


def seed_phones() -> float:
    """Every case's phone as the application stores it: the SM4 envelope (``EncryptedText``
    context ``cases.contact_phone``) and the keyed blind indexes of the number and of its last
    4 digits, computed in Python and ``COPY``-ed, then one UPDATE … FROM."""
    import psycopg

    from zhizhi.core import fieldcrypt

    t0 = time.perf_counter()
    keys = fieldcrypt.keyset()
    with psycopg.connect(bc.URL.replace("postgresql+psycopg", "postgresql")) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM cases")]
        conn.execute(
            "CREATE TEMP TABLE bench_phones (id integer PRIMARY KEY, contact_phone text, "
            "contact_phone_index varchar(32), contact_phone_tail varchar(16)) ON COMMIT DROP"
        )
        with conn.cursor() as cur, cur.copy("COPY bench_phones FROM STDIN") as copy:
            for case_id in ids:
                phone = phone_of(case_id)
                copy.write_row(
                    (
                        case_id,
                        fieldcrypt.encrypt(phone, "cases.contact_phone", keys),
                        fieldcrypt.phone_index(phone, keys),
                        fieldcrypt.phone_tail_index(phone, keys),
                    )
                )
        conn.execute(
            "UPDATE cases SET contact_phone = p.contact_phone, contact_phone_index = p.contact_phone_index, "
            "contact_phone_tail = p.contact_phone_tail FROM bench_phones p WHERE p.id = cases.id"
        )
        conn.commit()
    return time.perf_counter() - t0


def enrich() -> float:
    t0 = time.perf_counter()
    engine = create_engine(bc.URL)
    with engine.begin() as conn:
        conn.execute(text(ENRICH), {"subjects": SUBJECTS, "roads": ROADS})
    print(f"  phones encrypted and indexed: {seed_phones():.1f} s", file=sys.stderr, flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE cases"))
    engine.dispose()
    return time.perf_counter() - t0


def _sample() -> dict[str, str]:
    """Real values to search for, read from the loaded data."""
    engine = create_engine(bc.URL)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT number, id, division_code FROM cases WHERE division_code IS NOT NULL "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    return {"number": row[0], "phone": phone_of(row[1]), "division": row[2]}


def combos(sample: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    from zhizhi.core import clock

    today = clock.today_local()
    week = (today - timedelta(days=6)).isoformat()
    month = (today - timedelta(days=29)).isoformat()
    every = {
        "number": sample["number"][:8],
        "q": "路灯",
        "phone": sample["phone"][-4:],
        "address": "五一大道",
        "division": sample["division"][:6],
        "grid": "G0007",
        "category": "CXJS",
        "channel": "hotline",
        "status": "closed",
        "sla_state": "normal",
        "date_from": month,
        "date_to": today.isoformat(),
    }
    return [
        ("no filter (newest first)", {}),
        ("number (exact)", {"number": sample["number"]}),
        ("number (day prefix)", {"number": sample["number"][:8]}),
        ("text 路灯 (subject or content)", {"q": "路灯"}),
        ("text, rare (桐梓坡路12号)", {"q": "桐梓坡路12号"}),
        ("phone (full)", {"phone": sample["phone"]}),
        ("phone (last 4)", {"phone": sample["phone"][-4:]}),
        ("address 五一大道", {"address": "五一大道"}),
        ("division (district)", {"division": sample["division"][:6]}),
        ("grid", {"grid": "G0007"}),
        ("category", {"category": "CXJS"}),
        ("channel wechat", {"channel": "wechat"}),
        ("status in_progress", {"status": "in_progress"}),
        ("sla overdue", {"sla_state": "overdue"}),
        ("last 7 days", {"date_from": week}),
        ("status + sla + 30 days", {"status": "in_progress", "sla_state": "warning", "date_from": month}),
        ("text + district + 30 days", {"q": "噪音", "division": sample["division"][:6], "date_from": month}),
        ("phone last 4 + text", {"phone": sample["phone"][-4:], "q": "噪音"}),
        ("category + channel + status", {"category": "HJBH", "channel": "hotline", "status": "closed"}),
        ("every filter at once", every),
    ]


def _token(client: Any, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": bc.PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _median_ms(
    client: Any, url: str, params: dict[str, str], headers: dict[str, str], runs: int
) -> tuple[float, int]:
    r = client.get(url, params=params, headers=headers)  # warm-up
    assert r.status_code == 200, (url, params, r.status_code, r.text[:300])
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url, params=params, headers=headers)
        times.append(time.perf_counter() - t0)
    body = r.json()
    total = int(body.get("total", 0)) if isinstance(body, dict) else 0
    return statistics.median(times) * 1000, total


def _sql_ms(username: str, params: dict[str, str], runs: int) -> float:
    """The search alone (the count and the page of cases, in one session), no HTTP or JSON."""
    from zhizhi.cases import search
    from zhizhi.cases.filters import parse_filter
    from zhizhi.core.db import unit_of_work
    from zhizhi.org import service as org

    times = []
    with unit_of_work() as session:
        principal = org.principal_for_username(session, username)
        f = parse_filter(params)
        search.search(session, principal, f, page=1, page_size=20)
        for _ in range(runs):
            t0 = time.perf_counter()
            search.search(session, principal, f, page=1, page_size=20)
            times.append(time.perf_counter() - t0)
            session.expunge_all()
    return statistics.median(times) * 1000


def measure_search(runs: int) -> list[tuple[str, str, float, int, float, float]]:
    from fastapi.testclient import TestClient

    from zhizhi.web.app import create_app

    client = TestClient(create_app())
    users = {"dispatcher": _token(client, "dispatcher"), "handler": _token(client, "handler")}
    sample = _sample()
    out = []
    for who, headers in users.items():
        floor, _ = _median_ms(client, "/api/v1/me", {}, headers, runs)
        for label, params in combos(sample):
            if "phone" in params and who == "handler":
                continue  # a phone search needs personal:read: a handler gets 403
            ms, total = _median_ms(client, "/api/v1/cases", params, headers, runs)
            out.append((who, label, ms, total, floor, _sql_ms(who, params, runs)))
            print(f"  {who} {label}: {ms:.0f} ms ({total:,} rows)", file=sys.stderr, flush=True)
    return out


# ---- intake cost of the bigram indexes (0016) ---------------------------------------------------

CHANGED = {
    "number": ":number",
    "subject": "subject || :n",
    "content": "content || :n",
    "address": "address || :n",
}


def _insert_one(conn: Any) -> str:
    """An INSERT of a copy of an existing case with a new number and varied text."""
    columns = [
        r[0]
        for r in conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases' "
                "AND column_name <> 'id' ORDER BY ordinal_position"
            )
        )
    ]
    values = ", ".join(CHANGED.get(c, c) for c in columns)
    return f"INSERT INTO cases ({', '.join(columns)}) SELECT {values} FROM cases WHERE id = :source"


def measure_intake(rows: int, runs: int) -> list[tuple[str, float]]:
    """Single-row INSERTs of new cases (one statement each, as intake does, text varied so the
    GIN entries are new), with the bigram indexes and with them dropped, alternately, each run in
    a transaction that is rolled back; median microseconds per row."""
    engine = create_engine(bc.URL)
    out: dict[str, list[float]] = {"with bigram indexes": [], "without (dropped in the transaction)": []}
    for _ in range(runs):
        for label in out:
            with engine.connect() as conn:
                tx = conn.begin()
                if label.startswith("without"):
                    conn.execute(text("DROP INDEX ix_cases_text_bigrams, ix_cases_address_bigrams"))
                insert_one = text(_insert_one(conn))
                t0 = time.perf_counter()
                for i in range(rows):
                    conn.execute(
                        insert_one,
                        {"number": f"B{i:010d}", "n": f"{i}号", "source": 1 + (i * 7919) % 900_000},
                    )
                out[label].append((time.perf_counter() - t0) / rows * 1e6)
                tx.rollback()
    engine.dispose()
    return [(label, statistics.median(v)) for label, v in out.items()]


# ---- export -----------------------------------------------------------------------------------


def _days_for(target: int) -> int:
    """The number of most recent local days whose cases number at least ``target``."""
    engine = create_engine(bc.URL)
    with engine.connect() as conn:
        days = conn.execute(
            text(
                "SELECT d FROM (SELECT d, sum(n) OVER (ORDER BY d DESC) AS acc FROM "
                "(SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date AS d, count(*) AS n FROM cases "
                "GROUP BY 1) x) y WHERE acc >= :t ORDER BY d DESC LIMIT 1"
            ),
            {"t": target},
        ).scalar()
    engine.dispose()
    if days is None:  # fewer cases than that: export them all
        return 1
    return int(days.toordinal())


FLOOR_ROW = (
    "20261130000123",
    "2026-11-30 08:15",
    "12345热线",
    "投诉",
    "路灯不亮",
    "居民反映五一大道12号附近路灯不亮，已持续3天，请尽快核实处理。",
    "长沙市五一大道12号",
    "430104",
    "G0012",
    "市容环境",
    "办理中",
    "岳麓区城市管理和综合执法局",
    "2026-12-05 18:00",
    "正常",
    "张*",
    "139****1234",
    "督",
    "",
    "",
)


def floor_openpyxl(rows: int) -> float:
    """The floor: openpyxl's write-only workbook writing ``rows`` constant rows of 19 short strings
    (no database, no masking, no labels) to a temporary file. Process CPU seconds, like the
    export's second figure (wall time on this shared machine mostly measures the neighbours)."""
    import tempfile

    from openpyxl import Workbook

    t0 = time.process_time()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("floor")
    for _ in range(rows + 1):
        ws.append(FLOOR_ROW)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        wb.save(handle.name)
    return time.process_time() - t0


def floor_xlsxwriter(rows: int) -> float:
    """The same constant rows through XlsxWriter's constant-memory workbook (the export's writer);
    CPU seconds."""
    import tempfile

    import xlsxwriter

    t0 = time.process_time()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        wb = xlsxwriter.Workbook(handle.name, {"constant_memory": True, "strings_to_formulas": False})
        ws = wb.add_worksheet("floor")
        for r in range(rows + 1):
            ws.write_row(r, 0, FLOOR_ROW)
        wb.close()
    return time.process_time() - t0


def export_child(first_day_ordinal: int) -> None:
    """In a fresh process: export the cases registered since that day, then the floors for the
    same number of rows; print JSON figures."""
    from datetime import date

    from zhizhi.cases import export
    from zhizhi.cases.filters import parse_filter
    from zhizhi.core.db import unit_of_work
    from zhizhi.org import service as org

    with unit_of_work() as session:
        principal = org.principal_for_username(session, "dispatcher")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    with unit_of_work() as session:
        f = parse_filter({"date_from": date.fromordinal(first_day_ordinal).isoformat()})
        path, rows = export.export_xlsx(session, principal, f)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = path.stat().st_size
    path.unlink()
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "rss_before_kb": before,
                "rss_peak_kb": after,
                "bytes": size,
                "floor_openpyxl": floor_openpyxl(rows),
                "floor_xlsxwriter": floor_xlsxwriter(rows),
            }
        )
    )


def measure_export(sizes: list[int], runs: int) -> list[dict[str, Any]]:
    """Each size ``runs`` times, each run in a fresh process; the run of median export time."""
    out = []
    for target in sizes:
        day = _days_for(target)
        results = []
        for _ in range(runs):
            run = subprocess.run(
                [sys.executable, __file__, "--export-child", str(day)],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ.copy(),
            )
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            results.append(figures)
            print(
                f"  export {figures['rows']:,} rows: {figures['seconds']:.1f} s, "
                f"CPU {figures['cpu_seconds']:.1f} s "
                f"(floors: openpyxl {figures['floor_openpyxl']:.1f} s, "
                f"xlsxwriter {figures['floor_xlsxwriter']:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
        results.sort(key=lambda e: e["seconds"])
        median = dict(results[len(results) // 2])
        median["runs"] = [round(e["seconds"], 1) for e in results]
        median["cpu_seconds"] = statistics.median(e["cpu_seconds"] for e in results)
        median["floor_openpyxl"] = statistics.median(e["floor_openpyxl"] for e in results)
        median["floor_xlsxwriter"] = statistics.median(e["floor_xlsxwriter"] for e in results)
        out.append(median)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    ap.add_argument("--reuse", action="store_true", help="reuse a kept database (skip the load)")
    ap.add_argument("--skip-export", action="store_true", help="time the search only")
    ap.add_argument("--skip-search", action="store_true", help="time the export only")
    ap.add_argument("--export-sizes", default="10000,100000", help="rows to export, comma-separated")
    ap.add_argument("--export-runs", type=int, default=1, help="runs of each export (median)")
    ap.add_argument("--intake-rows", type=int, default=0, help="time N single-row inserts (0: skip)")
    ap.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_child is not None:
        export_child(args.export_child)
        return
    try:
        if not args.reuse:
            t0 = time.perf_counter()
            org = bc.build_schema()
            load_s = bc.load_cases(args.cases, org)
            enrich_s = enrich()
            print(
                f"schema + demo org + {args.cases:,} cases: {time.perf_counter() - t0:.1f} s "
                f"(COPY {load_s:.1f} s, enrich + ANALYZE {enrich_s:.1f} s)"
            )
        search = [] if args.skip_search else measure_search(args.runs)
        intake = measure_intake(args.intake_rows, 3) if args.intake_rows else []
        sizes = [int(n) for n in args.export_sizes.split(",")]
        exports = [] if args.skip_export else measure_export(sizes, args.export_runs)
        print(f"\n{args.cases:,} cases, {os.cpu_count()} cores, median of {args.runs} warm requests\n")
        if search:
            print("| who | filters | API median ms | search SQL ms | rows matched | floor `/api/v1/me` ms |")
            print("|---|---|---:|---:|---:|---:|")
            for who, label, ms, total, floor, sql in search:
                print(f"| {who} | {label} | {ms:.0f} | {sql:.0f} | {total:,} | {floor:.0f} |")
            worst = max(search, key=lambda r: r[2])
            print(f"\nslowest: {worst[0]} / {worst[1]}: {worst[2]:.0f} ms (target ≤ 300 ms)\n")
        if intake:
            print(f"| single-row INSERT of a case ({args.intake_rows:,} rows, median of 3) | µs per row |")
            print("|---|---:|")
            for label, us in intake:
                print(f"| {label} | {us:.0f} |")
            print()
        print(
            "| export rows | wall s (median) | runs | rows/s | CPU s (median) | floor openpyxl CPU s "
            "| floor xlsxwriter CPU s | peak RSS MiB | RSS before MiB | growth MiB | file KiB |"
        )
        print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for e in exports:
            peak, before = e["rss_peak_kb"] / 1024, e["rss_before_kb"] / 1024
            print(
                f"| {e['rows']:,} | {e['seconds']:.1f} | {', '.join(map(str, e['runs']))} "
                f"| {e['rows'] / e['seconds']:,.0f} | {e['cpu_seconds']:.1f} | {e['floor_openpyxl']:.1f} "
                f"| {e['floor_xlsxwriter']:.1f} "
                f"| {peak:.0f} | {before:.0f} | {peak - before:.0f} | {e['bytes'] / 1024:.0f} |"
            )
    finally:
        if not args.keep and args.export_child is None:
            from zhizhi.core.db import dispose_all

            dispose_all()
            bc._admin_exec(f'DROP DATABASE IF EXISTS "{bc.DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
