"""The ``nlp`` CLI commands through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.shared_data import shared_path
from zhizhi.intelligence.cli import app

runner = CliRunner()


def test_classify_json() -> None:
    result = runner.invoke(app, ["classify", "举报化工厂偷排废水，河水严重污染，请环保局查处", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["category"] == "环境保护"
    assert data["appeal_type"] == "report"
    assert data["model_version"].startswith("cat-")


def test_classify_plain() -> None:
    result = runner.invoke(app, ["classify", "请问养老保险可以在网上交吗"])
    assert result.exit_code == 0, result.output
    assert "category:" in result.output


def test_evaluate_small() -> None:
    data = shared_path("citizen_messages")
    result = runner.invoke(
        app, ["evaluate", "--data-dir", str(data), "--limit", "300", "--no-extra", "--folds", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output


def test_train_small_to_custom_output(tmp_path: Path) -> None:
    data = shared_path("citizen_messages")
    out = tmp_path / "m.joblib"
    result = runner.invoke(
        app, ["train", "--data-dir", str(data), "--limit", "250", "--no-extra", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and out.with_suffix(".json").exists()
