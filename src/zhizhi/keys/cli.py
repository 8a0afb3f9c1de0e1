"""``zhizhi keys …``: create the key file, check it against the database, rotate (docs/crypto.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def build() -> typer.Typer:
    app = typer.Typer(
        help="SM4 data keys, blind-index keys: init, check, rotate, rotate-index (docs/crypto.md)",
        no_args_is_help=True,
    )

    @app.command("init")
    def init(
        path: Annotated[Path | None, typer.Option(help="key file (default: ZHIZHI_DATA_KEYS_FILE)")] = None,
    ) -> None:
        """Create the data key file if there is none (mode 0600). Back it up apart from the database."""
        from zhizhi.core.settings import get_settings
        from zhizhi.keys import service

        target = path or Path(get_settings().data_keys_file)
        if service.init_key_file(target):
            console.print(
                f"[green]已生成数据密钥文件[/] data key file created: {target} — 请另行备份 back it up"
            )
        else:
            console.print(f"数据密钥文件已存在 data key file exists: {target}")

    @app.command("check")
    def check() -> None:
        """Load the data keys and compare them with the database's check values; exit 1 if wrong."""
        from zhizhi.core.fieldcrypt import KeyConfigError
        from zhizhi.keys import service

        try:
            ks = service.startup()
        except KeyConfigError as exc:
            err.print(f"[red]{exc.zh}[/]\n{exc.en}")
            raise typer.Exit(1) from None
        console.print(
            f"数据密钥正常 data keys OK: active version {ks.active}, versions {sorted(ks.keys)}; "
            f"index key version {ks.index_active}, searched {ks.index_versions()} ({ks.source})"
        )

    @app.command("rotate")
    def rotate(
        batch: Annotated[int, typer.Option(help="rows per committed batch", min=1, max=100_000)] = 1000,
        pause: Annotated[float, typer.Option(help="seconds to wait between batches", min=0)] = 0.0,
        grace: Annotated[
            float | None,
            typer.Option(help="seconds for running processes to see the new key (default 2 × refresh)"),
        ] = None,
    ) -> None:
        """Add a key version, re-encrypt every encrypted column under it in batches while the
        platform keeps serving, then retire the older versions. Re-run to resume."""
        from zhizhi.core.fieldcrypt import KeyConfigError
        from zhizhi.keys import service

        def progress(table: str, last_id: int, changed: int) -> None:
            console.print(f"  {table}: up to id {last_id}, {changed} rows re-encrypted", highlight=False)

        try:
            report = service.rotate(batch_size=batch, pause=pause, grace=grace, progress=progress)
        except KeyConfigError as exc:
            err.print(f"[red]{exc.zh}[/]\n{exc.en}")
            raise typer.Exit(1) from None
        if report.left:
            err.print(f"[red]仍有旧版本密文[/] values left under older keys: {report.left}; re-run to resume")
            raise typer.Exit(1)
        console.print(
            f"[green]轮换完成[/] rotated to key version {report.to_version}"
            f"{' (resumed)' if report.resumed else ''}: {report.rows_changed} rows re-encrypted in "
            f"{report.seconds:.1f} s; retired versions {report.retired}"
        )

    @app.command("rotate-index")
    def rotate_index(
        batch: Annotated[int, typer.Option(help="rows per committed batch", min=1, max=100_000)] = 1000,
        pause: Annotated[float, typer.Option(help="seconds to wait between batches", min=0)] = 0.0,
        grace: Annotated[
            float | None,
            typer.Option(help="seconds for running processes to see the new key (default 2 × refresh)"),
        ] = None,
    ) -> None:
        """Add a blind-index key version, recompute every phone index under it in batches while
        search keeps finding every case (both versions are searched), then retire the older one.
        Re-run to resume."""
        from zhizhi.core.fieldcrypt import KeyConfigError
        from zhizhi.keys import index_rotation

        def progress(target: str, last_id: int, changed: int) -> None:
            console.print(f"  {target}: up to id {last_id}, {changed} rows re-indexed", highlight=False)

        try:
            report = index_rotation.rotate_index(
                batch_size=batch, pause=pause, grace=grace, progress=progress
            )
        except KeyConfigError as exc:
            err.print(f"[red]{exc.zh}[/]\n{exc.en}")
            raise typer.Exit(1) from None
        console.print(
            f"[green]盲索引轮换完成[/] rotated the index key to version {report.to_version}"
            f"{' (resumed)' if report.resumed else ''}: {report.rows_changed} rows re-indexed in "
            f"{report.seconds:.1f} s; retired versions {report.retired}"
        )

    return app
