"""Data keys as a capability: the ``zhizhi keys`` command group."""

from __future__ import annotations

from zhizhi.http.capability import Capability
from zhizhi.keys.cli import build

CAPABILITY = Capability(name="keys", cli=build, cli_name="keys")
