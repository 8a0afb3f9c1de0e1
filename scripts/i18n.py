"""The catalogues' chores (docs/i18n.md):

    .venv/bin/python scripts/i18n.py extract   # Babel extraction: every key the sources use, where
    .venv/bin/python scripts/i18n.py update    # add keys used but not defined (empty, to translate)
                                               # and rewrite every catalogue sorted, header settled
    .venv/bin/python scripts/i18n.py check     # missing, untranslated, fuzzy, obsolete keys (CI)
    .venv/bin/python scripts/i18n.py compile   # optional .mo files beside the .po (not needed to run)

``make i18n`` runs update then check; ``tests/test_i18n_catalogues.py`` runs the check.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from zhizhi.ui import i18n_tools  # noqa: E402


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        for key, where in sorted(i18n_tools.inventory().extracted.items()):
            print(f"{key}\t{', '.join(where)}")
        return 0
    if command == "update":
        for line in i18n_tools.update():
            print(f"added {line}")
        i18n_tools.normalise()
        return 0
    if command == "compile":
        for path in i18n_tools.compile_all():
            print(path.relative_to(ROOT))
        return 0
    if command == "check":
        problems = i18n_tools.problems()
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
