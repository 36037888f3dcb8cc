#!/bin/sh
# Refresh the dependency lock that every company repository installs with hashes
# (generator/lifecycle/requirements.lock, copied into its requirements.txt at scaffold time).
# Run it after changing [project] dependencies in pyproject.toml, and to take upgrades:
#   scripts/lock.sh              # keep the locked versions, add or drop what pyproject changed
#   scripts/lock.sh --upgrade    # move every dependency to its newest allowed release
# The lock is universal (Linux, macOS, Windows; Python 3.11+) with every file's hash, resolved
# against PyPI with uv (https://docs.astral.sh/uv/pip/compile/).
set -eu
cd "$(dirname "$0")/.."
uv=${UV:-.venv/bin/uv}
[ -x "$uv" ] || uv=uv
exec "$uv" pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
  --index-url https://pypi.org/simple --quiet \
  --custom-compile-command "scripts/lock.sh" -o generator/lifecycle/requirements.lock "$@"
