"""The docs are true: the commands the README and docs/ show exist, and the README's settings
table is ``zhizhi.core.settings.Settings`` — every field, nothing else, the same defaults.

A setting added to ``Settings`` fails here until it has a row in the README's table.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import TypeAdapter, ValidationError

from zhizhi.cli.main import app
from zhizhi.core.settings import DEFAULT_DATA_DIR, Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("docs/*.md"))}
CLI = typer.main.get_command(app)


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)


def _readme_lines() -> list[str]:
    """Command lines of the README's code blocks, without comments."""
    return [ln.split("  #", 1)[0].strip() for block in _code_blocks(README) for ln in block.splitlines()]


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")  # typer ships its own click: duck-type its classes


def _sub(command: Any, name: str) -> Any:
    return command.get_command(typer.Context(command), name)


def _resolve(words: list[str]) -> tuple[Any, list[str], list[str]]:
    """The command ``zhizhi words…`` names, the names that led to it, and the words left over."""
    command: Any = CLI
    path: list[str] = []
    while _is_group(command) and words and not words[0].startswith("-"):
        sub = _sub(command, words[0])
        if sub is None:
            raise AssertionError(f"`zhizhi {' '.join([*path, words[0]])}` is not a command")
        command, path, words = sub, [*path, words[0]], words[1:]
    return command, path, words


# ---- Makefile and scripts ------------------------------------------------------------------------


def test_make_targets_in_the_readme_exist() -> None:
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", (ROOT / "Makefile").read_text(), flags=re.M))
    shown = set(re.findall(r"\bmake ([a-z][\w-]*)", README))
    assert shown >= {"demo", "test"}
    assert shown <= targets, shown - targets


def test_scripts_the_readme_names_exist() -> None:
    scripts = set(re.findall(r"\bbash (scripts/[\w./-]+)", README))
    assert scripts >= {"scripts/demo.sh", "scripts/test.sh"}
    assert [s for s in sorted(scripts) if not (ROOT / s).is_file()] == []


def test_make_demo_and_make_test_run_those_scripts() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:.*\n\tbash scripts/demo\.sh$", makefile, flags=re.M)
    assert re.search(r"^test:.*\n\tbash scripts/test\.sh$", makefile, flags=re.M)


# ---- zhizhi commands -----------------------------------------------------------------------------


def _readme_commands() -> list[list[str]]:
    commands = []
    for line in _readme_lines():
        words = shlex.split(line) if line else []
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # VAR=value prefixes
            words = words[1:]
        if words[:1] == ["zhizhi"]:
            commands.append(words[1:])
    return commands


def test_the_readme_shows_the_commands_it_talks_about() -> None:
    shown = {" ".join(_resolve(words)[1]) for words in _readme_commands()}
    assert shown >= {"db upgrade", "users create", "calendar import", "serve", "worker", "audit verify"}


@pytest.mark.parametrize("words", _readme_commands(), ids=lambda w: " ".join(w[:2]))
def test_every_readme_command_parses(words: list[str]) -> None:
    """Each ``zhizhi …`` line of the README parses as written: the command, its options, its
    arguments and their values (a path that must exist is the one thing left unchecked)."""
    command, path, rest = _resolve(words)
    assert not _is_group(command), f"`zhizhi {' '.join(path)}` needs a sub-command"
    try:
        command.make_context(" ".join(["zhizhi", *path]), list(rest))
    except typer.BadParameter as exc:
        if not (exc.param is not None and getattr(exc.param.type, "exists", False)):
            raise


def _inline_commands() -> list[tuple[str, str]]:
    """``zhizhi …`` in the inline code of docs/*.md: (doc, text) — placeholders may follow."""
    found = []
    for doc, text in DOCS.items():
        spans = re.findall(r"`(zhizhi(?: [^`]*)?)`", text.replace("\n", " "))
        found += [(doc, span) for span in spans]
    for doc, text in DOCS.items():
        for block in _code_blocks(text):
            found += [
                (doc, ln.split("  #", 1)[0].strip()) for ln in block.splitlines() if ln.startswith("zhizhi ")
            ]
    return found


@pytest.mark.parametrize(("doc", "text"), _inline_commands(), ids=lambda v: str(v)[:40])
def test_commands_in_docs_exist_with_their_options(doc: str, text: str) -> None:
    """docs/*.md show commands with placeholders (``YEAR``, ``[--seed N]``): the sub-commands and
    every ``--option`` named must exist."""
    words = re.findall(r"[a-z][a-z0-9-]*|--[a-z0-9-]+", text.split(" ", 1)[1] if " " in text else "")
    path_words = []
    for w in words:
        if w.startswith("--"):
            break
        path_words.append(w)
    command: Any = CLI
    for w in path_words:
        if not _is_group(command):
            break
        sub = _sub(command, w)
        assert sub is not None, f"{doc}: `{text}` — `{w}` is not a sub-command of `{command.name}`"
        command = sub
    options = {o for p in command.params for o in [*p.opts, *p.secondary_opts]}
    named = [w for w in words if w.startswith("--")]
    assert [o for o in named if o not in options] == [], f"{doc}: `{text}`"


# ---- settings ------------------------------------------------------------------------------------


def _settings_table() -> dict[str, tuple[str, str]]:
    """The README's settings table: NAME -> (default as written, what it does)."""
    section = README.split("Settings (environment, prefix `ZHIZHI_`)", 1)[1]
    rows = {}
    for line in section.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = re.fullmatch(r"`([A-Z0-9_]+)`", cells[0])
        if name:
            rows[name.group(1)] = (cells[1], cells[2])
    return rows


def _documented_default(name: str, cell: str) -> Any:
    """The default as the README writes it — the environment variable's text, `(none)` or
    `(required)` — parsed as pydantic-settings parses that variable."""
    if cell in ("(none)", "(required)"):
        return cell
    value = re.fullmatch(r"`([^`]*)`", cell)
    assert value, (
        f"write the default of ZHIZHI_{name.upper()} in backticks, or (none) or (required): {cell!r}"
    )
    adapter = TypeAdapter(Settings.model_fields[name].annotation)
    try:
        return adapter.validate_python(value.group(1))
    except ValidationError:
        return adapter.validate_json(value.group(1))  # lists and mappings are JSON in the environment


def _actual_default(name: str) -> Any:
    field = Settings.model_fields[name]
    if field.is_required():
        return "(required)"
    default = field.get_default(call_default_factory=True)
    if default is None:
        return "(none)"
    if name == "database_url":  # the default is made absolute from the working directory
        default = default.replace(f"sqlite:///{DEFAULT_DATA_DIR.parent}", "sqlite:///.")
    return default


def test_every_setting_is_documented_and_nothing_else() -> None:
    documented = set(_settings_table())
    fields = {name.upper() for name in Settings.model_fields}
    assert sorted(fields - documented) == [], "settings missing from the README's table"
    assert sorted(documented - fields) == [], "the README documents settings that do not exist"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_documented_default_is_the_default(name: str) -> None:
    table = _settings_table()
    if name.upper() not in table:
        pytest.fail(f"ZHIZHI_{name.upper()} is not in the README's settings table")
    written, meaning = table[name.upper()]
    assert meaning, f"ZHIZHI_{name.upper()} needs a description"
    actual = _actual_default(name)
    assert _documented_default(name, written) == actual, f"README says {written}, Settings says {actual!r}"
