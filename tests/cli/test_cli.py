"""The ``zhizhi`` command line against the test database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from typer.testing import CliRunner

from zhizhi.cli.main import app
from zhizhi.core.db import session_factory, unit_of_work
from zhizhi.org.models import User

runner = CliRunner()


class TestCommands:
    def test_db_upgrade_is_idempotent(self, db: str) -> None:
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output

    def test_users_create(self, world: Any) -> None:
        result = runner.invoke(
            app,
            [
                "users",
                "create",
                "newbie",
                "--password",
                "long-enough-1",
                "--role",
                "handler",
                "--department",
                "S1",
            ],
        )
        assert result.exit_code == 0, result.output
        with session_factory()() as s:
            user = s.scalar(select(User).where(User.username == "newbie"))
            assert user is not None and user.role == "handler"

    def test_users_create_rejects_bad_role(self, world: Any) -> None:
        result = runner.invoke(
            app, ["users", "create", "x2", "--password", "long-enough-1", "--role", "king"]
        )
        assert result.exit_code == 2 and "role" in result.output

    def test_calendar_import_from_notice_and_refusal_for_unknown_year(self, db: str, tmp_path: Path) -> None:
        notice = tmp_path / "2030.json"
        notice.write_text(json.dumps({"holidays": ["2030-01-01"], "makeup_workdays": ["2030-01-05"]}))
        try:
            result = runner.invoke(app, ["calendar", "import", "2030", "--notice", str(notice)])
            assert result.exit_code == 0, result.output
            assert "2030: 365 days" in result.output
            result = runner.invoke(app, ["calendar", "import", "2031"])
            assert result.exit_code == 2 and "2031" in result.output
        finally:
            with unit_of_work() as s:
                s.execute(text("DELETE FROM calendar_days WHERE day >= '2030-01-01'"))

    def test_audit_verify_reports_count_then_the_bad_entry(self, world: Any) -> None:
        world.create()
        ok = runner.invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0 and "entries verified" in ok.output
        with unit_of_work() as s:
            s.execute(text("UPDATE audit_log SET action = 'case.forged' WHERE seq = 1"))
        bad = runner.invoke(app, ["audit", "verify"])
        assert bad.exit_code == 1 and "entry 1" in bad.output

    def test_worker_imports_only_modules_that_declare_a_capability(self, db: str) -> None:
        refused = runner.invoke(app, ["worker", "--once", "--import", "tests.core.jobs_support"])
        assert refused.exit_code == 2 and "declares no CAPABILITY" in refused.output
        done = runner.invoke(
            app, ["worker", "--once", "--queue", "tests", "--import", "tests.core.job_tasks"]
        )
        assert done.exit_code == 0, done.output
