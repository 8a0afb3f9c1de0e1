"""``zhizhi addresses …`` commands: train the parser, parse one address, clean a CSV file."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import typer

from zhizhi.addresses.parser.gazetteer import LEVELS

app = typer.Typer(
    help="Address parsing (地址解析): train the model, parse text, clean CSV files.", no_args_is_help=True
)

CLEAN_COLUMNS = [f"{lvl}_{part}" for lvl in LEVELS for part in ("code", "name")] + [
    "address_code",
    "confidence",
]


def default_data_dir() -> Path:
    """``$ZHIZHI_SHARED_DATA`` or ``../shared/data`` beside the current project directory."""
    env = os.environ.get("ZHIZHI_SHARED_DATA")
    return Path(env) if env else Path.cwd().parent / "shared" / "data"


@app.command()
def train(
    data_dir: Path = typer.Option(None, "--data-dir", help="reference data folder (default ../shared/data)"),
    output: Path = typer.Option(None, "--output", "-o", help="model file (default: the shipped model)"),
    gazetteer: bool = typer.Option(False, "--gazetteer", help="also rebuild the bundled gazetteer first"),
) -> None:
    """Retrain the CRF on CCKS 2021 and write the shipped model file (takes a few minutes)."""
    from zhizhi.addresses.parser import model
    from zhizhi.addresses.parser.build_data import build_gazetteer_data

    src = data_dir or default_data_dir()
    corpus = src / "addresses" / "ccks2021_train.conll"
    if not corpus.is_file():
        typer.echo(f"training corpus not found: {corpus} (use --data-dir)", err=True)
        raise typer.Exit(2)
    if gazetteer:
        stats = build_gazetteer_data(src / "divisions")
        typer.echo(f"gazetteer: {stats['rows']} rows, {stats['bytes']} bytes")
    out = model.train(output or model.MODEL_FILE, corpus_path=corpus)
    typer.echo(f"model written: {out} ({out.stat().st_size} bytes)")


@app.command("build-gazetteer")
def build_gazetteer(
    data_dir: Path = typer.Option(None, "--data-dir", help="reference data folder (default ../shared/data)"),
) -> None:
    """Rebuild the bundled division gazetteer from the NBS tables."""
    from zhizhi.addresses.parser.build_data import build_gazetteer_data

    src = (data_dir or default_data_dir()) / "divisions"
    if not src.is_dir():
        typer.echo(f"division tables not found: {src} (use --data-dir)", err=True)
        raise typer.Exit(2)
    stats = build_gazetteer_data(src)
    typer.echo(f"gazetteer: {stats['rows']} rows, {stats['bytes']} bytes")


@app.command("parse")
def parse_cmd(text: str = typer.Argument(..., help="address text")) -> None:
    """Parse one address and print the JSON result."""
    from zhizhi.addresses.parser import parse

    typer.echo(json.dumps(parse(text).as_dict(), ensure_ascii=False, indent=2))


@app.command()
def clean(
    input_csv: Path = typer.Argument(..., exists=True, dir_okay=False, help="input CSV (UTF-8, header row)"),
    output_csv: Path = typer.Argument(..., dir_okay=False, help="output CSV"),
    column: str = typer.Option("address", "--column", "-c", help="column holding the address text"),
) -> None:
    """Add division codes/names and a confidence to every row (streams; any size)."""
    from zhizhi.addresses.parser import parse

    rows = 0
    with input_csv.open(encoding="utf-8-sig", newline="") as fin:
        reader = csv.DictReader(fin)
        fields = list(reader.fieldnames or [])
        if column not in fields:
            typer.echo(f"column {column!r} not in {input_csv} (columns: {', '.join(fields)})", err=True)
            raise typer.Exit(2)
        extra = [c for c in CLEAN_COLUMNS if c not in fields]
        with output_csv.open("w", encoding="utf-8", newline="") as fout:
            writer = csv.DictWriter(fout, fieldnames=fields + extra)
            writer.writeheader()
            for row in reader:
                result = parse(row.get(column) or "")
                for lvl in LEVELS:
                    div = result.divisions.get(lvl)
                    row[f"{lvl}_code"] = div.code if div else ""
                    row[f"{lvl}_name"] = div.name if div else ""
                row["address_code"] = result.code or ""
                row["confidence"] = f"{result.confidence:.4f}"
                writer.writerow(row)
                rows += 1
    typer.echo(f"{rows} rows written to {output_csv}", err=True)


if __name__ == "__main__":  # pragma: no cover
    app(sys.argv[1:])
