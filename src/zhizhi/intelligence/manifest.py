"""Appeal intelligence as a capability: the stateless NLP APIs and ``zhizhi nlp …`` (model
training, evaluation and offline analyses in one group)."""

from __future__ import annotations

from pathlib import Path

import typer

from zhizhi.http.capability import Capability
from zhizhi.intelligence import classify_endpoints, hotspot_endpoints


def _cli() -> typer.Typer:
    from zhizhi.intelligence.analysis_cli import app as analysis_app
    from zhizhi.intelligence.cli import app

    known = {c.callback for c in app.registered_commands}
    app.registered_commands.extend(c for c in analysis_app.registered_commands if c.callback not in known)
    return app


CAPABILITY = Capability(
    name="intelligence",
    api_routers=(classify_endpoints.router, hotspot_endpoints.router),
    locale=Path(__file__).parent / "locale",  # the reasons of duplicate candidates
    cli=_cli,
    cli_name="nlp",
)
