"""``zhizhi users …``: user administration from the command line (through ``org.service``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Users and roles", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.command("create")
def users_create(
    username: str,
    password: Annotated[str, typer.Option(help="at least 8 characters")],
    role: Annotated[
        str,
        typer.Option(
            help="public|intake_agent|dispatcher|handler|grid_worker|supervisor|leader|data_steward|item_steward|admin"
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
            user = service.create_user(
                session,
                username=username,
                password=password,
                role=role,
                department_code=department,
                display_name=display_name,
            )
            uid = user.id
    except DomainError as exc:
        err.print(f"[red]错误[/] {exc.zh} / {exc.en}")
        raise typer.Exit(2) from exc
    console.print(f"created user {username} (id {uid}, role {role})")


@app.command("unlock")
def users_unlock(
    username: Annotated[str | None, typer.Argument(help="the locked account")] = None,
    address: Annotated[str | None, typer.Option(help="a locked source address instead")] = None,
) -> None:
    """Lift a login lockout (of an account, or of a source address) before it ends; audited."""
    from zhizhi.core.db import unit_of_work
    from zhizhi.org import service

    if bool(username) == bool(address):
        err.print("[red]错误[/] 请给出用户名或 --address 之一 / give a username or --address, not both")
        raise typer.Exit(2)
    with unit_of_work() as session:
        service.unlock(session, username=username, address=address)
    console.print(f"unlocked {username or address}")
