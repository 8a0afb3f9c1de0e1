"""Babel extraction, the catalogue check and the catalogue writer (development tools, docs/i18n.md).

Not used by a running app.  ``scripts/i18n.py`` (``make i18n``, ``make i18n-check``) and
``tests/test_i18n_catalogues.py`` call :func:`problems`; ``scripts/i18n_migrate.py`` calls
:func:`write_catalogue`.

* **Extraction** is Babel's (``babel.messages.extract``) with the method map and keywords of
  ``babel.cfg`` (read here too): Python (``t``, ``translate``, ``N_``, ``_``, ``gettext``) and
  Jinja2 templates (Jinja's ``babel_extract``).  A key found there must be in a catalogue, in both languages.
* **Used** keys are the extracted ones plus keys handed over as data: a string literal equal to
  a key anywhere in the package sources (a navigation label, a form field's label) or in a
  template.  A catalogue key used nowhere is obsolete.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment, nodes

from zhizhi.ui.i18n import LANGS, po_path

SRC = Path(__file__).resolve().parent.parent  # src/zhizhi
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": None,
    "translate": None,
    "N_": None,
    "_": None,
    "gettext": None,
}
BABEL_CFG = SRC.parent.parent / "babel.cfg"  # the repository's extraction map, when present
# the same map as babel.cfg (used when the package runs outside the repository)
METHOD_MAP = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
]
OPTIONS = {"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg's method map and options (``pybabel extract -F babel.cfg`` reads the same)."""
    if not BABEL_CFG.exists():
        return METHOD_MAP, OPTIONS
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CFG.open() as f:
        methods, options = parse_mapping_cfg(f, str(BABEL_CFG))
    return methods, options


@dataclass
class Inventory:
    """What the sources use and what the catalogues hold, over every package."""

    extracted: dict[str, list[str]] = field(default_factory=dict)  # key -> where (file:line)
    literals: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)  # keys built as 'prefix.' ~ value in a t() call
    defined: dict[str, dict[str, tuple[Path, str, bool]]] = field(default_factory=dict)
    # key -> lang -> (catalogue, text, fuzzy)
    legacy: list[Path] = field(default_factory=list)  # messages.py dictionaries left


def packages() -> list[Path]:
    return sorted(p for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def extract(package: Path) -> Iterator[tuple[str, str]]:
    """(key, "file:line") for every message id Babel extracts from ``package``."""
    methods, options = _method_map()
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(package), methods, options, KEYWORDS, strip_comment_tags=True
    ):
        first = message[0] if isinstance(message, tuple) else message
        if isinstance(first, str) and first:
            yield first, f"{package.name}/{filename}:{lineno}"


def _python_literals(path: Path, prefixes: set[str]) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.Call) and node.args and _call_name(node.func) in KEYWORDS:
            first = node.args[0]
            if isinstance(first, ast.JoinedStr) and first.values:
                head = first.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value:
                    prefixes.add(head.value)


