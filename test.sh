#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite: lint, types, the layer
# contract, then pytest (GUI tests run offscreen).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
echo "== ruff" >&2
.venv/bin/ruff check clippings tests bench tools
.venv/bin/ruff format --check clippings tests bench tools
echo "== mypy (strict below ui/)" >&2
.venv/bin/mypy clippings
echo "== import-linter (the layer rule)" >&2
.venv/bin/lint-imports --no-cache
echo "== pytest" >&2
exec .venv/bin/pytest "$@"
