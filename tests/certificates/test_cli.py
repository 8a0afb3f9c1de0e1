"""``zhizhi certificates keygen`` and ``verify`` against the test database and key store."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from tests.certificates.conftest import COMPANY, issue, licence
from zhizhi.cli.main import app

runner = CliRunner()


def test_keygen_then_verify(city: Any, keys_dir: Any) -> None:
    made = runner.invoke(app, ["certificates", "keygen", "MZ"])
    assert made.exit_code == 0, made.output
    assert made.output.startswith("MZ-") and len(list(keys_dir.glob("MZ-*.json"))) == 1
    unknown = runner.invoke(app, ["certificates", "keygen", "NOPE"])
    assert unknown.exit_code == 1 and "department NOPE not found" in unknown.output
    issue(city, "clerk_scj", licence())
    ok = runner.invoke(app, ["certificates", "verify", COMPANY])
    assert ok.exit_code == 0 and ok.output.startswith("valid: SM2 签名有效")
    missing = runner.invoke(app, ["certificates", "verify", "NOPE-1"])
    assert missing.exit_code == 1 and missing.output.strip() == "unknown: 证照库中没有这个编号"
