/**
 * Parser throughput on the largest real CoreDNS dump, beside `parse-prometheus-text-format` (the npm
 * parser we chose not to use) when that package is installed. For scale: Prometheus's own Go parser
 * (expfmt) reads about 36 MB/s on this dump.
 *
 *   npx tsx bench/parse.ts
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parsePrometheusText } from "../lib/prometheus-text/parse";

/** One measured number; `reference` is the same measurement of another implementation in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
  /** Why a reference is missing, or anything else a reader of the number should know. */
  note?: string;
}

const DUMP = "metrics-nodecache-1.22.13-coredns-1.7.0-reload-failed.txt";
const REFERENCE = "parse-prometheus-text-format";

function fixturesDir(): string {
  const besideCheckout = path.resolve(__dirname, "../../shared/fixtures/coredns");
  return (
    process.env.COREDNS_FIXTURES ??
    (fs.existsSync(besideCheckout) ? besideCheckout : "/work/shared/fixtures/coredns")
  );
}

/** Median MB/s of `rounds` rounds of about `roundMs` each, after a warm-up that lets the JIT settle. */
function throughput(parse: (text: string) => unknown, text: string, rounds = 7, roundMs = 150): number {
  const mb = Buffer.byteLength(text) / 1e6;
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) parse(text);
  const speeds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      parse(text);
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < roundMs);
    speeds.push((mb * n) / (elapsed / 1000));
  }
  speeds.sort((a, b) => a - b);
  return speeds[Math.floor(speeds.length / 2)] as number;
}

/** The reference parser's entry point, or null when the package is not installed. */
async function loadReference(): Promise<((text: string) => unknown) | null> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const specifier: string = REFERENCE;
    const mod = (await import(specifier)) as { default?: unknown };
    const fn =
      typeof mod.default === "function"
        ? mod.default
        : (mod.default as { default?: unknown } | undefined)?.default;
    return typeof fn === "function" ? (fn as (text: string) => unknown) : null;
  } catch {
    return null;
  }
}

export async function benchParse(): Promise<BenchResult[]> {
  const text = fs.readFileSync(path.join(fixturesDir(), DUMP), "utf8");
  const ours = throughput((t) => parsePrometheusText(t), text);
  const result: BenchResult = {
    name: `parsePrometheusText on ${DUMP}`,
    value: Math.round(ours * 10) / 10,
    unit: "MB/s",
  };
  const reference = await loadReference();
  if (reference) {
    result.reference = { name: REFERENCE, value: Math.round(throughput(reference, text) * 10) / 10 };
  } else {
    result.note = `${REFERENCE}: not installed (add it as a devDependency to compare in the same run)`;
  }
  return [result];
}

if (process.argv[1]?.replace(/\\/g, "/").endsWith("bench/parse.ts")) {
  benchParse().then(
    (results) => console.log(JSON.stringify(results, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
