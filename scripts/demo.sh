#!/usr/bin/env bash
# Quick start: install what is needed, create the example company "Acme Cloud" in out/demo,
# and build its policy site and PDFs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
rm -rf out/demo
.venv/bin/policyforge new --no-input -o out/demo
.venv/bin/policyforge build --repo out/demo/acme-cloud
cat <<MSG

Done. Look at:
  the company repository   out/demo/acme-cloud           (facts in company.yml, policies in policies/)
  the policy site          out/demo/acme-cloud/site/index.html
  the auditor's PDFs       out/demo/acme-cloud/out/pdf/
  live preview             .venv/bin/policyforge serve --repo out/demo/acme-cloud
MSG
