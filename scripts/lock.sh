#!/usr/bin/env bash
# Re-create requirements.lock (every runtime and dev dependency, pinned, with SHA-256 hashes of
# every file PyPI has for that version) from pyproject.toml.  Keeps the versions of .venv (what
# was tested) unless UPGRADE=1; then resolves the newest versions pyproject.toml allows.
# Afterwards: bash scripts/setup.sh, run the tests, commit pyproject.toml and requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${LOCK_TOOLS:-/tmp/zhizhi-lock-tools}
if [ ! -x "$tools/bin/uv" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet uv
fi
args=(pyproject.toml --extra dev --generate-hashes --python-version 3.11 --no-header --no-annotate
      -o requirements.lock)
if [ "${UPGRADE:-0}" = "1" ] || [ ! -x .venv/bin/pip ]; then
  "$tools/bin/uv" pip compile "${args[@]}" --upgrade
else
  pins=$(mktemp)
  .venv/bin/pip freeze --exclude-editable > "$pins"
  "$tools/bin/uv" pip compile "${args[@]}" -c "$pins"
  rm -f "$pins"
fi
echo "requirements.lock: $(grep -c '^[a-z0-9]' requirements.lock) packages"
