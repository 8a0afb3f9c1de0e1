"""The architecture's rules that import-linter cannot check, checked on the source itself.

* AGENTS.md and docs/architecture.md show the layering contract of pyproject.toml, line for line;
* every package under src/zhizhi is in that contract;
* no SQL outside repositories: SQLAlchemy statement constructs and session query/persist calls
  appear only in ``repository.py`` / ``repository/`` modules, ``migrations/`` and ``core/db.py``
  (``models.py`` may use ``func`` and ``text`` for column defaults);
* every message key a template asks for exists in a capability's catalogue.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "zhizhi"

# ---- the layer list --------------------------------------------------------------------------


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")
    assert layers["containers"] == ["zhizhi"] and layers["exhaustive"] is True
    return [" ".join(layer.split()) for layer in layers["layers"]]


def _documented_layers(path: Path) -> list[str]:
    """The lines of the block between ``<!-- layers -->`` and ``<!-- /layers -->``: each layer
    on one line, its description after two spaces (continuation lines start with a space)."""
    text = path.read_text(encoding="utf-8")
    block = text.split("<!-- layers -->", 1)[1].split("<!-- /layers -->", 1)[0]
    lines = [line for line in block.splitlines() if line.strip() and not line.startswith(("```", " "))]
    return [" ".join(re.split(r"\s{2,}", line.strip())[0].split()) for line in lines]


def test_agents_md_shows_the_contract_layers() -> None:
    expected = _contract_layers()
    for doc in (ROOT / "AGENTS.md", ROOT / "docs" / "architecture.md"):
        assert _documented_layers(doc) == expected, (
            f"{doc.name}'s layer block differs from pyproject.toml; it should list, top to bottom:\n"
            + "\n".join(expected)
        )


def test_every_package_is_in_the_layers() -> None:
    named = {name.strip("() ") for layer in _contract_layers() for name in layer.split("|")}
    packages = {
        p.name if p.is_dir() else p.stem
        for p in SRC.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")
    }
    assert packages <= named, f"packages missing from the layers contract: {sorted(packages - named)}"


# ---- no SQL outside repositories -------------------------------------------------------------

# statement and clause constructors of SQLAlchemy (``sqlalchemy``, ``sqlalchemy.sql``, dialects)
SQL_CONSTRUCTS = frozenset(
    {
        "select",
        "insert",
        "update",
        "delete",
        "text",
        "exists",
        "func",
        "literal_column",
        "literal",
        "bindparam",
        "union",
        "union_all",
        "except_",
        "intersect",
        "and_",
        "or_",
        "not_",
        "case",
        "cast",
        "null",
        "true",
        "false",
        "tuple_",
        "distinct",
        "join",
        "outerjoin",
        "lateral",
        "values",
        "table",
        "column",
        "over",
        "extract",
        "any_",
        "all_",
    }
)
MODEL_DEFAULTS = frozenset({"func", "text"})  # server defaults in models.py
SESSION_CALLS = frozenset(
    {
        "execute",
        "executemany",
        "exec_driver_sql",
        "scalar",
        "scalars",
        "get",
        "query",
        "add",
        "add_all",
        "delete",
        "merge",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
    }
)
SESSIONISH = re.compile(r"^(session|sess|conn|connection|db_session|cursor|cur)$|_session$")


def _allowed(path: Path) -> bool:
    rel = path.relative_to(SRC).as_posix()
    return (
        path.name == "repository.py"
        or "/repository/" in f"/{rel}"
        or rel.startswith("migrations/")
        or rel == "core/db.py"
    )


def _is_sessionish(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return bool(SESSIONISH.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(SESSIONISH.search(node.attr))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # session.connection().exec_driver_sql(…), session.connection().connection…
        return node.func.attr in {"connection", "connect", "begin", "cursor"} and _is_sessionish(
            node.func.value
        )
    return False


def sql_outside_repositories(path: Path, source: str) -> list[str]:
    """``file:line what`` for every SQL construct or session query/persist call in ``source``."""
    tree = ast.parse(source)
    allowed_names = MODEL_DEFAULTS if path.name == "models.py" else frozenset()
    sqla_modules: set[str] = set()  # local names bound to sqlalchemy modules
    found = []
    rel = path.relative_to(SRC).as_posix()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sqlalchemy":
            for alias in node.names:
                if alias.name in SQL_CONSTRUCTS and alias.name not in allowed_names:
                    found.append(f"{rel}:{node.lineno} imports sqlalchemy's {alias.name}")
                if alias.name in {"sql", "sqlalchemy"}:
                    sqla_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    sqla_modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in sqla_modules
            and node.attr in SQL_CONSTRUCTS
            and node.attr not in allowed_names
        ):
            found.append(f"{rel}:{node.lineno} uses {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_CALLS
            and _is_sessionish(node.func.value)
        ):
            found.append(f"{rel}:{node.lineno} calls {ast.unparse(node.func)}()")
    return found


def test_no_sql_outside_repositories() -> None:
    found = [
        hit
        for path in sorted(SRC.rglob("*.py"))
        if not _allowed(path)
        for hit in sql_outside_repositories(path, path.read_text(encoding="utf-8"))
    ]
    assert not found, "SQL outside repositories (move it into the domain's repository):\n" + "\n".join(found)


def test_the_sql_rule_sees_what_it_must() -> None:
    """The rule catches each form of SQL it names (so the test above can fail)."""
    service = SRC / "cases" / "service.py"
    cases = {
        "from sqlalchemy import select\n": "imports sqlalchemy's select",
        "from sqlalchemy.dialects.sqlite import insert\n": "imports sqlalchemy's insert",
        "import sqlalchemy as sa\nsa.func.count()\n": "uses sa.func",
        "session.execute(x)\n": "calls session.execute()",
        "ctx.session.add(row)\n": "calls ctx.session.add()",
        "self.session.get(Case, 1)\n": "calls self.session.get()",
        "session.connection().exec_driver_sql('SELECT 1')\n": "exec_driver_sql()",
    }
    for source, what in cases.items():
        hits = sql_outside_repositories(service, source)
        assert hits and what in hits[0], (source, hits)
    harmless = "from sqlalchemy import ColumnElement, event\nfrom typing import cast\nd = {}\nd.get('k')\n"
    assert sql_outside_repositories(service, harmless) == []
    assert sql_outside_repositories(SRC / "org" / "models.py", "from sqlalchemy import func\n") == []


# ---- message keys ------------------------------------------------------------------------------


def test_templates_ask_only_for_known_messages() -> None:
    from zhizhi import registry, ui
    from zhizhi.ui import i18n

    ui.configure(registry.CAPABILITIES)
    asked = {
        (path.relative_to(SRC).as_posix(), key)
        for path in SRC.rglob("templates/**/*.html")
        for key in re.findall(r"\bt\('([a-z_.0-9]+)'\s*[,)]", path.read_text(encoding="utf-8"))
    }
    missing = sorted((where, key) for where, key in asked if key not in i18n.MESSAGES)
    assert asked and not missing, f"message keys no catalogue defines: {missing}"
