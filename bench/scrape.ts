/**
 * The collector over many simulated nodes (issue 15), each figure beside its anchor from the same run:
 * - one full round's wall time and the dashboard's CPU per node scraped (fetch + parse + record +
 *   rates + history), beside a fetch-only round of the same pods;
 * - CPU per scrape of the running collector beside Debian's Prometheus scraping the same pod
 *   endpoints (a static config, the same interval), both processes' CPU read over the same window
 *   (/proc/<pid>/stat);
 * - history memory of a running collector that held its nodes for a full retention window, driven by
 *   a simulated clock (one round after another, each stamped 5 s after the last), beside the ~1.3–2
 *   bytes per sample of Prometheus's TSDB head.
 * The simulated cluster runs in its own process; its CPU over the Prometheus window is stated too.
 *
 *   NODE_OPTIONS=--expose-gc npx tsx --conditions=react-server bench/scrape.ts [nodes]
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchResult } from "./parse";
import { BENCH_QPS, startSimProcess } from "./sim-process";
import { ClusterInventory } from "../lib/k8s/inventory";
import { loadKubeConfig } from "../lib/k8s/kubeconfig";
import { MetricsCollector, type CollectorOptions } from "../lib/metrics/collector";
import { forEachLimited } from "../lib/metrics/limit";
import { directFetcher, metricsFetchers } from "../lib/metrics/transports";

/**
 * The scrape interval both scrapers use. 5 s by default; BENCH_INTERVAL_MS=10000 at 5,000 nodes, where
 * two scrapers at 5 s ask the one simulated-cluster process for 2,000 bodies a second on two cores.
 */
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 5000);
const PROMETHEUS = "/usr/bin/prometheus";
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 30_000);

async function cpuAndWall<T>(fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** CPU ms of a process (user + system) from /proc/<pid>/stat. */
function procCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

/** CPU ms of a process and all its descendants (the simulated cluster runs under tsx's launcher). */
function treeCpuMs(pid: number): number {
  let total = procCpuMs(pid);
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    for (const c of children ? children.split(" ") : []) total += treeCpuMs(Number(c));
  }
  return total;
}

/** Scrapes Prometheus has done, from its own metrics (every target's interval histogram count). */
async function prometheusScrapes(port: number): Promise<number> {
  const text = await httpGet(`http://127.0.0.1:${port}/metrics`);
  const m = new RegExp(
    `^prometheus_target_interval_length_seconds_count\\{interval="${INTERVAL_MS / 1000}s"\\} (\\S+)$`,
    "m",
  ).exec(text);
  return m ? Number(m[1]) : NaN;
}

