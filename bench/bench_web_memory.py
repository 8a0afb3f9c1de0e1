"""Resident memory of a real web process with every model loaded.

    .venv/bin/python bench/bench_web_memory.py [--runs 3] [--data-dir ../shared/data/citizen_messages]

Starts one uvicorn process of the platform (``zhizhi.web.app:create_app``) on a fresh SQLite
database holding the demo city without cases, with the AI suggestions computed inside the
request (``ZHIZHI_AI_MODE=inline``), and makes it load everything it can:

* ``POST /api/v1/nlp/classify`` (category model, type and urgency rules);
* ``POST /api/v1/nlp/hotspots`` with the first 500 messages of hotspot_messages.csv;
* ``POST /api/v1/cases`` of an appeal with an address (address parser and gazetteer,
  classification, dispatch recommendation and duplicate search inside the request);
* ``GET /`` and ``GET /api/v1/cases`` (templates, queries).

Then reads ``VmRSS`` (now) and ``VmHWM`` (peak) of the process from ``/proc``.  The figure
is per web process: ``zhizhi serve`` runs one, the benchmark of case creation runs two.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases
from zhizhi.intelligence.hotspots import load_messages_csv

ROOT = Path(__file__).resolve().parents[1]


def status_mib(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) // 1024
    return out


def hotspot_messages(data_dir: Path, n: int) -> list[dict[str, object]]:
    path = data_dir / "hotspot_messages.csv"
    if not path.exists():
        sample = {"id": "1", "subject": "小区噪音扰民", "body": "每天晚上施工到凌晨"}
        return [sample | {"created_at": "2019-01-01T00:00:00"}]
    return [
        {
            "id": m.id,
            "subject": m.subject,
            "body": m.body[:2000],
            "created_at": m.created_at.isoformat(),
            "likes": m.likes,
        }
        for m in load_messages_csv(str(path))[:n]
    ]


def one_run(url: str, messages: list[dict[str, object]]) -> dict[str, int]:
    server = bench_cases.Server(
        url,
        "zhizhi.web.app:create_app",
        workers=1,
        env={"ZHIZHI_AI_MODE": "on", "ZHIZHI_JOBS_INLINE": "true"},
    )  # with one worker the uvicorn process itself serves: its pid is the one to read
    base = f"http://127.0.0.1:{server.port}"
    try:
        auth = {"Authorization": f"Bearer {bench_cases.token(base, 'agent')}"}
        with httpx.Client(base_url=base, timeout=120, headers=auth) as c:
            texts = ["小区噪音扰民\n每天晚上施工到凌晨"]
            c.post("/api/v1/nlp/classify", json={"texts": texts}).raise_for_status()
            c.post("/api/v1/nlp/hotspots", json={"messages": messages}).raise_for_status()
            r = c.post(
                "/api/v1/cases",
                json={
                    "content": "岳麓区麓山南路小区门口的下水道堵了三天，污水漫到路面，请尽快处理",
                    "address": "岳麓区麓山南路932号",
                },
            )
            r.raise_for_status()
            c.get("/").raise_for_status()
            c.get("/api/v1/cases").raise_for_status()
        return status_mib(server.proc.pid)
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "citizen_messages")
    args = ap.parse_args()
    url = bench_cases.prepare("sqlite")
    messages = hotspot_messages(args.data_dir, 500)
    runs = [one_run(url, messages) for _ in range(args.runs)]
    rss = [r["VmRSS"] for r in runs]
    hwm = [r["VmHWM"] for r in runs]
    print(
        f"- web process (uvicorn, 1 worker, AI inline) after classify, hotspots of {len(messages)} "
        f"messages, one case created and two pages: RSS median {statistics.median(rss)} MiB "
        f"(runs {rss}), peak median {statistics.median(hwm)} MiB (runs {hwm})"
    )


if __name__ == "__main__":
    main()
