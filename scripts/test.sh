#!/usr/bin/env bash
# Sets up a Debian machine and runs every test: typecheck, lint, Nix checks and unit tests, Playwright.
# The last line is "N passed, N failed", summed over every suite.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-machine.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

rm -rf test-results && mkdir -p test-results
failed_checks=()
check() {
  local name=$1; shift
  echo "== $name"
  "$@" || failed_checks+=("$name")
}

check typecheck npm run --silent typecheck
check lint npm run --silent lint
check build npm run --silent build
# Vitest runs inside a private D-Bus session with a throwaway keyring, so keychain tests use a real Secret Service.
check unit scripts/with-secret-service.sh npx vitest run --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest.json
# Playwright too: the secrets and keys views keep age keys in a real Secret Service.
check e2e scripts/with-secret-service.sh npx playwright test

node scripts/summarize-tests.ts test-results/vitest.json test-results/e2e-report.json "${failed_checks[@]}"
