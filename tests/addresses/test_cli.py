"""The ``zhizhi addresses`` Typer sub-app (parse, clean, argument errors)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhizhi.addresses.cli import app

pytestmark = pytest.mark.usefixtures("shipped_model")
runner = CliRunner()


def test_parse_prints_json() -> None:
    result = runner.invoke(app, ["parse", "湖南省长沙市岳麓区麓山南路932号"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["divisions"]["county"]["code"] == "430104000000"


def test_clean_adds_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    dst = tmp_path / "out.csv"
    with src.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "address"])
        w.writerow(["1", "湖南省长沙市岳麓区麓山南路932号"])
        w.writerow(["2", "not an address"])
        w.writerow(["3", "北京市朝阳区惠新东街10号"])
    result = runner.invoke(app, ["clean", str(src), str(dst), "--column", "address"])
    assert result.exit_code == 0, result.output
    with dst.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["county_code"] == "430104000000"
    assert rows[0]["province_name"] == "湖南省"
    assert rows[0]["address_code"] == "430104000000"
    assert rows[1]["county_code"] == "" and float(rows[1]["confidence"]) < 0.3
    assert rows[2]["city_name"] == "北京市"
    assert float(rows[0]["confidence"]) > float(rows[1]["confidence"])


def test_clean_unknown_column(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,addr\n1,长沙\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(src), str(tmp_path / "out.csv"), "--column", "address"])
    assert result.exit_code == 2


def test_train_without_corpus(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
