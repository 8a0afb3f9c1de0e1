"""The pages' words: gettext catalogues (.po) with symbolic message ids, one per language.

Every package that has words keeps them in ``<package>/locale/<lang>/LC_MESSAGES/<package>.po``
for ``zh`` and ``en`` (the shell's own in ``ui/locale``).  The message id is a key
(``track.status``), never a sentence; a text may hold ``{name}`` placeholders (Python
``str.format``; both languages must name the same ones).  The catalogues are read with
``babel.messages.pofile`` when the app is configured (no compiled ``.mo`` to keep in step);
:func:`register_catalogue` is called by ``ui.configure`` for each capability's ``locale``.
Extraction, the completeness check and the migration of old ``messages.py`` dictionaries are in
docs/i18n.md.  Chinese is the default language; ``?lang=en`` (or ``?lang=zh``) on any page sets
the ``zz_lang`` cookie for a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from fastapi import Request

COOKIE = "zz_lang"
LANGS = ("zh", "en")
SHELL_LOCALE = Path(__file__).parent / "locale"

# key -> (中文, English): every catalogue read so far (and any legacy dictionary registered)
MESSAGES: dict[str, tuple[str, str]] = {}
_loaded: set[Path] = set()


def N_(key: str) -> str:  # the gettext convention: "mark now, translate later"
    """Mark ``key`` as a message id used elsewhere (built from data); returns it unchanged."""
    return key


def po_path(locale_dir: Path, lang: str) -> Path:
    """The catalogue of ``lang`` in ``locale_dir`` (its domain is the package's name)."""
    return locale_dir / lang / "LC_MESSAGES" / f"{locale_dir.parent.name}.po"


def read_catalogue(locale_dir: Path) -> dict[str, tuple[str, str]]:
    """key -> (中文, English) from the two catalogues of ``locale_dir``; fuzzy and empty
    translations are not used (the other language, then the key, stands in)."""
    texts: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        path = po_path(locale_dir, lang)
        if not path.exists():
            continue
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for message in catalog:
            if not message.id or message.fuzzy or not isinstance(message.id, str):
                continue
            text = message.string if isinstance(message.string, str) else ""
            if text:
                texts.setdefault(message.id, {})[lang] = text
    return {
        key: (by.get("zh") or by.get("en") or key, by.get("en") or by.get("zh") or key)
        for key, by in texts.items()
    }


def register(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add key -> (中文, English) pairs; a key may be defined once (the same texts again are fine).

    Catalogues come through :func:`register_catalogue`; a dictionary is still accepted for a
    capability not yet migrated (``scripts/i18n_migrate.py`` moves it into catalogues)."""
    for key, pair in messages.items():
        if MESSAGES.setdefault(key, tuple(pair)) != tuple(pair):  # type: ignore[arg-type]
            raise ValueError(f"message {key!r} is defined twice with different texts")


def register_catalogue(locale_dir: Path) -> None:
    """Read a package's two catalogues into the messages (once per directory)."""
    resolved = locale_dir.resolve()
    if resolved in _loaded:
        return
    register(read_catalogue(locale_dir))
    _loaded.add(resolved)


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGS else "zh"


def pick(pair: tuple[str, str] | list[str] | None, lang: str) -> str:
    if not pair:
        return ""
    return pair[1] if lang == "en" else pair[0]


def translate(key: str, lang: str, **values: object) -> str:
    pair = MESSAGES.get(key)
    text = pick(pair, lang) if pair else key
    return text.format(**values) if values else text


@lru_cache(maxsize=64)
def _catalogue_of(locale_dir: Path) -> dict[str, tuple[str, str]]:
    return read_catalogue(locale_dir)


def message(key: str, **values: Any) -> dict[str, Any]:
    """A message to store and show later (an AI suggestion's reason): its key and values; a
    value is text, a number, or a name in both languages ``{"zh": …, "en": …}``."""
    return {"key": key, "values": values}


def render(msg: Mapping[str, Any], lang: str, locale_dir: Path | None = None) -> str:
    """A stored :func:`message` in ``lang``: from the registered catalogues, or, outside the
    app (a worker, the CLI), from ``locale_dir``'s catalogues read directly."""
    values = {
        k: (v.get(lang) or v.get("zh") or "") if isinstance(v, Mapping) else v
        for k, v in (msg.get("values") or {}).items()
    }
    key = str(msg.get("key"))
    pair = MESSAGES.get(key) or (_catalogue_of(locale_dir).get(key) if locale_dir else None)
    text = pick(pair, lang) if pair else key
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def data_name(zh: str, en: str | None, lang: str) -> str:
    """A name stored as data (a category, a unit): its English name in English when it has one,
    else the Chinese name (the documented fallback, docs/i18n.md)."""
    return en if lang == "en" and en else zh


register_catalogue(SHELL_LOCALE)
