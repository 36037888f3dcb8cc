#!/usr/bin/env bash
# The whole test suite from a fresh machine: install everything (system packages, venv, test
# tools), check style and types, then run pytest (unit, end-to-end, PDF and browser tests).
# Pass pytest arguments through, e.g. `scripts/test.sh -m "not slow"` for the fast suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/mypy
export POLICYFORGE_TRESTLE="${POLICYFORGE_TRESTLE:-$PWD/.venv-trestle/bin/python}"
# Both cores by default; a module's tests share its built fixtures on one worker (--dist loadfile).
# Pass -n 0 to run in one process.
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile "$@"
