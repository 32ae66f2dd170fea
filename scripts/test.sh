#!/usr/bin/env bash
# `npm test`: everything CI runs. Installs the Debian packages the tests need when run as root
# (chromium for the browser tests, dnsutils for dig), then: lint, format check, typecheck, unit,
# integration, production build, browser tests. Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v dig >/dev/null 2>&1 || need+=(dnsutils)
for p in prometheus victoria-metrics; do [ -x /usr/bin/$p ] || need+=("$p"); done  # the prometheus source tests (promtool is in prometheus)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages: ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || {
      echo "apt-get install ${need[*]} failed"; exit 1; }
  else
    echo "missing Debian packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}"; exit 1
  fi
fi

results=.test-results
rm -rf "$results" && mkdir -p "$results"
status=0
step() { echo; echo "== $*"; "$@" || { echo "!! failed: $*"; status=1; }; }

step npx eslint --max-warnings 0 .
step npx knip
step npx prettier --check .
step npx tsc --noEmit -p .
step npx vitest run --project unit --project integration --reporter=default --reporter=json --outputFile="$results/vitest.json"
step npx next build
if [ -f .next/BUILD_ID ]; then
  step npx vitest run --project browser --reporter=default --reporter=json --outputFile="$results/browser.json"
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of ["vitest.json", "browser.json"]) {
  const p = ".test-results/" + f;
  if (!fs.existsSync(p)) continue;
  const r = JSON.parse(fs.readFileSync(p, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
}
console.log("");
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit $status
