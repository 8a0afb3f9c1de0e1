"""``zhizhi certificates keygen``: a department's SM2 signing key (private half to the key store)."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(help="Electronic certificates (电子证照)", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.command("keygen")
def keygen(department: str) -> None:
    """New SM2 key pair for DEPARTMENT (code); its earlier keys are retired but still verify."""
    from zhizhi.certificates import service
    from zhizhi.core import audit
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.errors import DomainError

    try:
        with unit_of_work() as session:
            row = service.create_key(session, department, audit.Actor.system())
            key_id, public = row.key_id, row.public_key
    except DomainError as exc:
        err.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(1) from None
    console.print(f"{key_id}  SM2  {public}")


@app.command("verify")
def verify(number: str) -> None:
    """Verify a certificate by number, as the public page does."""
    from zhizhi.certificates import verification
    from zhizhi.core.db import unit_of_work

    with unit_of_work() as session:
        result = verification.verify_number(session, number)
    console.print(f"{result.outcome.value}: " + "; ".join(r.zh for r in result.reasons))
    raise typer.Exit(0 if result.outcome.value == "valid" else 1)


@app.command("wrap-keys")
def wrap_keys() -> None:
    """Wrap the key store's plaintext signing keys with the SM4 data key (and re-wrap the others
    under the active data key version). Safe to run again."""
    from zhizhi.certificates import service
    from zhizhi.core.errors import DomainError

    try:
        changed = service.rewrap_signing_keys()
    except DomainError as exc:
        err.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已封装 wrapped {len(changed)} signing key(s): {', '.join(changed) or '-'}")
