"""CLI for the address library: ``import-divisions``, ``import-grids``, ``locate``, ``load-demo``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import DomainError

app = typer.Typer(help="Unified address library and grids (统一地址库 / 网格)", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(exc: DomainError) -> None:
    err.print(f"[red]{exc.zh}[/red] / {exc.en}")
    for problem in exc.errors[:20]:
        err.print(f"  {problem.field}: {problem.zh} / {problem.en}")
    raise typer.Exit(1)


@app.command("import-divisions")
def import_divisions_cmd(
    source: Path | None = typer.Option(
        None,
        "--source",
        help="directory with provinces/cities/areas/streets.csv, villages.csv.xz (default: bundled)",
    ),
    province: list[str] | None = typer.Option(
        None, "--province", help="2-digit province code(s) to import, e.g. 43"
    ),
) -> None:
    """Replace the divisions table (one transaction; COPY on PostgreSQL)."""
    from zhizhi.addresses.divisions import import_divisions

    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]divisions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("import", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with unit_of_work() as session:
            result = import_divisions(session, source, provinces=province or None, progress=progress)
    console.print(f"{result.rows} divisions {result.by_level} in {time.perf_counter() - started:.1f} s")


@app.command("import-grids")
def import_grids_cmd(
    file: Path = typer.Argument(
        ..., help="GeoJSON FeatureCollection (properties: code, name, community_code)"
    ),
    gcj02: bool = typer.Option(False, "--gcj02", help="coordinates are GCJ-02 (picked on a Chinese web map)"),
) -> None:
    """Create or update grids from a GeoJSON file (all or nothing)."""
    from zhizhi.addresses.grids import import_grids_file

    try:
        with unit_of_work() as session:
            result = import_grids_file(session, file, frame="gcj02" if gcj02 else "wgs84")
    except DomainError as exc:
        _fail(exc)
        return
    console.print(f"grids: {result.created} created, {result.updated} updated")


@app.command("load-demo")
def load_demo_cmd() -> None:
    """Demo grids in 岳麓区 and a handful of standard addresses."""
    from zhizhi.addresses.service import load_demo

    with unit_of_work() as session:
        counts = load_demo(session)
    console.print(counts)


@app.command("locate")
def locate_cmd(
    latitude: float = typer.Argument(..., help="WGS-84 latitude"),
    longitude: float = typer.Argument(..., help="WGS-84 longitude"),
    address: str | None = typer.Option(None, "--address", help="free-text address to geocode as well"),
) -> None:
    """Grid, community and territorial department of a point (and address)."""
    from zhizhi.addresses.service import locate

    with unit_of_work() as session:
        location = locate(session, address, latitude, longitude)
    console.print_json(json.dumps(location.as_dict(), ensure_ascii=False))
    if location.grid_code is None:
        raise typer.Exit(2)