async function startPrometheus(
  targets: string[],
  dir: string,
): Promise<{ child: ChildProcess; port: number; stop: () => Promise<void> }> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config = [
    "global:",
    `  scrape_interval: ${INTERVAL_MS / 1000}s`,
    `  scrape_timeout: ${Math.min(10, INTERVAL_MS / 1000 - 1)}s`,
    "scrape_configs:",
    "  - job_name: node-local-dns",
    "    static_configs:",
    "      - targets:",
    ...targets.map((t) => `          - ${t}`),
  ].join("\n");
  fs.writeFileSync(path.join(dir, "prometheus.yml"), config + "\n");
  const port = 19090 + Math.floor(Math.random() * 500);
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${err}`);
    try {
      if (!Number.isNaN(await prometheusScrapes(port))) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus did not come up: ${err}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    child,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}

export async function benchScrape(nodes = 1000): Promise<BenchResult[]> {
  const simStart = performance.now();
  const sim = await startSimProcess({ nodes, base: 40, qps: BENCH_QPS });
  const results: BenchResult[] = [];
  // Each figure also goes to stderr as soon as it is measured: a long run stopped later keeps them.
  const push = results.push.bind(results);
  results.push = (...rs: BenchResult[]) => {
    for (const r of rs)
      process.stderr.write(
        `measured: ${r.name}: ${r.value} ${r.unit}${r.reference ? ` (reference: ${r.reference.name} = ${r.reference.value})` : ""}${r.note ? ` [${r.note}]` : ""}\n`,
      );
    return push(...rs);
  };
  const stops: (() => Promise<void>)[] = [() => sim.stop()];
  try {
    process.env.KUBECONFIG = sim.kubeconfigPath;
    const kc = loadKubeConfig("");
    const inventory = new ClusterInventory(kc, {
      namespace: "kube-system",
      podSelector: "k8s-app=node-local-dns",
      daemonSet: "node-local-dns",
      container: "node-cache",
      metricsPort: 9253,
    });
    await inventory.start();
    stops.unshift(() => inventory.stop());
    const deadline = Date.now() + 600_000;
    while (inventory.snapshot().pods.filter((p) => p.ready).length < nodes && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    const simReadyMs = performance.now() - simStart;
    const pods = inventory.snapshot().pods;
    const options: CollectorOptions = {
      intervalMs: INTERVAL_MS,
      timeoutMs: 10_000,
      concurrency: 32,
      maxBytes: 16 << 20,
      maxSamples: 50_000,
      retentionMinutes: 60,
      transport: "direct",
    };
    const collector = new MetricsCollector(inventory, metricsFetchers(kc), options);
    await collector.round(); // warm up connections and the JIT
    const fetchOnly = directFetcher();
    let floorFailed = 0;
    const floor = await cpuAndWall(() =>
      forEachLimited(pods, 32, async (p) => {
        try {
          await fetchOnly(p, { timeoutMs: 10_000, maxBytes: 16 << 20 });
        } catch {
          floorFailed++;
        }
      }),
    );
    const full = await cpuAndWall(() => collector.round());
    const failed = collector.allLatest().filter((n) => n.error).length;
    results.push(
      {
        name: `simulated cluster of ${nodes} nodes, started (own process) until every pod Ready as the dashboard sees it`,
        value: Math.round(simReadyMs / 100) / 10,
        unit: "s",
        note: `${sim.description.nodes.length} nodes described`,
      },
      {
        name: `scrape round over ${nodes} simulated nodes (direct, concurrency 32): wall time`,
        value: Math.round(full.wallMs),
        unit: "ms",
        reference: { name: "fetch-only round, same pods", value: Math.round(floor.wallMs) },
        note: `${failed} of ${nodes} scrapes failed (fetch-only: ${floorFailed}); interval ${INTERVAL_MS} ms`,
      },
      {
        name: "dashboard CPU per node scraped, one round (fetch + parse + record + rates + history)",
        value: round2(full.cpuMs / nodes),
        unit: "ms/node",
        reference: { name: "fetch-only CPU per node", value: round2(floor.cpuMs / nodes) },
      },
    );

    // The running collector beside Prometheus, same targets, same interval, same window.
    if (fs.existsSync(PROMETHEUS)) {
      const targets = pods.filter((p) => p.podIP).map((p) => `${p.podIP}:${p.metricsPort}`);
      const prom = await startPrometheus(targets, path.join(os.tmpdir(), `bench-prometheus-${process.pid}`));
      stops.unshift(() => prom.stop());
      let ours = 0;
      const running = new MetricsCollector(inventory, metricsFetchers(kc), options, {
        attempt: () => {},
        nodeResult: (_n, failure) => void (failure ? 0 : ours++),
        round: () => {},
      });
      running.start();
      stops.unshift(() => running.stop());
      // Let both settle into their intervals (Prometheus spreads its targets over one interval).
      await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
      const promPid = prom.child.pid as number;
      const simPid = sim.pid;
      const p0 = procCpuMs(promPid);
      const s0 = simPid ? treeCpuMs(simPid) : NaN;
      const n0 = await prometheusScrapes(prom.port);
      const o0 = ours;
      const c0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const c = process.cpuUsage(c0);
      const oursCpu = (c.user + c.system) / 1000;
      const promCpu = procCpuMs(promPid) - p0;
      const simCpu = simPid ? treeCpuMs(simPid) - s0 : NaN;
      const promScrapes = (await prometheusScrapes(prom.port)) - n0;
      const oursScrapes = ours - o0;
      await running.stop();
      await prom.stop();
      const oursPer = oursCpu / Math.max(1, oursScrapes);
      const promPer = promCpu / Math.max(1, promScrapes);
      results.push({
        name: `CPU per scrape over the same ${WINDOW_MS / 1000} s, ${nodes} pods at ${INTERVAL_MS / 1000} s: the running collector`,
        value: round3(oursPer),
        unit: "ms/scrape",
        reference: {
          name: `Prometheus ${PROMETHEUS} (static config, same targets, TSDB ingest included)`,
          value: round3(promPer),
        },
        note: `${oursScrapes} vs ${promScrapes} scrapes; ${Math.round((100 * oursPer) / promPer)} % of Prometheus; the simulated cluster spent ${Math.round(simCpu)} ms CPU in the window`,
      });
    } else {
      results.push({
        name: "collector vs Prometheus",
        value: NaN,
        unit: "ms/scrape",
        note: `${PROMETHEUS} not installed`,
      });
    }

    // History memory: a collector that holds its nodes for a whole retention window, on a simulated clock.
    const historyNodes = Math.min(nodes, Number(process.env.BENCH_HISTORY_NODES ?? 20));
    // BENCH_HISTORY_NODES=0 leaves the history figure out (it is per sample, the same at any size).
    if (historyNodes === 0) return results;
    let clock = Date.now();
    const subset = {
      snapshot: () => {
        const s = inventory.snapshot();
        return { ...s, nodes: s.nodes.slice(0, historyNodes) };
      },
    } as unknown as ClusterInventory;
    let held: MetricsCollector | null = new MetricsCollector(subset, metricsFetchers(kc), {
      ...options,
      now: () => clock,
    });
    const rounds = held.historyCapacity + 1;
    const fill = await cpuAndWall(async () => {
      for (let r = 0; r < rounds; r++) {
        await (held as MetricsCollector).round();
        clock += INTERVAL_MS;
      }
    });
    const stats = held.historyStats();
    const first = held.allLatest()[0]?.node ?? "";
    const points = (await held.nodeHistory(first, 0)).length;
    // What the collector holds for these nodes: the heap with it, less the heap once it is dropped.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const withIt = process.memoryUsage();
    held = null;
    gc?.();
    const without = process.memoryUsage();
    const measured = withIt.heapUsed - without.heapUsed + (withIt.arrayBuffers - without.arrayBuffers);
    results.push(
      {
        name: `history bytes per stored sample: running collector, ${historyNodes} nodes × ${rounds} scrapes (60 min at 5 s, simulated clock)`,
        value: round2(stats.bytes / stats.samples),
        unit: "B/sample",
        reference: { name: "Prometheus TSDB head (documented ~1.3–2 B/sample)", value: 1.3 },
        note: `${stats.samples} samples in ${(stats.bytes / 2 ** 20).toFixed(2)} MiB encoded; the whole collector (node records, latest rates, history) held ${(measured / 2 ** 20).toFixed(1)} MiB of heap = ${round2(measured / stats.samples)} B/sample${gc ? "" : " (no --expose-gc: unreliable)"}; ${points} history points per node; ${Math.round(fill.wallMs / 1000)} s to fill`,
      },
      {
        name: `collector memory per node holding 1 h of history (heap + buffers it retains)`,
        value: Math.round(measured / historyNodes / 1024),
        unit: "KiB/node",
        reference: { name: "the Float32 rings before (bound from their sizes)", value: 148 },
      },
    );
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
  return results;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

if (process.argv[1]?.replace(/\\/g, "/").endsWith("bench/scrape.ts")) {
  benchScrape(Number(process.argv[2] ?? 1000)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
