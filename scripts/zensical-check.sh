#!/usr/bin/env bash
# Non-blocking forward-compatibility report: build the example company's rendered pages with
# Zensical (Material for MkDocs' successor) and list what differs from the MkDocs site.
# Always exits 0; CI prints the report next to the test results.
set -uo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv-zensical/bin/zensical ]; then
  "$python" -m venv .venv-zensical && .venv-zensical/bin/python -m pip install -q "zensical==0.0.73" 2>&1 \
    | grep -v "^WARNING: Location" || true
fi
if [ ! -x .venv-zensical/bin/zensical ]; then
  echo "zensical: could not be installed; report skipped"
  exit 0
fi
rm -rf out/zensical-check
.venv/bin/policyforge new --no-input -o out/zensical-check >/dev/null \
  && .venv/bin/policyforge build --no-pdf --repo out/zensical-check/acme-cloud >/dev/null \
  && .venv/bin/python scripts/zensical_diff.py out/zensical-check/acme-cloud .venv-zensical/bin/zensical
exit 0
