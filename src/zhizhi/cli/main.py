"""``zhizhi``: run, migrate, load the demo, manage users, calendar and audit."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
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
users_app = typer.Typer(help="Users and roles", no_args_is_help=True)
calendar_app = typer.Typer(help="Working-day calendar", no_args_is_help=True)
audit_app = typer.Typer(help="Tamper-evident audit log", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(calendar_app, name="calendar")
app.add_typer(audit_app, name="audit")
console = Console()
err = Console(stderr=True)


def _mount_capabilities() -> None:
    """Sub-command groups of the capabilities: ``zhizhi addresses …`` and ``zhizhi nlp …``."""
    from zhizhi.addresses.cli import app as parser_app
    from zhizhi.addresses.db_cli import app as address_db_app
    from zhizhi.intelligence.analysis_cli import app as analysis_app
    from zhizhi.intelligence.cli import app as nlp_app

    parser_app.registered_commands.extend(address_db_app.registered_commands)
    nlp_app.registered_commands.extend(analysis_app.registered_commands)
    app.add_typer(parser_app, name="addresses")
    app.add_typer(nlp_app, name="nlp")


_mount_capabilities()


@app.callback()
def _root() -> None:
    """Wire domain event subscribers once for every command."""
    from zhizhi.routing import wiring

    wiring.install()


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

    console.print(f"智治 serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "zhizhi.web.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info"
    )


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
        f"citizen — 密码 password: [bold]{DEMO_PASSWORD}[/]"
    )
    if not load_only:
        serve(host=host, port=port)


@users_app.command("create")
def users_create(
    username: str,
    password: Annotated[str, typer.Option(help="at least 8 characters")],
    role: Annotated[
        str,
        typer.Option(
            help="public|intake_agent|dispatcher|handler|grid_worker|supervisor|leader|data_steward|admin"
        ),
    ],
    department: Annotated[str | None, typer.Option(help="department code")] = None,
    display_name: Annotated[str | None, typer.Option(help="shown name")] = None,
) -> None:
    """Create a user."""
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.errors import DomainError
    from zhizhi.org import service

    try:
        with unit_of_work() as session:
            dept = service.department_by_code(session, department) if department else None
            user = service.create_user(
                session,
                username=username,
                password=password,
                role=role,
                department=dept,
                display_name=display_name,
            )
            uid = user.id
    except DomainError as exc:
        err.print(f"[red]错误[/] {exc.zh} / {exc.en}")
        raise typer.Exit(2) from exc
    console.print(f"created user {username} (id {uid}, role {role})")


@calendar_app.command("import")
def calendar_import(
    year: int,
    notice: Annotated[
        Path | None, typer.Option(help='JSON file {"holidays": [...], "makeup_workdays": [...]}')
    ] = None,
) -> None:
    """Import a year: from chinese_calendar, or from the State Council notice as JSON."""
    from zhizhi.core import audit
    from zhizhi.core.calendar_store import days_from_chinese_calendar, days_from_notice, replace_year
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.errors import DomainError

    try:
        with unit_of_work() as session:
            if notice is None:
                days, source = days_from_chinese_calendar(year), "chinese_calendar"
            else:
                data = json.loads(notice.read_text(encoding="utf-8"))
                days = days_from_notice(
                    year,
                    [date.fromisoformat(d) for d in data.get("holidays", [])],
                    [date.fromisoformat(d) for d in data.get("makeup_workdays", [])],
                )
                source = "notice"
            count = replace_year(session, year, days, source)
            audit.record(
                session,
                "calendar.import",
                audit.Actor.system(),
                object_type="calendar",
                object_id=year,
                source=source,
            )
    except (DomainError, ValueError, OSError) as exc:
        msg = f"{exc.zh} / {exc.en}" if isinstance(exc, DomainError) else str(exc)
        err.print(f"[red]错误[/] {msg}")
        raise typer.Exit(2) from exc
    off = sum(1 for _, w, _n in days if not w)
    console.print(f"{year}: {count} days imported from {source} ({off} days off)")


@app.command()
def worker(
    queue: Annotated[
        list[str] | None, typer.Option("--queue", help="only these queues (repeatable; default: all)")
    ] = None,
    concurrency: Annotated[int, typer.Option(help="jobs run at once by this process", min=1)] = 1,
    once: Annotated[bool, typer.Option("--once", help="run the due jobs, then exit")] = False,
    imports: Annotated[
        list[str] | None, typer.Option("--import", help="also load tasks from this module (repeatable)")
    ] = None,
) -> None:
    """Run queued jobs and schedules (AI suggestions, hotspot refresh …); on PostgreSQL also
    chains the audit inbox. Run one or more beside `serve` (docs/jobs.md)."""
    import importlib

    from zhizhi.core import jobs

    for module in imports or []:
        importlib.import_module(module)
    if not once:
        console.print(f"智治 worker: running jobs from {_safe_url()} (Ctrl-C to stop)")
    jobs.run_worker(queues=queue or None, concurrency=concurrency, once=once)


hotspots_app = typer.Typer(help="Hotspot discovery over recent cases", no_args_is_help=True)
app.add_typer(hotspots_app, name="hotspots")


@hotspots_app.command("refresh")
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
