#!/usr/bin/env bash
# Installs Clippings (into .venv, with the system libraries Qt needs) and runs it.
#   ./run.sh                    opens the window
#   ./run.sh search "summit"    any command of the `clippings` command line
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh app
exec .venv/bin/clippings "$@"
