"""``zhizhi nlp`` commands for the appeal classifier: train, evaluate, classify."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from zhizhi.core.errors import DomainError

app = typer.Typer(help="Appeal intelligence: category classifier (train / evaluate / classify).")
console = Console()

DEFAULT_DATA_DIR = Path("../shared/data/citizen_messages")
Limit = typer.Option(None, "--limit", help="Use only the first N labelled texts (quick checks)")
Jobs = typer.Option(1, "--jobs", min=1, help="Folds fitted in parallel (processes)")
DataDir = typer.Option(
    DEFAULT_DATA_DIR, "--data-dir", help="Folder with labelled_messages.csv (and tokenised_messages.csv)"
)


def _f1_table(title: str, macro: float, per_class: dict[str, float], folds: list[float]) -> Table:
    table = Table(title=title)
    table.add_column("category")
    table.add_column("F1", justify="right")
    for label, value in sorted(per_class.items(), key=lambda kv: -kv[1]):
        table.add_row(label, f"{value:.4f}")
    table.add_row("[bold]macro-F1[/bold]", f"[bold]{macro:.4f}[/bold]")
    table.add_row("folds", " ".join(f"{f:.3f}" for f in folds))
    return table


#: The city's trainer (a port: routing's install hook fills it; it reads the database, which this
#: package never does): ``(base corpus folder or None) -> details``.
_city_trainer: list[Callable[[Path | None], dict[str, Any]]] = []


def use_city_trainer(trainer: Callable[[Path | None], dict[str, Any]]) -> None:
    _city_trainer[:] = [trainer]


def _train_city(data_dir: Path | None) -> None:
    if not _city_trainer:
        console.print("[red]city training is not available in this build[/]")
        raise typer.Exit(2)
    try:
        details = _city_trainer[0](data_dir)
    except DomainError as exc:
        console.print(f"[red]错误[/] {exc.zh} / {exc.en}")
        raise typer.Exit(2) from exc
    after, before = details["holdout"], details["holdout_before"]

    def pct(v: object) -> str:
        return f"{v:.1%}" if isinstance(v, float) else "—"

    console.print(
        f"model {details['model_version']}: {len(details['classes'])} categories, "
        f"{details['n_base']} base texts + {details['n_confirmed']} confirmed cases, "
        f"{details['train_seconds']} s"
    )
    console.print(
        f"held-back recent confirmed cases: {after['n']} · accuracy before {pct(before['accuracy'])} "
        f"→ after {pct(after['accuracy'])} (first level {pct(before['first_level_accuracy'])} "
        f"→ {pct(after['first_level_accuracy'])})"
    )
    if details.get("insufficient"):
        console.print(
            f"暂无足够样本 (not enough samples): {len(details['insufficient'])} categories rolled up"
        )


@app.command()
def train(
    data_dir: Path = DataDir,
    city: bool = typer.Option(
        False,
        "--city",
        help="Retrain the city's classifier: base corpus mapped into the tree + confirmed cases",
    ),
    output: Path = typer.Option(None, "--output", help="Artifact path (default: the shipped model file)"),
    no_extra: bool = typer.Option(False, "--no-extra", help="Do not add tokenised_messages.csv to training"),
    limit: int = Limit,
    jobs: int = Jobs,
) -> None:
    """Train on the citizen-message corpus and write the shipped model artifact (``--city``: the
    city's own classifier, stored in the database)."""
    if city:
        _train_city(data_dir if data_dir.is_dir() else None)
        return
    from zhizhi.intelligence.classifier import store
    from zhizhi.intelligence.classifier.train import train as run_training

    result = run_training(
        data_dir,
        use_extra=not no_extra,
        limit=limit,
        n_jobs=jobs,
        progress=lambda m: console.print(f"· {m}"),
    )
    path = store.save(result.model, result.metadata, output or store.MODEL_FILE)
    store.reset_cache()
    console.print(
        _f1_table(
            "Leak-safe 5-fold CV (out-of-fold)",
            result.cv.macro_f1,
            result.cv.per_class_f1,
            result.cv.fold_macro_f1,
        )
    )
    cal = result.calibration
    console.print(
        f"temperature {result.metadata['temperature']:.3f} · review threshold {result.threshold:.2f} · "
        f"review rate {cal['review_rate']:.1%} · accepted accuracy {cal['accepted_accuracy']:.1%} · "
        f"ECE {cal['ece']:.3f}"
    )
    size_kib = path.stat().st_size / 1024
    console.print(
        f"wrote {path} ({size_kib:.0f} KiB), version {result.metadata['model_version']}, "
        f"{result.metadata['train_seconds']} s"
    )


@app.command()
def evaluate(
    data_dir: Path = DataDir,
    no_extra: bool = typer.Option(False, "--no-extra", help="Labelled data only"),
    folds: int = typer.Option(5, "--folds", min=2, max=10),
    limit: int = Limit,
    seed: int = typer.Option(42, "--seed", help="Seed of the stratified fold split"),
    jobs: int = Jobs,
) -> None:
    """Stratified k-fold CV after de-duplication: macro-F1 and per-class F1."""
    from zhizhi.intelligence.classifier.data import load_corpus
    from zhizhi.intelligence.classifier.model import ModelParams
    from zhizhi.intelligence.classifier.train import cross_validate

    corpus = load_corpus(data_dir, with_extra=not no_extra, limit=limit)
    console.print(
        f"{len(corpus.texts)} labelled texts after de-duplication ({corpus.duplicates_dropped} dropped); "
        f"{len(corpus.extra_texts)} tokenised texts for training"
    )
    result = cross_validate(
        corpus, ModelParams(), use_extra=not no_extra, n_splits=folds, seed=seed, n_jobs=jobs
    )
    console.print(
        _f1_table(
            f"Leak-safe stratified {folds}-fold CV (seed {seed})",
            result.macro_f1,
            result.per_class_f1,
            result.fold_macro_f1,
        )
    )
    if result.extra_used_per_fold:
        console.print(f"tokenised items used per fold: {result.extra_used_per_fold}")
    console.print(
        f"labelled near-twins of test texts left out of training per fold: {result.twins_dropped_per_fold} "
        f"({result.seconds:.0f} s)"
    )


@app.command()
def classify(
    text: str = typer.Argument(..., help="Appeal text (subject and body joined)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Classify one text with the shipped model."""
    from zhizhi.intelligence.classifier import classify_many

    result = classify_many([text])[0]
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    console.print(
        f"category: [bold]{result.category}[/bold] ({result.confidence:.2f})"
        f"{'  needs review' if result.needs_review else ''}"
    )
    console.print(f"type: {result.appeal_type} · urgency: {result.urgency} · model: {result.model_version}")
    for reason in result.reasons:
        console.print(f"  - {reason}")
