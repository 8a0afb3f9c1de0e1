#!/usr/bin/env bash
# One command for the platform: install, migrate, load the Changsha demo city into SQLite, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/zhizhi demo --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
