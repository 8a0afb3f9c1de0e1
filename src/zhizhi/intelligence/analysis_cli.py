"""CLI for the appeal-analysis libraries (mounted by the lead as ``zhizhi nlp``).

* ``hotspots [CSV]`` — top hotspots of a hotspot_messages.csv-style file as a table;
* ``duplicates-eval`` — precision/recall of the duplicate scorer on the stored pair set;
* ``reply-eval`` — reply-quality score distribution and agreement with the labelled sample.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="热点、并单与答复质量分析 / hotspots, duplicates and reply quality", no_args_is_help=True
)
console = Console()

_ROOT = Path(__file__).resolve().parents[3]
_SHARED = Path("../shared/data/citizen_messages")
DEFAULT_HOTSPOT_CSV = _SHARED / "hotspot_messages.csv"
DEFAULT_REPLIED_CSV = _SHARED / "replied_messages.csv"
DEFAULT_PAIRS = _ROOT / "tests" / "intelligence" / "data" / "duplicate_pairs.csv"
DEFAULT_REPLY_LABELS = _ROOT / "tests" / "intelligence" / "data" / "reply_quality_eval.csv"


def _existing(path: Path, what: str) -> Path:
    candidates = [path]
    if not path.is_absolute():
        candidates.append(_ROOT / path)
    for p in candidates:
        if p.exists():
            return p
    console.print(f"[red]{what} not found: {path}[/red]")
    raise typer.Exit(code=2)


@app.command("hotspots")
def hotspots_cmd(
    csv_path: Path = typer.Argument(
        DEFAULT_HOTSPOT_CSV, help="CSV with message_id, user, subject, created_at, body, likes, dislikes"
    ),
    top: int = typer.Option(10, "--top", "-n", min=1, max=200, help="how many hotspots"),
    window_days: int | None = typer.Option(None, "--window-days", min=1, help="only the last N days"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
) -> None:
    """热点发现：列出排名前 N 的热点 / print the top hotspots."""
    from zhizhi.intelligence.hotspots import find_hotspots, load_messages_csv

    path = _existing(csv_path, "CSV")
    messages = load_messages_csv(str(path))
    t0 = time.perf_counter()
    found = find_hotspots(messages, window_days=window_days, top=top)
    elapsed = time.perf_counter() - t0
    if as_json:
        out = [
            {
                "rank": h.rank,
                "title": h.title,
                "place": h.place,
                "topic": h.topic,
                "score": h.score,
                "count": h.count,
                "people": h.people,
                "likes": h.likes,
                "first_at": h.first_at.isoformat(),
                "last_at": h.last_at.isoformat(),
                "message_ids": list(h.message_ids),
            }
            for h in found
        ]
        typer.echo(json.dumps({"hotspots": out, "seconds": round(elapsed, 3)}, ensure_ascii=False))
        return
    table = Table(title=f"热点 top {top} — {len(messages)} messages, {elapsed:.1f} s")
    for col in ("#", "score", "title", "place", "topic", "msgs", "people", "likes", "span"):
        table.add_column(col)
    for h in found:
        table.add_row(
            str(h.rank),
            f"{h.score:.2f}",
            h.title[:40],
            h.place,
            h.topic,
            str(h.count),
            str(h.people),
            str(h.likes),
            f"{h.first_at:%Y-%m-%d}–{h.last_at:%Y-%m-%d}",
        )
    console.print(table)


@app.command("duplicates-eval")
def duplicates_eval_cmd(
    csv_path: Path = typer.Option(DEFAULT_HOTSPOT_CSV, "--csv", help="hotspot_messages.csv"),
    pairs: Path = typer.Option(DEFAULT_PAIRS, "--pairs", help="labelled pairs (id_a, id_b, label, source)"),
    threshold: float | None = typer.Option(None, "--threshold", min=0.0, max=1.0),
) -> None:
    """并单评估：在标注的消息对上计算精确率/召回率 / evaluate duplicate detection."""
    from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD
    from zhizhi.intelligence.duplicates.evaluation import evaluate, load_appeals, read_pairs

    rows = load_appeals(_existing(csv_path, "CSV"))
    res = evaluate(
        rows,
        read_pairs(_existing(pairs, "pairs file")),
        threshold if threshold is not None else DEFAULT_THRESHOLD,
    )
    table = Table(title=f"duplicates: {res['pairs']} pairs, {res['positives']} positive")
    for col in ("subset", "threshold", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(col)
    folds: list[dict[str, float]] = list(res["two_fold_hand"])  # type: ignore[call-overload]
    rows_out: list[tuple[str, object]] = [("all", res["all"]), ("hand-labelled", res["hand"])]
    rows_out += [(f"hand 2-fold {i + 1}", fold) for i, fold in enumerate(folds)]
    for name, m in rows_out:
        assert isinstance(m, dict)
        table.add_row(
            name,
            f"{m['threshold']:.2f}",
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            f"{m['f1']:.3f}",
            str(m["tp"]),
            str(m["fp"]),
            str(m["fn"]),
        )
    console.print(table)
    console.print(f"average precision: all {res['ap_all']:.3f}, hand-labelled {res['ap_hand']:.3f}")
    curve = Table(title="PR curve (hand-labelled pairs)")
    for col in ("threshold", "precision", "recall", "F1"):
        curve.add_column(col)
    for m in res["curve_hand"]:  # type: ignore[attr-defined]
        curve.add_row(
            f"{m['threshold']:.2f}", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}"
        )
    console.print(curve)


@app.command("reply-eval")
def reply_eval_cmd(
    csv_path: Path = typer.Option(DEFAULT_REPLIED_CSV, "--csv", help="replied_messages.csv"),
    labels: Path = typer.Option(DEFAULT_REPLY_LABELS, "--labels", help="message_id,label (good/poor)"),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="score only the first N messages (plus labelled ones)"
    ),
) -> None:
    """答复质量评估：得分分布与人工标注一致性 / evaluate reply-quality scores."""
    from zhizhi.intelligence.reply_quality.evaluation import evaluate, load_replied, read_labels

    msgs = load_replied(_existing(csv_path, "CSV"))
    lab = read_labels(_existing(labels, "labels file"))
    if limit is not None:
        msgs = msgs[:limit] + [m for m in msgs[limit:] if m.id in lab]
    res = evaluate(msgs, lab)
    table = Table(title=f"reply quality: {res['messages']} replies, {res['per_second']:.0f}/s")
    table.add_column("measure")
    table.add_column("value")
    for key, value in res.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v:.2f}" for k, v in value.items())
        elif isinstance(value, float):
            value = f"{value:.3f}"
        table.add_row(str(key), str(value))
    console.print(table)
