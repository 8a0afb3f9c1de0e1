"""``zhizhi``: run, migrate, load the demo, the worker, the audit chain — and the command groups
of every capability in ``zhizhi.registry`` (``users``, ``calendar``, ``hotspots``,
``addresses``, ``nlp``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from zhizhi.core.settings import get_settings

app = typer.Typer(
    help="智治 Zhizhi — holistic smart governance platform",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (Alembic)", no_args_is_help=True)
audit_app = typer.Typer(help="Tamper-evident audit log", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
console = Console()
err = Console(stderr=True)


def _mount_capabilities() -> None:
    """The command groups of the capabilities (``zhizhi users …``, ``zhizhi nlp …`` …)."""
    from zhizhi.registry import CAPABILITIES

    for capability in CAPABILITIES:
        if capability.cli is not None:
            app.add_typer(capability.cli(), name=capability.cli_name or capability.name)


_mount_capabilities()


@app.callback()
def _root() -> None:
    """Run the capabilities' install hooks (event subscribers) once for every command."""
    from zhizhi import registry

    registry.install()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations, then seed the calendar years chinese_calendar knows."""
    _upgrade()
    console.print(f"[green]数据库已迁移到最新版本[/] database at head: {_safe_url()}")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def _upgrade() -> None:
    from zhizhi.core import clock
    from zhizhi.core.calendar_store import seed_known_years
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.migrate import upgrade

    upgrade()
    with unit_of_work() as session:
        seed_known_years(session, range(2019, clock.today_local().year + 2))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Serve the platform (API at /api/v1, docs at /docs)."""
    import uvicorn

    from zhizhi.core.settings import InsecureSettings, get_settings, guard

    try:
        guard(get_settings())  # before any worker starts: a clear message, no traceback
    except InsecureSettings as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    _keys_or_exit()

    console.print(f"智治 serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "zhizhi.web.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info"
    )


def _demo_keys() -> None:
    """The demo makes its own data key file on first run (a real deployment runs `zhizhi keys init`
    once and keeps the file apart from the database, docs/crypto.md)."""
    from pathlib import Path

    from zhizhi.keys.service import init_key_file

    settings = get_settings()
    if not settings.data_keys_url and init_key_file(Path(settings.data_keys_file)):
        console.print(f"示范数据密钥已生成 demo data key file created: {settings.data_keys_file}")


def _keys_or_exit() -> None:
    from zhizhi.core.fieldcrypt import KeyConfigError
    from zhizhi.keys.service import startup

    try:
        startup()
    except KeyConfigError as exc:
        err.print(f"[red]数据密钥不可用，拒绝启动：{exc.zh}[/]")
        err.print(f"data keys unusable, refusing to start: {exc.en}")
        raise typer.Exit(1) from None


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    load_only: Annotated[bool, typer.Option("--load-only", help="load and exit")] = False,
) -> None:
    """Migrate, load the Changsha demo city if the database is empty, and serve."""
    from zhizhi.core import jobs
    from zhizhi.core.db import unit_of_work
    from zhizhi.demo.load import load_demo
    from zhizhi.demo.org import DEMO_PASSWORD

    _demo_keys()
    _upgrade()
    # jobs.inline() must enclose the commit, so the AI suggestions are computed before we serve
    with (
        console.status("正在加载长沙示范城市 loading the Changsha demo city…"),
        jobs.inline(),
        unit_of_work() as session,
    ):
        counts = load_demo(session)
    if counts:
        console.print(f"[green]示范数据已加载[/] demo loaded: {counts}")
    else:
        console.print("示范数据已存在 demo already loaded")
    console.print(
        f"示范账号 demo users: admin, leader, supervisor, agent, dispatcher, handler, grid, steward, "
        f"citizen; 数据共享 data sharing: steward_ga, steward_scjg, steward_rs, steward_zrzy, steward_zj, "
        f"steward_jy, steward_wj — 密码 password: [bold]{DEMO_PASSWORD}[/]"
    )
    if not load_only:
        serve(host=host, port=port)


@app.command()
def worker(
    queue: Annotated[
        list[str] | None, typer.Option("--queue", help="only these queues (repeatable; default: all)")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="jobs run at once by this process", min=1)] = 1,
    once: Annotated[bool, typer.Option("--once", help="run the due jobs, then exit")] = False,
    imports: Annotated[
        list[str] | None,
        typer.Option(
            "--import", help="also register the capability (CAPABILITY) of this module (repeatable)"
        ),
    ] = None,
) -> None:
    """Run queued jobs and schedules (AI suggestions, hotspot refresh …); on PostgreSQL also
    chains the audit inbox. Run one or more beside `serve` (docs/jobs.md).

    The worker's composition root: every capability's tasks and schedules are registered from
    ``zhizhi.registry`` (the callback above), those of ``--import`` modules here."""
    import importlib

    from zhizhi import registry
    from zhizhi.core import jobs
    from zhizhi.http.capability import Capability

    extra = []
    for name in imports or []:
        capability = getattr(importlib.import_module(name), "CAPABILITY", None)
        if not isinstance(capability, Capability):
            err.print(f"[red]{name} declares no CAPABILITY[/] (a zhizhi.http.capability.Capability)")
            raise typer.Exit(2)
        extra.append(capability)
    registry.install(extra)
    _keys_or_exit()
    if not once:
        console.print(f"智治 worker: running jobs from {_safe_url()} (Ctrl-C to stop)")
    jobs.run_worker(queues=queue or None, concurrency=concurrency, once=once)


@audit_app.command("verify")
def audit_verify() -> None:
    """Chain committed entries still in the inbox, then walk the SM3 hash chain; exit 1 naming
    the first bad entry."""
    from zhizhi.core.audit import seal_all, verify
    from zhizhi.core.crypto import SM3_BACKEND
    from zhizhi.core.db import get_engine, session_factory

    if get_engine().dialect.name != "sqlite":
        seal_all(get_engine())
    with session_factory()() as session:
        result = verify(session)
    if result.ok:
        waiting = f"; {result.pending} committed entries waiting to be chained" if result.pending else ""
        console.print(f"audit chain intact: {result.count} entries verified (SM3 via {SM3_BACKEND}){waiting}")
        return
    err.print(
        f"[red]audit chain broken[/] at entry {result.bad_seq}: {result.problem} "
        f"({result.count} entries verified before it)"
    )
    raise typer.Exit(1)


def main() -> None:  # pragma: no cover
    sys.exit(app())
