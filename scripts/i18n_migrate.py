"""Move a package's ``messages.py`` dictionary (key → (中文, English)) into its gettext catalogues.

    .venv/bin/python scripts/i18n_migrate.py            # every src/zhizhi/*/messages.py
    .venv/bin/python scripts/i18n_migrate.py cases org  # these packages only
    .venv/bin/python scripts/i18n_migrate.py --src DIR  # packages under DIR, not src/zhizhi

For each package: the final ``MESSAGES`` (after any ``MESSAGES.update``) is added to
``<package>/locale/zh/LC_MESSAGES/<package>.po`` and ``.../en/...`` (a key already there with
another text stops the run before anything is written); the ``MESSAGES`` assignments and updates
are removed from ``messages.py`` (the file goes when nothing else is left in it); the manifest's
``messages=MESSAGES`` becomes ``locale=Path(__file__).parent / "locale"`` and its import goes.
Then run ``.venv/bin/python scripts/i18n.py check`` (docs/i18n.md).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "zhizhi"
sys.path.insert(0, str(ROOT / "src"))

from zhizhi.ui.i18n_tools import write_catalogue  # noqa: E402


def _is_messages_stmt(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "MESSAGES" for t in node.targets) or any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == "MESSAGES"
            for t in node.targets
        )
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.target.id == "MESSAGES"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "MESSAGES"
        )
    return False


def _strip_dictionary(path: Path) -> bool:
    """Remove the MESSAGES statements (and comment lines right above them); True when the
    module is left with nothing but its docstring and imports (then it is deleted)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    drop: set[int] = set()
    for node in tree.body:
        if _is_messages_stmt(node):
            start = node.lineno - 1
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            drop.update(range(start, node.end_lineno or node.lineno))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    rest = [
        n
        for n in ast.parse("".join(kept)).body
        if not isinstance(n, ast.Import | ast.ImportFrom)
        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    if not rest:
        path.unlink()
        return True
    path.write_text(re.sub(r"\n{3,}", "\n\n\n", "".join(kept)), encoding="utf-8")
    return False


def _load(path: Path) -> object:
    """The messages module read from its file (no import of its package)."""
    spec = importlib.util.spec_from_file_location(f"_i18n_migrate_{path.parent.name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fix_manifest(package: str) -> None:
    path = SRC / package / "manifest.py"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    text = re.sub(rf"^from zhizhi\.{package}\.messages import MESSAGES\n", "", text, flags=re.M)
    text = re.sub(
        rf"^(from zhizhi\.{package}\.messages import .*)\bMESSAGES, |, MESSAGES\b",
        r"\1",
        text,
        flags=re.M,
    )
    text = re.sub(r"\bmessages=MESSAGES\b", 'locale=Path(__file__).parent / "locale"', text)
    if "from pathlib import Path" not in text:
        text = text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\n\nfrom pathlib import Path\n",
            1,
        )
    path.write_text(text, encoding="utf-8")
    ruff = ROOT / ".venv" / "bin" / "ruff"
    if ruff.exists():
        subprocess.run([str(ruff), "check", "--fix", "--select", "I,F401", "-q", str(path)], check=False)


def migrate(package: str) -> int:
    module = _load(SRC / package / "messages.py")
    messages: dict[str, tuple[str, str]] = dict(getattr(module, "MESSAGES", {}))
    if not messages:
        print(f"{package}: no MESSAGES dictionary")
        return 0
    locale = SRC / package / "locale"
    for index, lang in enumerate(("zh", "en")):
        write_catalogue(locale, lang, {key: pair[index] for key, pair in messages.items()})
    deleted = _strip_dictionary(SRC / package / "messages.py")
    _fix_manifest(package)
    users = [
        str(p)
        for p in SRC.rglob("*.py")
        if re.search(
            rf"zhizhi\.{package}\.messages import .*MESSAGES|{package}\.messages\.MESSAGES", p.read_text()
        )
    ]
    state = "messages.py removed" if deleted else "MESSAGES removed from messages.py"
    print(f"{package}: {len(messages)} keys into {locale}; {state}")
    for user in users:
        print(f"  still imports MESSAGES: {user} (fix by hand)")
    return len(messages)


def main(argv: list[str]) -> int:
    global SRC
    if argv[:1] == ["--src"]:
        SRC, argv = Path(argv[1]).resolve(), argv[2:]
    names = argv or sorted(p.parent.name for p in SRC.glob("*/messages.py"))
    for name in names:
        migrate(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
