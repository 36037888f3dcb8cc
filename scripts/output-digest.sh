#!/usr/bin/env bash
# Print one sha256 line per output file the example company produces (site, PDFs, exports, audit
# kit), with fixed dates, so two revisions of the engine can be compared byte for byte.
#
# A new company repository vendors the engine's own wheel and commits it, so its commit id (printed in
# every policy's history table, hence in the site and PDFs) changes with any engine change. To compare
# two engines, build the SAME scaffold with both: each run keeps a pristine copy of the repository it
# built in WORKDIR/scaffold, and a later run given that copy builds it instead of its own.
#   (engine A) scripts/output-digest.sh /tmp/a > a.txt
#   (engine B) scripts/output-digest.sh /tmp/b /tmp/a/scaffold > b.txt; diff a.txt b.txt
# Lines starting "scaffold" digest the engine's own fresh scaffold, less the three files that pin the
# engine (its wheel and the two lines naming its hash), so what `new` writes is compared too.
# Usage: scripts/output-digest.sh [WORKDIR [SCAFFOLD]]   (WORKDIR is emptied first; default: a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/.venv/bin"
work=${1:-$(mktemp -d)}
given=${2:-}
rm -rf "$work" && mkdir -p "$work"
export SOURCE_DATE_EPOCH=1796083200 NO_MKDOCS_2_WARNING=1
export GIT_AUTHOR_DATE="2026-12-01T00:00:00Z" GIT_COMMITTER_DATE="2026-12-01T00:00:00Z"
export GIT_AUTHOR_NAME=digest GIT_AUTHOR_EMAIL=digest@example.com GIT_COMMITTER_NAME=digest GIT_COMMITTER_EMAIL=digest@example.com
"$bin/policyforge" new --no-input -o "$work" >/dev/null
repo="$work/acme-cloud"
cp -a "$repo" "$work/scaffold"
(
  cd "$repo"
  find . -path ./.git -prune -o -path ./vendor -prune -o -type f ! -name requirements-engine.txt \
    ! -path ./.policyforge/source.yml -print | LC_ALL=C sort | xargs sha256sum | sed 's/^/scaffold /'
)
if [ -n "$given" ]; then
  rm -rf "$repo" && cp -a "$given" "$repo"
fi
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
