#!/usr/bin/env bash
# `npm test`: everything CI runs. Installs the Debian packages the tests need when run as root
# (chromium for the browser tests, dnsutils for dig, prometheus for the Prometheus checks), then: lint,
# format check, typecheck, unit, integration, production build, browser tests. Ends with one line
# "N passed, N failed, N skipped" that counts every test and every check: lint, format, types and the
# build count as one check each, a test file that fails before its tests run counts its tests as
# failed, and when the build fails the browser tests that could not run count as failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

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
# kubectl has no usable Debian package (bookworm's kubernetes-client is 1.20): the kubectl tests skip
# without it on a developer's machine and fail under CI (tests/support/tools.ts).
command -v kubectl >/dev/null 2>&1 ||
  echo "note: kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); its tests $([ -n "${CI:-}" ] && echo fail under CI || echo are skipped)"

results=.test-results
rm -rf "$results" && mkdir -p "$results"
status=0
# step NAME CMD...: runs CMD; records NAME as a passed or failed check for the closing line.
step() {
  local name=$1; shift
  echo; echo "== $*"
  if "$@"; then echo "$name passed" >>"$results/checks"; else
    echo "!! failed: $*"; echo "$name failed" >>"$results/checks"; status=1; return 1
  fi
}

step lint npx eslint --max-warnings 0 .
step deadcode npx knip
step format npx prettier --check .
step typecheck npx tsc --noEmit -p .
step vitest npx vitest run --project unit --project integration --reporter=default --reporter=json --outputFile="$results/vitest.json"
rm -f .next/BUILD_ID
if step build npx next build && [ -f .next/BUILD_ID ]; then
  step browser npx vitest run --project browser --reporter=default --reporter=json --outputFile="$results/browser.json"
else
  # Not run: list them, so that each counts as failed.
  npx vitest list --project browser --json >"$results/browser-not-run.json" 2>/dev/null || echo "[]" >"$results/browser-not-run.json"
fi

node scripts/test-summary.mjs "$results" || status=1
exit $status
