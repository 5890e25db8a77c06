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
echo "== pytest (on every core, at most 4 workers; ./test.sh -n0 runs one test at a time)" >&2
# A test module runs whole on one worker (tests/conftest.py's scheduler); arguments given
# to ./test.sh come last, so "-n0", "-n 1" or a single file override these.
exec .venv/bin/pytest -n auto --maxprocesses 4 --dist loadgroup "$@"
