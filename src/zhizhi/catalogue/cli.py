"""``zhizhi calendar import``: a year of the working-day calendar from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Working-day calendar", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.command("import")
def calendar_import(
    year: int,
    notice: Annotated[
        Path | None, typer.Option(help='JSON file {"holidays": [...], "makeup_workdays": [...]}')
    ] = None,
) -> None:
    """Import a year: from chinese_calendar, or from the State Council notice as JSON."""
    from zhizhi.catalogue import service
    from zhizhi.core import audit
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.errors import DomainError

    try:
        holidays: list[date] = []
        makeup: list[date] = []
        source = "chinese_calendar"
        if notice is not None:
            data = json.loads(notice.read_text(encoding="utf-8"))
            holidays = [date.fromisoformat(d) for d in data.get("holidays", [])]
            makeup = [date.fromisoformat(d) for d in data.get("makeup_workdays", [])]
            source = "notice"
        with unit_of_work() as session:
            result = service.import_calendar_year(
                session,
                year,
                source=source,
                holidays=holidays,
                makeup_workdays=makeup,
                actor=audit.Actor.system(),
            )
    except (DomainError, ValueError, OSError) as exc:
        msg = f"{exc.zh} / {exc.en}" if isinstance(exc, DomainError) else str(exc)
        err.print(f"[red]错误[/] {msg}")
        raise typer.Exit(2) from exc
    console.print(f"{year}: {result.days} days imported from {source} ({result.days_off} days off)")
