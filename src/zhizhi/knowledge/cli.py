"""``zhizhi knowledge reindex``: rebuild the search index now (docs/knowledge.md)."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()
app = typer.Typer(help="知识库 knowledge base: reindex (docs/knowledge.md)", no_args_is_help=True)


@app.command("reindex")
def reindex() -> None:
    """Rebuild the search index's words now (what the job does after a publish)."""
    from zhizhi.core.db import unit_of_work
    from zhizhi.knowledge import service

    with unit_of_work() as session:
        generation = service.reindex(session)
    console.print(f"[green]索引已重建[/] index rebuilt: generation {generation}")
