"""The address library as a capability: its APIs (divisions, geocoding, grids, parsing) and
``zhizhi addresses …`` (parser commands and database commands in one group)."""

from __future__ import annotations

import typer

from zhizhi.addresses import endpoints, parse_endpoints
from zhizhi.http.capability import Capability


def _cli() -> typer.Typer:
    from zhizhi.addresses.cli import app
    from zhizhi.addresses.db_cli import app as db_app

    known = {c.callback for c in app.registered_commands}
    app.registered_commands.extend(c for c in db_app.registered_commands if c.callback not in known)
    return app


CAPABILITY = Capability(
    name="addresses",
    api_routers=(endpoints.router, parse_endpoints.router),
    cli=_cli,
    cli_name="addresses",
)
