"""The mutation check's time and survival rate, against the floor of one plain run of its tests.

    .venv/bin/python bench/bench_mutation.py [--runs 3]

Each run is ``scripts/mutation.py`` (every rule module, a fresh ``mutants/``), the check
``scripts/test.sh`` runs; the floor is one ``pytest`` run of the same tests without mutants, timed
in the same run. Prints a Markdown table of medians (docs/mutation.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _timed(cmd: list[str]) -> tuple[float, str]:
    env = dict(os.environ, ZHIZHI_TEST_DB="sqlite")
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.stdout.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"{' '.join(cmd)} failed with exit {done.returncode}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with (ROOT / "pyproject.toml").open("rb") as f:
        selection = tomllib.load(f)["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]

    walls, floors, mutants = [], [], 0
    for _ in range(args.runs):
        floor, _out = _timed([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection])
        wall, out = _timed([PY, "scripts/mutation.py"])
        floors.append(floor)
        walls.append(wall)
        found = re.search(r"mutation: (\d+) mutants", out)
        mutants = int(found.group(1)) if found else 0
        survived = sum(int(line.split()[4]) for line in out.splitlines() if line.startswith("zhizhi."))

    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}")
    print(f"load average at the end: {load:.1f}; runs: {args.runs}\n")
    print("| | median s | runs |")
    print("|---|---:|---|")
    print(
        f"| mutation check ({mutants} mutants, {survived} survived) | {statistics.median(walls):.0f} | "
        + ", ".join(f"{w:.0f}" for w in walls)
        + " |"
    )
    print(
        f"| floor: its tests once, no mutants | {statistics.median(floors):.1f} | "
        + ", ".join(f"{f:.1f}" for f in floors)
        + " |"
    )
    print(f"\nratio check / floor: {statistics.median(walls) / statistics.median(floors):.1f}")


if __name__ == "__main__":
    main()