def _python_literals_names(path: Path) -> set[str]:
    """The names a module assigns at its top level (is a ``MESSAGES`` dictionary left?)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


_jinja = Environment(autoescape=True)


def _template_literals(path: Path, prefixes: set[str]) -> Iterator[str]:
    tree = _jinja.parse(path.read_text(encoding="utf-8"))
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in KEYWORDS and call.args:
            head = call.args[0]
            while isinstance(head, nodes.Concat | nodes.Add):
                head = head.nodes[0] if isinstance(head, nodes.Concat) else head.left
            if head is not call.args[0] and isinstance(head, nodes.Const) and isinstance(head.value, str):
                prefixes.add(head.value)
    for node in tree.find_all(nodes.Const):
        if isinstance(node.value, str):
            yield node.value


def read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def inventory() -> Inventory:
    inv = Inventory()
    for package in packages():
        for key, where in extract(package):
            inv.extracted.setdefault(key, []).append(where)
        for path in package.rglob("*.py"):
            inv.literals.update(_python_literals(path, inv.prefixes))
        for path in package.rglob("templates/**/*.html"):
            inv.literals.update(_template_literals(path, inv.prefixes))
        legacy = package / "messages.py"
        if legacy.exists() and "MESSAGES" in _python_literals_names(legacy):
            inv.legacy.append(legacy)
        for lang in LANGS:
            path = po_path(package / "locale", lang)
            if not path.exists():
                continue
            for m in read(path, lang):
                if isinstance(m.id, str) and m.id:
                    text = m.string if isinstance(m.string, str) else ""
                    inv.defined.setdefault(m.id, {})[lang] = (path, text, m.fuzzy)
    return inv


def problems() -> list[str]:
    """Everything that keeps a page from speaking both languages, one line each."""
    inv = inventory()
    out: list[str] = []
    for path in inv.legacy:
        out.append(f"{path.relative_to(SRC)}: dictionary left, run scripts/i18n_migrate.py")
    for key, where in sorted(inv.extracted.items()):
        if key not in inv.defined:
            out.append(f"missing {key!r} (used at {where[0]})")
    for key, by_lang in sorted(inv.defined.items()):
        texts = {}
        for lang in LANGS:
            if lang not in by_lang:
                out.append(f"{key!r} missing from the {lang} catalogue")
                continue
            path, text, fuzzy = by_lang[lang]
            if not text:
                out.append(f"{key!r} untranslated in {path.relative_to(SRC)}")
            if fuzzy:
                out.append(f"{key!r} fuzzy in {path.relative_to(SRC)}")
            texts[lang] = text
        used = key in inv.extracted or key in inv.literals
        if not used and not any(p and key.startswith(p) for p in inv.prefixes):
            out.append(f"obsolete {key!r} (used nowhere; remove it or mark the use with N_)")
        if "zh" in texts and "en" in texts and _fields(texts["zh"]) != _fields(texts["en"]):
            out.append(f"{key!r}: placeholders differ between zh and en")
    return out


def _fields(text: str) -> set[str]:
    import string

    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<malformed>"}


def write_catalogue(locale_dir: Path, lang: str, texts: dict[str, str]) -> Path:
    """Add ``texts`` (key -> text) to the ``lang`` catalogue of ``locale_dir``, sorted by key;
    a key already there with another text is an error (nothing is written)."""
    path = po_path(locale_dir, lang)
    catalog = (
        read(path, lang)
        if path.exists()
        else Catalog(locale=lang, domain=locale_dir.parent.name, project="zhizhi", charset="utf-8")
    )
    for key, text in texts.items():
        old = catalog.get(key)
        if old is not None and old.string and old.string != text:
            raise ValueError(f"{key!r} already in {path} with another text")
        catalog.add(key, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, sort_output=True, omit_header=False, include_lineno=False)
    return path


def update() -> list[str]:
    """Add every extracted key that no catalogue defines to the catalogues of the package that
    uses it, with an empty text to be translated (the check fails until it is)."""
    inv = inventory()
    added = []
    for key, where in sorted(inv.extracted.items()):
        if key in inv.defined:
            continue
        package = SRC / where[0].split("/", 1)[0]
        for lang in LANGS:
            _add_empty(package / "locale", lang, key)
        added.append(f"{key} -> {package.name}")
    return added


def _add_empty(locale_dir: Path, lang: str, key: str) -> None:
    path = po_path(locale_dir, lang)
    catalog = (
        read(path, lang)
        if path.exists()
        else Catalog(locale=lang, domain=locale_dir.parent.name, project="zhizhi", charset="utf-8")
    )
    catalog.add(key, "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, sort_output=True, include_lineno=False)


def _catalogues() -> Iterator[tuple[Path, str]]:
    for package in packages():
        for lang in LANGS:
            path = po_path(package / "locale", lang)
            if path.exists():
                yield path, lang


def normalise() -> None:
    """Rewrite every catalogue: sorted by key, header not fuzzy."""
    for path, lang in _catalogues():
        catalog = read(path, lang)
        catalog.fuzzy = False
        catalog.project, catalog.version = "zhizhi", "0.1"
        with path.open("wb") as f:
            write_po(f, catalog, width=0, sort_output=True, include_lineno=False)


def compile_all() -> list[Path]:
    """``.mo`` files beside the catalogues, for tools that want them (the app reads the .po)."""
    from babel.messages.mofile import write_mo

    written = []
    for path, lang in _catalogues():
        target = path.with_suffix(".mo")
        with target.open("wb") as f:
            write_mo(f, read(path, lang))
        written.append(target)
    return written
