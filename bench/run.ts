/**
 * `npm run bench`: every benchmark, each figure printed beside the reference it is compared with in
 * the same run. Record the output in BENCHMARKS.md with this command.
 */
import os from "node:os";
import { benchParse, type BenchResult } from "./parse";
import { benchLogs } from "./logs";
import { benchOverviewBrowser } from "./overview-browser";
import { benchOverviewSize } from "./overview-size";
import { benchScrape } from "./scrape";
import { benchSseHealth } from "./sse-health";

async function main(): Promise<void> {
  const nodes = Number(process.env.BENCH_NODES ?? 1000);
  console.log(
    `# npm run bench — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
  );
  // BENCH_ONLY=parse,logs runs only those parts (names as below, comma-separated).
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
  const parts = [
    ["parse", () => benchParse()],
    ["logs", () => benchLogs()],
    // Cheap: the server's own encoder over synthetic rows, no cluster of that size.
    ["overview size", () => benchOverviewSize(Math.max(nodes, 5000))],
    ["scrape", () => benchScrape(nodes)],
    ["log-stream flood", () => benchSseHealth()],
    // The production server and Chromium against a simulated cluster of BENCH_NODES (needs `.next`).
    ["overview browser", () => benchOverviewBrowser(nodes)],
  ] as const;
  const unknown = only?.filter((o) => !parts.some(([name]) => name === o)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY: no part named ${unknown.join(", ")} (parts: ${parts.map(([n]) => n).join(", ")})`,
    );
  const all: BenchResult[] = [];
  for (const [name, run] of parts) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`running ${name}…\n`);
    const results = await run();
    for (const r of results) {
      all.push(r);
      const ref = r.reference ? `   (reference: ${r.reference.name} = ${r.reference.value} ${r.unit})` : "";
      console.log(`${r.name}: ${r.value} ${r.unit}${ref}${r.note ? `   [${r.note}]` : ""}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
