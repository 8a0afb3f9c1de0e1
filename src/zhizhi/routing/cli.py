"""``zhizhi hotspots refresh``: recompute hotspots now and store a snapshot."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(help="Hotspot discovery over recent cases", no_args_is_help=True)
console = Console()


@app.command("refresh")
def hotspots_refresh() -> None:
    """Recompute hotspots over the last 30 days of cases and store a snapshot."""
    from zhizhi.core.db import unit_of_work
    from zhizhi.routing.hotspots import compute

    with unit_of_work() as session:
        snap = compute(session)
        rows = snap.hotspots
    for h in rows[:10]:
        console.print(
            f"{h['rank']:>2}. {h['title']}  ({h['count']} 件, {h['people']} 人, score {h['score']})"
        )
    console.print(f"{len(rows)} hotspots stored")
