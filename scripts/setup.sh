#!/usr/bin/env bash
# Create .venv and install Zhizhi with its dev tools from the hash-locked requirements.lock (every
# package pinned to the version that was tested, each file checked against its SHA-256), then
# Zhizhi itself without resolving anything again.  Re-runs only when pyproject.toml or the lock
# changes.  Updating the lock: scripts/lock.sh (docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.zhizhi-installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! .venv/bin/python -c "import zhizhi" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
  .venv/bin/python -m pip install --quiet --no-deps -e .
  if ! .venv/bin/python -m pip check >/dev/null; then
    .venv/bin/python -m pip check >&2 || true
    echo "requirements.lock does not cover pyproject.toml: run scripts/lock.sh, then this again" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
