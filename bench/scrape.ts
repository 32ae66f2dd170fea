/**
 * One full scrape round over many simulated nodes (issue 3): wall time and the dashboard's CPU
 * milliseconds per node, beside a fetch-only round in the same run (the floor: the same HTTP requests
 * with no parsing or bookkeeping); and the collector's memory with 1 h of history for every node,
 * beside the bound the ring sizes promise.
 *
 *   npx tsx --conditions=react-server bench/scrape.ts [nodes]
 */
import { performance } from "node:perf_hooks";
import type { BenchResult } from "./parse";
import { startSimProcess } from "./sim-process";
import { ClusterInventory } from "../lib/k8s/inventory";
import { loadKubeConfig } from "../lib/k8s/kubeconfig";
import { MetricsCollector } from "../lib/metrics/collector";
import { HISTORY_SIGNALS, HistoryRing, SeriesRing, ZONE_SIGNALS } from "../lib/metrics/history";
import { forEachLimited } from "../lib/metrics/limit";
import { directFetcher, metricsFetchers } from "../lib/metrics/transports";

async function cpuAndWall<T>(fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function benchScrape(nodes = 1000): Promise<BenchResult[]> {
  const sim = await startSimProcess({ nodes, base: 40 });
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
    const deadline = Date.now() + 600_000;
    while (inventory.snapshot().pods.filter((p) => p.ready).length < nodes && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    const pods = inventory.snapshot().pods;
    const intervalMs = 5000;
    const collector = new MetricsCollector(inventory, metricsFetchers(kc), {
      intervalMs,
      timeoutMs: 10_000,
      concurrency: 32,
      maxBytes: 16 << 20,
      maxSamples: 50_000,
      retentionMinutes: 60,
      transport: "direct",
    });
    await collector.round(); // warm up connections and the JIT
    const fetchOnly = directFetcher();
    const floor = await cpuAndWall(() =>
      forEachLimited(
        pods,
        32,
        async (p) => void (await fetchOnly(p, { timeoutMs: 10_000, maxBytes: 16 << 20 })),
      ),
    );
    const full = await cpuAndWall(() => collector.round());
    const failed = collector.allLatest().filter((n) => n.error).length;

    // Memory: fill every ring to its capacity (1 h at 5 s) and measure what the history holds.
    const cap = collector.historyCapacity;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    const rings: unknown[] = [];
    for (let i = 0; i < nodes; i++) {
      const h = new HistoryRing(cap);
      const zones = ["cluster.local.", "in-addr.arpa.", "ip6.arpa.", "."].map(
        () => new SeriesRing(cap, ZONE_SIGNALS),
      );
      const servers = [0, 1].map(() => new SeriesRing(cap, ["queriesPerSecond"] as const));
      for (let t = 0; t < cap; t++) {
        h.push(t, Object.fromEntries(HISTORY_SIGNALS.map((s) => [s, t])) as never);
        for (const z of zones)
          z.push(t, { queriesPerSecond: t, hitRatio: 0.9, hitsPerSecond: t, missesPerSecond: t, entries: t });
        for (const s of servers) s.push(t, { queriesPerSecond: t });
      }
      rings.push(h, zones, servers);
    }
    gc?.();
    const after = process.memoryUsage();
    const measured = after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed);
    const bound =
      nodes * cap * (8 + HISTORY_SIGNALS.length * 4 + 4 * (8 + ZONE_SIGNALS.length * 4) + 2 * (8 + 4));
    await collector.stop();
    await inventory.stop();
    void rings.length;
    return [
      {
        name: `scrape round over ${nodes} simulated nodes (direct, concurrency 32): wall time`,
        value: Math.round(full.wallMs),
        unit: "ms",
        reference: { name: "fetch-only round, same pods", value: Math.round(floor.wallMs) },
        note: failed ? `${failed} nodes failed` : undefined,
      },
      {
        name: "dashboard CPU per node scraped (fetch + parse + record + rates)",
        value: round2(full.cpuMs / nodes),
        unit: "ms/node",
        reference: { name: "fetch-only CPU per node", value: round2(floor.cpuMs / nodes) },
      },
      {
        name: `collector history memory, ${nodes} nodes × 1 h at 5 s`,
        value: Math.round(measured / 2 ** 20),
        unit: "MiB",
        reference: { name: "bound from the ring sizes", value: Math.round(bound / 2 ** 20) },
        note: gc ? undefined : "run with NODE_OPTIONS=--expose-gc for a stable figure",
      },
    ];
  } finally {
    await sim.stop();
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
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
