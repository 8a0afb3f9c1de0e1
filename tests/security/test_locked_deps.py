"""Dependencies are locked with hashes and the set-up installs from the lock (issue 12)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = (ROOT / "requirements.lock").read_text()
PINS = dict(re.findall(r"^([a-z0-9_.\-]+)==(\S+) \\$", LOCK, re.M))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pin_has_hashes() -> None:
    blocks = re.split(r"\n(?=[a-z0-9])", LOCK.strip())
    assert len(blocks) == len(PINS) > 50
    assert [b.split("==")[0] for b in blocks if "--hash=sha256:" not in b] == []


def test_every_declared_dependency_is_locked() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = {_norm(re.split(r"[\[<>=!~;\s]", d, maxsplit=1)[0]) for d in declared}
    assert sorted(names - {_norm(p) for p in PINS}) == []


def test_the_environment_is_the_locked_one() -> None:
    """What the tests run on is what the lock pins (scripts/setup.sh installs from it)."""
    differ = []
    for name, version in PINS.items():
        installed = metadata.version(name)
        if installed != version:
            differ.append(f"{name}: lock {version}, installed {installed}")
    assert differ == []


def test_setup_installs_from_the_lock_with_hashes() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "pip install --quiet --require-hashes -r requirements.lock" in setup
    assert "pip install --quiet --no-deps -e ." in setup
