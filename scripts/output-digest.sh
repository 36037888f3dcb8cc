#!/usr/bin/env bash
# Print one sha256 line per output file the example company produces (site, PDFs, exports, audit
# kit), with fixed dates, so two revisions of the engine can be compared byte for byte:
#   scripts/output-digest.sh > before.txt; (change the engine); scripts/output-digest.sh > after.txt; diff
# Usage: scripts/output-digest.sh [WORKDIR]   (WORKDIR is emptied first; default: a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/.venv/bin"
work=${1:-$(mktemp -d)}
rm -rf "$work" && mkdir -p "$work"
export SOURCE_DATE_EPOCH=1796083200 NO_MKDOCS_2_WARNING=1
export GIT_AUTHOR_DATE="2026-12-01T00:00:00Z" GIT_COMMITTER_DATE="2026-12-01T00:00:00Z"
export GIT_AUTHOR_NAME=digest GIT_AUTHOR_EMAIL=digest@example.com GIT_COMMITTER_NAME=digest GIT_COMMITTER_EMAIL=digest@example.com
"$bin/policyforge" new --no-input -o "$work" >/dev/null
repo="$work/acme-cloud"
(
  cd "$repo"
  "$bin/policyforge" build >/dev/null 2>&1
  "$bin/policyforge" export oscal --out out/oscal >/dev/null
  "$bin/policyforge" export docx --out out/docx >/dev/null
  for format in md csv xlsx; do "$bin/policyforge" evidence --format "$format" --out "out/evidence.$format" >/dev/null; done
  "$bin/policyforge" calendar --out out/calendar.ics >/dev/null
  "$bin/policyforge" render-docs --out out/docs >/dev/null
)
cd "$repo"
find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum
