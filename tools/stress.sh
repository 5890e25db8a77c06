#!/usr/bin/env bash
# The reliability tests with more than CI runs of what CI runs a little of: the races
# in CLIPPINGS_STRESS_ROUNDS rounds (3 here, 1 in CI: imports racing, tests/reliability/
# test_concurrency.py; commands creating one new archive at once, test_faults.py),
# and five team-archive clients for CLIPPINGS_STRESS_SECONDS
# (60 here, 15 in CI; tests/services/test_team_archive.py). Set either to run more.
# Not part of CI (several minutes); arguments go to pytest.
#   tools/stress.sh
#   CLIPPINGS_STRESS_ROUNDS=10 tools/stress.sh -x
# tools/hostile.py goes further: rounds of races, kills and damage, with a report.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
export CLIPPINGS_STRESS_ROUNDS="${CLIPPINGS_STRESS_ROUNDS:-3}"
export CLIPPINGS_STRESS_SECONDS="${CLIPPINGS_STRESS_SECONDS:-60}"
echo "== reliability: ${CLIPPINGS_STRESS_ROUNDS} rounds of imports racing," \
    "team clients for ${CLIPPINGS_STRESS_SECONDS} s" >&2
exec .venv/bin/pytest -n auto --maxprocesses 4 --dist loadgroup \
    tests/reliability tests/services/test_team_archive.py "$@"
