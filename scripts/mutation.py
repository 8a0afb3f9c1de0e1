"""Mutation testing of the rule modules with mutmut; exits 1 when a mutant survives.

The modules and the tests run against them are ``[tool.mutmut]`` in pyproject.toml (the fast
tests: pure, or SQLite). Equivalent mutants — changes no test can tell apart — are listed with
the reason in ``scripts/mutation_equivalent.toml``; an entry whose mutated line no longer matches
counts as a survivor, so the list cannot silently cover a different mutant.

    .venv/bin/python scripts/mutation.py             # every rule module (what CI runs)
    .venv/bin/python scripts/mutation.py --changed   # rule modules changed since the merge base with main
    .venv/bin/python scripts/mutation.py --module zhizhi.core.masking

See docs/mutation.md for why mutmut, the figures and how to read a survivor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")
ALLOWLIST = ROOT / "scripts" / "mutation_equivalent.toml"
DETECTED = {"killed", "timeout", "caught by type check", "segfault"}


@dataclass
class Module:
    name: str  # zhizhi.core.masking
    path: str  # src/zhizhi/core/masking.py
    statuses: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, *wanted: str) -> int:
        return sum(1 for s in self.statuses.values() if s in wanted)


def _config() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["mutmut"]  # type: ignore[no-any-return]


def rule_modules() -> list[Module]:
    paths = _config()["only_mutate"]
    return [Module(p.removeprefix("src/").removesuffix(".py").replace("/", "."), p) for p in paths]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def changed_modules(modules: list[Module], base: str) -> list[Module]:
    """Rule modules changed (committed or not) since the merge base with ``base``; all of them when
    a test of the mutation set, a test helper (conftest, builders …) or the configuration changed."""
    merge_base = _git("merge-base", "HEAD", base).strip()
    changed = set(_git("diff", "--name-only", merge_base).split())
    shared = {*_config()["pytest_add_cli_args_test_selection"], "pyproject.toml", "scripts/mutation.py"}
    shared.add(str(ALLOWLIST.relative_to(ROOT)))
    helpers = {c for c in changed if c.startswith("tests/") and not Path(c).name.startswith("test_")}
    if changed & shared or helpers:
        return modules
    return [m for m in modules if m.path in changed]


def run_mutmut(modules: list[Module], max_children: int, log: Path) -> None:
    env = dict(os.environ, ZHIZHI_TEST_DB="sqlite")
    globs = [f"{m.name}.*" for m in modules]
    with log.open("w") as out:
        code = subprocess.call(
            [str(MUTMUT), "run", "--max-children", str(max_children), *globs],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if code != 0:
        sys.stdout.write(log.read_text(errors="replace")[-4000:])
        raise SystemExit(f"mutmut run failed (exit {code}); the whole log is {log}")


def collect(modules: list[Module]) -> None:
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    by_name = {m.name: m for m in modules}
    for line in out.splitlines():
        mutant, _, status = line.strip().rpartition(": ")
        module = by_name.get(mutant.rsplit(".", 1)[0])
        if module is not None:
            module.statuses[mutant] = status
    for m in modules:
        meta = ROOT / "mutants" / (m.path + ".meta")
        if meta.exists():
            durations = json.loads(meta.read_text())["durations_by_key"]
            m.seconds = sum(v for k, v in durations.items() if k in m.statuses)


def _mutated_lines(mutant: str) -> list[str]:
    diff = subprocess.run([str(MUTMUT), "show", mutant], cwd=ROOT, capture_output=True, text=True).stdout
    return [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]


def equivalents() -> dict[str, dict[str, str]]:
    with ALLOWLIST.open("rb") as f:
        return {e["mutant"]: e for e in tomllib.load(f)["equivalent"]}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--changed", action="store_true", help="only rule modules changed since --base")
    parser.add_argument("--base", default="main", help="branch for --changed (default: main)")
    parser.add_argument("--module", action="append", default=[], help="a dotted rule module (repeatable)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ of the last run (local)")
    args = parser.parse_args()

    modules = rule_modules()
    if args.module:
        unknown = set(args.module) - {m.name for m in modules}
        if unknown:
            raise SystemExit(f"not a rule module: {', '.join(sorted(unknown))}")
        modules = [m for m in modules if m.name in args.module]
    if args.changed:
        modules = changed_modules(modules, args.base)
    if not modules:
        print("mutation: no rule module changed; nothing to run")
        return 0

    if not args.keep:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    (ROOT / "mutants").mkdir(exist_ok=True)
    log = ROOT / "mutants" / "mutation-run.log"
    started = time.monotonic()
    run_mutmut(modules, args.max_children, log)
    wall = time.monotonic() - started
    collect(modules)

    allowed = equivalents()
    survivors: list[str] = []
    stale: list[str] = []
    print(f"{'module':28} {'mutants':>7} {'killed':>6} {'equiv.':>6} {'survived':>8} {'test s':>7}")
    for m in modules:
        equivalent = 0
        for mutant, status in sorted(m.statuses.items()):
            if status in DETECTED:
                continue
            entry = allowed.get(mutant)
            if status == "survived" and entry and entry["change"].strip() in _mutated_lines(mutant):
                equivalent += 1
                continue
            if entry is not None:
                stale.append(mutant)
            survivors.append(f"{mutant}: {status}")
        killed = m.count(*DETECTED)
        survived = len(m.statuses) - killed - equivalent
        print(f"{m.name:28} {len(m.statuses):7} {killed:6} {equivalent:6} {survived:8} {m.seconds:7.1f}")
        if not m.statuses:
            survivors.append(f"{m.name}: no mutants were generated (is it still in only_mutate?)")
    print(f"mutation: {sum(len(m.statuses) for m in modules)} mutants in {wall:.0f} s wall")

    for mutant in stale:
        print(f"\n{mutant} is in {ALLOWLIST.name} but its mutated line changed: review the entry")
    if survivors:
        print("\nSurviving mutants — add a test that kills each (or, if no test can, justify it in")
        print(f"{ALLOWLIST.relative_to(ROOT)}). Show one with: .venv/bin/mutmut show NAME\n")
        for s in survivors:
            print("  " + s)
            name = s.split(":", 1)[0]
            for line in _mutated_lines(name):
                print(f"      + {line}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
