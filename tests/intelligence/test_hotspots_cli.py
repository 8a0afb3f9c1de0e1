"""The analysis CLI (hotspots, duplicates-eval, reply-eval) through typer's CliRunner."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from tests.shared_data import shared_path
from zhizhi.intelligence.analysis_cli import app

runner = CliRunner()


def _write_csv(path: Path) -> None:
    now = datetime(2019, 9, 30, 12)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["message_id", "user", "subject", "created_at", "body", "dislikes", "likes"])
        for i in range(8):
            w.writerow(
                [
                    f"h{i}",
                    f"u{i}",
                    f"锦绣华庭搅拌站噪音扰民{i % 2}",
                    f"{now - timedelta(hours=i):%Y/%m/%d %H:%M:%S}",
                    "锦绣华庭小区旁的搅拌站日夜作业，噪音粉尘严重。",
                    0,
                    2,
                ]
            )
        for i in range(6):
            w.writerow(
                [
                    f"o{i}",
                    f"v{i}",
                    f"咨询{i}路公交",
                    f"{now - timedelta(days=i):%Y/%m/%d %H:%M:%S}",
                    f"{i}路公交何时恢复",
                    0,
                    0,
                ]
            )


def test_hotspots_command_table_and_json(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    _write_csv(path)
    r = runner.invoke(app, ["hotspots", str(path), "--top", "3"])
    assert r.exit_code == 0, r.output
    assert "锦绣华庭" in r.output
    r = runner.invoke(app, ["hotspots", str(path), "--json"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["hotspots"][0]["rank"] == 1 and len(data["hotspots"][0]["message_ids"]) >= 6


def test_missing_csv_exits_with_code_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["hotspots", str(tmp_path / "absent.csv")])
    assert r.exit_code == 2
    assert "not found" in r.output


def test_duplicates_eval_command() -> None:
    csv_path = shared_path("citizen_messages", "hotspot_messages.csv")
    r = runner.invoke(app, ["duplicates-eval", "--csv", str(csv_path)], terminal_width=160)
    assert r.exit_code == 0, r.output
    assert "hand-labelled" in r.output and "precision" in r.output


def test_reply_eval_command() -> None:
    csv_path = shared_path("citizen_messages", "replied_messages.csv")
    r = runner.invoke(app, ["reply-eval", "--csv", str(csv_path), "--limit", "20"], terminal_width=160)
    assert r.exit_code == 0, r.output
    assert "auc_overall" in r.output
