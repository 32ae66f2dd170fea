/**
 * Parser throughput on the two largest real CoreDNS dumps, beside the Go reference parsers of
 * ../shared/tools/prom-parsers (expfmt, Prometheus's model/textparse, VictoriaMetrics'
 * lib/protoparser/prometheus) and `parse-prometheus-text-format` when installed. Rounds alternate
 * between ours and each reference, so a machine whose load changes during the run slows all of them
 * alike; each figure is the median of its rounds, in wall-clock MB/s as the Go tools measure.
 *
 * Ours twice: every family (what `scrape` and the property tests read), and the families the node
 * record reads (what the collector parses; the rest skipped at newline-search speed).
 *
 * The Go tools are looked for in $PROM_PARSERS_BIN, then /tmp/prom-parsers/bin (build.sh's default);
 * when absent and Go is installed, they are built once with build.sh (as root, ~2 min).
 *
 *   npx tsx bench/parse.ts
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { NODE_RECORD_SAMPLE_NAMES } from "../lib/coredns/node-record";
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

const DUMPS = [
  "metrics-nodecache-1.22.13-coredns-1.7.0-reload-failed.txt",
  "metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt",
];
const NPM_REFERENCE = "parse-prometheus-text-format";
const ROUNDS = 5;
const ROUND_MS = 300;

const sharedDir = path.resolve(__dirname, "../../shared");

/** The shared fixtures beside the checkout (`../shared`), or COREDNS_FIXTURES. */
function fixturesDir(): string {
  return process.env.COREDNS_FIXTURES ?? path.join(sharedDir, "fixtures/coredns");
}

/** MB/s of one round of about ROUND_MS, after `warm` ms of warm-up. */
function jsRound(parse: (text: string) => unknown, text: string, warm: number): number {
  const mb = Buffer.byteLength(text) / 1e6;
  const warmUntil = performance.now() + warm;
  while (performance.now() < warmUntil) parse(text);
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    parse(text);
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < ROUND_MS);
  return (mb * n) / (elapsed / 1000);
}

interface GoTool {
  name: string;
  bin: string;
  /** Which output line to read (textparse-ref prints "full" then "lazy"). */
  line: number;
  /** Iterations for the first round; later rounds are sized from it to last about ROUND_MS. */
  iterations: number;
}

/** The reference binaries, building them when Go is installed and they are not there yet. */
function goTools(): { tools: GoTool[]; note?: string } {
  const dirs = [process.env.PROM_PARSERS_BIN, "/tmp/prom-parsers/bin"].filter(Boolean) as string[];
  const has = (d: string) => fs.existsSync(path.join(d, "vm-ref"));
  let dir = dirs.find(has);
  if (!dir) {
    const build = path.join(sharedDir, "tools/prom-parsers/build.sh");
    const go = spawnSync("sh", ["-c", "command -v go"]).status === 0;
    const root = process.getuid?.() === 0;
    if (!fs.existsSync(build) || (!go && !root))
      return {
        tools: [],
        note: "Go reference parsers not built (run ../shared/tools/prom-parsers/build.sh)",
      };
    process.stderr.write("building the Go reference parsers (build.sh, ~2 min)…\n");
    const r = spawnSync("bash", [build], {
      env: { ...process.env, OUT: "/tmp/prom-parsers" },
      stdio: "ignore",
    });
    if (r.status !== 0 || !has("/tmp/prom-parsers/bin"))
      return { tools: [], note: `build.sh failed (exit ${r.status}); Go references not measured` };
    dir = "/tmp/prom-parsers/bin";
  }
  const at = (b: string) => path.join(dir, b);
  return {
    tools: [
      {
        name: "VictoriaMetrics lib/protoparser/prometheus (Go)",
        bin: at("vm-ref"),
        line: 0,
        iterations: 400,
      },
      {
        name: "Prometheus model/textparse, labels decoded (Go)",
        bin: at("textparse-ref"),
        line: 0,
        iterations: 100,
      },
      { name: "expfmt TextParser (Go)", bin: at("expfmt-ref"), line: 0, iterations: 20 },
    ],
  };
}

/** One round of a Go tool: MB/s as it prints it, and how long the round took. */
function goRound(tool: GoTool, file: string, iterations: number): { mbs: number; secs: number } {
  const out = execFileSync(tool.bin, ["bench", file, String(iterations)], { encoding: "utf8" });
  const line = out.split("\n")[tool.line] ?? "";
  const m = /^([\d.]+) MB\/s \(\d+ x \d+ bytes in ([\d.]+)s\)/.exec(line);
  if (!m) throw new Error(`${tool.bin}: unexpected output ${JSON.stringify(out)}`);
  return { mbs: Number(m[1]), secs: Number(m[2]) };
}

/** The npm reference parser's entry point, or null when the package is not installed. */
async function loadNpmReference(): Promise<((text: string) => unknown) | null> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const specifier: string = NPM_REFERENCE;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function benchParse(): Promise<BenchResult[]> {
  const { tools, note } = goTools();
  const npm = await loadNpmReference();
  const results: BenchResult[] = [];
  for (const dump of DUMPS) {
    const file = path.join(fixturesDir(), dump);
    const text = fs.readFileSync(file, "utf8");
    const ours: Record<string, (t: string) => unknown> = {
      every: (t) => parsePrometheusText(t),
      dashboard: (t) => parsePrometheusText(t, { families: NODE_RECORD_SAMPLE_NAMES }),
    };
    const speeds = new Map<string, number[]>();
    const add = (k: string, v: number) => speeds.set(k, [...(speeds.get(k) ?? []), v]);
    const iterations = new Map(tools.map((t) => [t.name, t.iterations]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, f] of Object.entries(ours)) add(k, jsRound(f, text, r === 0 ? 500 : 50));
      for (const tool of tools) {
        const n = iterations.get(tool.name) as number;
        const { mbs, secs } = goRound(tool, file, n);
        add(tool.name, mbs);
        iterations.set(tool.name, Math.max(1, Math.round((n * ROUND_MS) / 1000 / Math.max(secs, 1e-3))));
      }
      if (npm) add(NPM_REFERENCE, jsRound(npm, text, r === 0 ? 300 : 50));
    }
    const every = round1(median(speeds.get("every") ?? []));
    const dashboard = round1(median(speeds.get("dashboard") ?? []));
    const references = [...tools.map((t) => t.name), ...(npm ? [NPM_REFERENCE] : [])];
    for (const ref of references) {
      const value = round1(median(speeds.get(ref) ?? []));
      results.push({
        name: `parsePrometheusText, dashboard families (every family: ${every} MB/s) on ${dump}`,
        value: dashboard,
        unit: "MB/s",
        reference: { name: ref, value },
        note: `${Math.round((100 * dashboard) / value)} % of the reference`,
      });
    }
    if (references.length === 0)
      results.push({
        name: `parsePrometheusText, dashboard families (every family: ${every} MB/s) on ${dump}`,
        value: dashboard,
        unit: "MB/s",
        note,
      });
  }
  return results;
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
