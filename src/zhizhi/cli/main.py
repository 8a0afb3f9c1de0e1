"""``zhizhi``: run, migrate, load the demo, the worker, the audit chain — and the command groups
of every capability in ``zhizhi.registry`` (``users``, ``calendar``, ``hotspots``,
``addresses``, ``nlp``)."""

from __future__ import annotations

import os
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
    from zhizhi.demo.open311 import DEMO_KEY as DEMO_OPEN311_KEY
    from zhizhi.demo.org import DEMO_PASSWORD

    _demo_keys()
    _upgrade()
    audit_init_key()  # the audit chain's keys, outside the database (first run only)
    # jobs.inline() must enclose the commit, so the AI suggestions are computed before we serve
    with (
        console.status("正在加载长沙示范城市 loading the Changsha demo city…"),
        jobs.inline(),
        unit_of_work() as session,
    ):
        counts = load_demo(session)
    if counts:
        console.print(f"[green]示范数据已加载[/] demo loaded: {counts}")
        audit_anchor()  # a first signed checkpoint of the audit chain; then every 10 minutes
    else:
        console.print("示范数据已存在 demo already loaded")
    console.print(
        f"示范账号 demo users: admin, leader, supervisor, agent, dispatcher, handler, grid, steward, "
        f"citizen; 数据共享 data sharing: steward_ga, steward_scjg, steward_rs, steward_zrzy, steward_zj, "
        f"steward_jy, steward_wj; 事项管理 service items: items, items_yl — "
        f"密码 password: [bold]{DEMO_PASSWORD}[/]"
    )
    console.print(f"Open311 示范客户端 demo client key (/open311/v2/): [bold]{DEMO_OPEN311_KEY}[/]")
    _require_audit_key()
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
    _require_audit_key()
    if not once:
        console.print(f"智治 worker: running jobs from {_safe_url()} (Ctrl-C to stop)")
    jobs.run_worker(queues=queue or None, concurrency=concurrency, once=once)


def _require_audit_key() -> None:
    from zhizhi.core import audit
    from zhizhi.core.auditkey import AuditKeyError
    from zhizhi.core.db import get_engine

    try:
        audit.require_key(get_engine())
    except AuditKeyError as exc:
        err.print(f"[red]{exc.zh}[/]\n{exc.en}")
        raise typer.Exit(2) from None


@audit_app.command("verify")
def audit_verify(
    no_cases: Annotated[bool, typer.Option("--no-cases", help="only the chain and its anchors")] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            min=1,
            help="processes walking ranges of a chain of 100,000+ entries each (default: CPUs, at most 4)",
        ),
    ] = min(os.cpu_count() or 1, 4),
) -> None:
    """Chain committed entries still in the inbox, then check the HMAC-SM3 chain, its signed
    checkpoints, and every case row and timeline against their seals; exit 1 listing each
    finding (kind, entry or case number)."""
    from zhizhi.cases.service import verify_integrity
    from zhizhi.core.audit import seal_all
    from zhizhi.core.auditkey import AuditKeyError
    from zhizhi.core.auditverify import verify_chain
    from zhizhi.core.crypto import SM3_BACKEND
    from zhizhi.core.db import get_engine, session_factory

    if get_engine().dialect.name != "sqlite":
        seal_all(get_engine())
    try:
        with session_factory()() as session:
            result = verify_chain(session, workers=jobs)
            findings = list(result.findings)
            cases = events = 0
            if not no_cases:
                more, cases, events = verify_integrity(session)
                findings += more
    except AuditKeyError as exc:
        err.print(f"[red]{exc.zh}[/]\n{exc.en}")
        raise typer.Exit(2) from None
    covered = "" if no_cases else f", {cases} cases and {events} case events"
    if not findings:
        waiting = f"; {result.pending} committed entries waiting to be chained" if result.pending else ""
        console.print(
            f"audit chain intact: {result.count} entries verified (HMAC-SM3 via {SM3_BACKEND}), "
            f"{result.anchors} checkpoints{covered}{waiting}",
            soft_wrap=True,
        )
        return
    err.print(
        f"[red]audit trail tampered 审计记录被篡改[/]: {len(findings)} findings ({result.count} entries)"
    )
    for f in findings:
        where = f"entry {f.seq}" if f.seq is not None else "-"
        case = f" case {f.ref}" if f.ref else ""
        err.print(f"  {f.kind:20} {where}{case}: {f.message}", soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("init-key")
def audit_init_key() -> None:
    """Create the chain's HMAC-SM3 key file and the SM2 anchor key pair unless they exist."""
    from zhizhi.core import anchor, auditkey

    path, made = auditkey.create()
    console.print(f"{'已生成' if made else '已存在'} audit key {'created' if made else 'exists'}: {path}")
    apath, amade = anchor.create_key()
    console.print(
        f"{'已生成' if amade else '已存在'} anchor key {'created' if amade else 'exists'}: {apath} (+ .pub)"
    )


@audit_app.command("rotate-key")
def audit_rotate_key() -> None:
    """Append a new active chain key; entries keep naming the key they were chained with."""
    from zhizhi.core import auditkey

    console.print(f"new active audit key 新的审计密钥: {auditkey.rotate()}")


@audit_app.command("rekey")
def audit_rekey() -> None:
    """Re-chain every entry under the active key (legacy SM3 entries after migration 0011, or a
    retired key), after checking the chain as it stands; refuses a tampered chain."""
    from zhizhi.core.audit import rekey, seal_all
    from zhizhi.core.auditverify import verify_chain
    from zhizhi.core.db import get_engine, session_factory

    engine = get_engine()
    if engine.dialect.name != "sqlite":
        seal_all(engine)
    with session_factory()() as session:
        result = verify_chain(session, anchors=False)
    bad = [f for f in result.findings if f.kind != "unkeyed"]
    if bad:
        err.print(f"[red]审计链已损坏，拒绝重新链接[/] the chain is broken, not re-keying: {bad[0].message}")
        raise typer.Exit(1)
    console.print(f"re-keyed 已重新链接: {rekey(engine)} entries")


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Write a signed checkpoint of the chain now (the job queue does it on a schedule)."""
    from zhizhi.core import anchor
    from zhizhi.core.db import get_engine

    item = anchor.checkpoint(get_engine())
    console.print(f"checkpoint 锚点: entry {item['seq']} ({item['count']} entries) at {item['at']}")


def main() -> None:  # pragma: no cover
    sys.exit(app())
