#!/usr/bin/env bash
# Install what policyforge needs on a fresh machine, skipping what is already there:
#   - system libraries WeasyPrint renders PDFs with (Pango, HarfBuzz) and fonts (DejaVu; Droid
#     fallback for Chinese, Japanese and Korean names),
#   - with --test: Debian's Chromium (browser tests) and poppler-utils (PDF pages to PNG),
#   - a virtual environment in .venv with policyforge installed from this checkout.
# Debian or Ubuntu with apt-get is assumed for system packages; elsewhere install the
# equivalents yourself and run again.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig fonts-dejavu-core fonts-droid-fallback git)
[ "$with_test" = 1 ] && packages+=(chromium poppler-utils shellcheck)

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get not found; install ${missing[*]} (or your system's equivalents) and run again" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: policyforge needs Python 3.11 or newer ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
groups=()
[ "$with_test" = 1 ] && groups=(--group test --group lint)
.venv/bin/python -m pip install -q -e . "${groups[@]}" 2>&1 | grep -v "^WARNING: Location" || true
# axe-core (accessibility rules) comes inside the axe-playwright-python wheel of the test group.
if [ "$with_test" = 1 ] && [ ! -x .venv-trestle/bin/python ]; then
  # compliance-trestle validates the OSCAL export; it pins its own dependencies, so it gets its own venv.
  "$python" -m venv .venv-trestle
  .venv-trestle/bin/python -m pip install -q "compliance-trestle>=5.2,<6" 2>&1 | grep -v "^WARNING: Location" || true
fi
.venv/bin/policyforge --help >/dev/null
echo "setup: ready (.venv/bin/policyforge)"
