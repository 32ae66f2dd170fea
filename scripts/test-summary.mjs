// The closing line of `npm test` (scripts/test.sh): "N passed, N failed, N skipped" over every test that
// should have run and every check. Reads .test-results/ (the directory is the first argument):
//   checks                  "NAME passed|failed" per step; lint, format, typecheck and build count as one
//                           check each (vitest steps are counted by their tests)
//   vitest.json, browser.json   vitest's JSON reports
//   browser-not-run.json    `vitest list --json` of the browser tests when the build failed: all failed
// A vitest step that failed without a report, and a test file that failed before its tests ran (a
// beforeAll that threw, an import error), count as failed too: a failure never disappears from the count.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2] ?? ".test-results";
const read = (f) => {
  const p = path.join(dir, f);
  return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : null;
};
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];

const checks = (read("checks") ?? "")
  .split("\n")
  .filter(Boolean)
  .map((l) => l.split(" "));
for (const [name, result] of checks) {
  if (name === "vitest" || name === "browser") continue;
  if (result === "passed") passed++;
  else {
    failed++;
    notes.push(`${name} failed`);
  }
}

for (const [step, file] of [
  ["vitest", "vitest.json"],
  ["browser", "browser.json"],
]) {
  const ran = checks.find(([name]) => name === step);
  if (!ran) continue;
  const text = read(file);
  if (!text) {
    if (ran[1] === "failed") {
      failed++;
      notes.push(`${step}: no report`);
    }
    continue;
  }
  const report = JSON.parse(text);
  for (const f of report.testResults) {
    const results = f.assertionResults ?? [];
    const fileFailedBeforeTests = f.status === "failed" && !results.some((a) => a.status === "failed");
    if (fileFailedBeforeTests) {
      const lost = Math.max(1, results.length);
      failed += lost;
      notes.push(`${path.relative(process.cwd(), f.name)}: ${String(f.message ?? "failed").split("\n")[0]}`);
      continue;
    }
    for (const a of results) {
      if (a.status === "passed") passed++;
      else if (a.status === "failed") failed++;
      else skipped++;
    }
  }
  if (ran[1] === "failed" && !report.testResults.some((f) => f.status === "failed")) {
    failed++;
    notes.push(`${step}: vitest failed with no failed test (see its output)`);
  }
}

const notRun = read("browser-not-run.json");
if (notRun) {
  let list = [];
  try {
    list = JSON.parse(notRun);
  } catch {
    list = [];
  }
  const n = Math.max(1, list.length);
  failed += n;
  notes.push(`the build failed: ${n} browser tests not run, counted as failed`);
}

console.log("");
for (const n of notes) console.log(`!! ${n}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
