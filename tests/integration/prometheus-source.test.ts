/**
 * The `prometheus` source against real engines: Debian's `prometheus` and `victoria-metrics` scrape the
 * simulated cluster (static targets from its cluster.json, 1 s interval, the relabelled `node`/`pod`
 * labels on some targets and none on another), and the dashboard's PrometheusMetricsStore reads them
 * over the HTTP API. Its numbers must agree with the scrape collector's for the same pods within one
 * scrape interval's worth; a node whose pod is not scraped says why; the engine going away is survived.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { queryOnce } from "../../sim/dns/client";
import {
  ensureEngineInstalled,
  startMetricsEngine,
  type EngineKind,
  type EngineTarget,
  type MetricsEngine,
} from "../../scripts/metrics-engine";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { MetricsCollector } from "@/lib/metrics/collector";
import { PrometheusMetricsStore } from "@/lib/metrics/prometheus-store";
import { metricsFetchers } from "@/lib/metrics/transports";
import { PrometheusClient } from "@/lib/prometheus-api/client";
import { parseSelector } from "@/lib/prometheus-api/selector";
import type { NodeMetrics } from "@/lib/metrics/store";
import { deployRbacObjects } from "../support/deploy-rbac";
import { freePort, waitFor } from "../support/ports";

const ENGINES: EngineKind[] = ["prometheus", "victoria-metrics"];
const installed = new Map(ENGINES.map((k) => [k, ensureEngineInstalled(k)]));
/** Client queries per second per node, from this file's own traffic (paused for the exact comparison). */
const QPS = 20;
const SELECTOR = '{job=~".*node-local-dns.*"}';
/**
 * The rate() window. VictoriaMetrics gets a longer one: it shows fresh samples a few seconds late, and
 * the burst test's window must still hold the whole burst after waiting for them.
 */
const windowFor = (kind: EngineKind) => (kind === "prometheus" ? 5 : 10);
const DATA = path.resolve(__dirname, "../../.sim/test-prometheus-source");

let cluster: SimCluster;
let inventory: ClusterInventory;
let collector: MetricsCollector;
const engines = new Map<EngineKind, MetricsEngine>();
const ports = new Map<EngineKind, number>();

/** Node 1 carries the `node` label (kubernetes_sd relabelling), node 2 only `pod`, node 3 none; node 4 is not scraped. */
function targets(): EngineTarget[] {
  const [n1, n2, n3] = cluster.description.nodes;
  return [
    { address: `${n1!.nodeIP}:9253`, labels: { node: n1!.name, pod: n1!.pod ?? "" } },
    { address: `${n2!.nodeIP}:9253`, labels: { pod: n2!.pod ?? "" } },
    { address: `${n3!.nodeIP}:9253` },
  ];
}

async function startEngine(kind: EngineKind): Promise<MetricsEngine> {
  const port = ports.get(kind) ?? (await freePort());
  ports.set(kind, port);
  const engine = await startMetricsEngine({ kind, port, dataDir: path.join(DATA, kind), targets: targets() });
  engines.set(kind, engine);
  return engine;
}

function storeFor(kind: EngineKind): PrometheusMetricsStore {
  const client = new PrometheusClient({
    url: `http://127.0.0.1:${ports.get(kind)}`,
    timeoutMs: 3000,
    concurrency: 4,
  });
  return new PrometheusMetricsStore(inventory, client, {
    selector: parseSelector(SELECTOR),
    selectorText: SELECTOR,
    windowSeconds: windowFor(kind),
    intervalMs: 1000,
    retentionMinutes: 5,
    minStepSeconds: 1,
  });
}

beforeAll(async () => {
  fs.rmSync(DATA, { recursive: true, force: true });
  cluster = await startSimCluster({
    extraObjects: deployRbacObjects(),
    nodes: 4,
    addressBase: 60,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    corednsVersions: ["1.11.3", "1.10.0", "1.7.0", "1.11.3"],
    outDir: ".sim/test-prometheus-source-sim",
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig("dashboard");
  inventory = new ClusterInventory(kc, {
    namespace: "kube-system",
    podSelector: "k8s-app=node-local-dns",
    daemonSet: "node-local-dns",
    container: "node-cache",
    metricsPort: 9253,
  });
  await inventory.start();
  await waitFor(
    "4 ready pods",
    () => (inventory.snapshot().pods.filter((p) => p.ready).length === 4 ? true : undefined),
    60_000,
  );
  collector = new MetricsCollector(inventory, metricsFetchers(kc), {
    intervalMs: 60_000,
    timeoutMs: 3000,
    concurrency: 4,
    maxBytes: 8 * 1024 * 1024,
    maxSamples: 50_000,
    retentionMinutes: 5,
    transport: "direct",
  });
  for (const kind of ENGINES) if (installed.get(kind)) await startEngine(kind);
  startTraffic();
});

afterAll(async () => {
  traffic.stopped = true;
  await traffic.done;
  for (const e of engines.values()) await e.stop();
  await inventory?.stop();
  await cluster?.stop();
});

/** Cached names (hits after the first ask) and fresh ones (always a miss), like real pods' traffic. */
const NAMES = [
  "kubernetes.default.svc.cluster.local",
  "example.com",
  "api.shop.svc.cluster.local",
  "www.example.org",
];
let asked = 0;
function ask(node: SimCluster["description"]["nodes"][number]): Promise<unknown> {
  asked++;
  const name = asked % 3 === 0 ? `fresh-${asked}.example.com` : (NAMES[asked % NAMES.length] as string);
  // Pods reach the cache on both its addresses: link-local, and the kube-dns ClusterIP it intercepts.
  const to = asked % 2 === 0 ? node.dns : node.kubeDns;
  return queryOnce({ host: to.address, port: to.port, name, type: "A", proto: "udp" }).catch(() => undefined);
}
const traffic: { paused: boolean; stopped: boolean; done: Promise<void> } = {
  paused: false,
  stopped: false,
  done: Promise.resolve(),
};
/** QPS queries per second to nodes 1-4 until stopped; a pacing loop, not a synchronisation. */
function startTraffic(): void {
  traffic.done = (async () => {
    while (!traffic.stopped) {
      if (!traffic.paused) await Promise.all(cluster.description.nodes.map(ask));
      await new Promise((r) => setTimeout(r, 1000 / QPS));
    }
  })();
}

/**
 * Wait until the engine has scraped every pod of nodes 1-3 after `atMs` and its counters stand still
 * (traffic is paused; VictoriaMetrics makes a scrape's series visible a little apart from its `up`).
 */
async function engineSettledAfter(
  store: PrometheusMetricsStore,
  atMs: number,
  kind: EngineKind,
): Promise<void> {
  let previous = "";
  let since = 0;
  await waitFor(
    `the engine to scrape nodes 1-3 after ${new Date(atMs).toISOString()} and settle`,
    async () => {
      await store.round();
      const nodes = cluster.description.nodes.slice(0, 3).map((n) => store.latest(n.name));
      const scraped = nodes.every((m) => m?.lastScrapeAt && Date.parse(m.lastScrapeAt) > atMs);
      const now = JSON.stringify(
        nodes.map((m) => [
          m?.scrape?.counters.requests,
          m?.scrape?.counters.hits,
          m?.scrape?.counters.misses,
        ]),
      );
      if (now !== previous || !scraped) since = Date.now();
      // VictoriaMetrics shows a scrape's samples a little apart from its `up`: the same for 3 s there.
      const settled = scraped && now === previous && Date.now() - since >= (kind === "prometheus" ? 0 : 3000);
      previous = now;
      return settled ? true : undefined;
    },
    30_000,
    400,
  );
}

/** Wait until the engine holds a full rate window of samples for every scraped pod. */
async function engineWarm(store: PrometheusMetricsStore): Promise<void> {
  await waitFor(
    "the engine to hold a rate window for nodes 1-3",
    async () => {
      await store.round();
      const ok = cluster.description.nodes.slice(0, 3).every((n) => {
        const m = store.latest(n.name);
        return m?.rates && m.rates.queriesPerSecond > 0 && m.scrape;
      });
      return ok ? true : undefined;
    },
    60_000,
    500,
  );
}

const close = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance;

describe.each(ENGINES)("%s", (kind) => {
  const skip = !installed.get(kind);
  let store: PrometheusMetricsStore;

  beforeAll(async () => {
    if (skip) return;
    store = storeFor(kind);
    await engineWarm(store);
  });

  it.skipIf(skip)("maps series to nodes by node label, pod label and instance address", () => {
    const [n1, n2, n3] = cluster.description.nodes;
    for (const n of [n1!, n2!, n3!]) {
      const m = store.latest(n.name)!;
      expect(m.error, n.name).toBeNull();
      expect(m.transport).toBe("prometheus");
      expect(m.pod).toBe(n.pod);
      expect(m.scrape?.corednsVersion).toBe(n.corednsVersion);
    }
  });

  it.skipIf(skip)("a node whose pod is not scraped says why", () => {
    const n4 = cluster.description.nodes[3]!;
    const m = store.latest(n4.name)!;
    expect(m.scrape).toBeNull();
    expect(m.error?.message).toContain(`no series for pod IP ${n4.nodeIP} (pod ${n4.pod}, node ${n4.name})`);
    expect(m.error?.message).toContain(`under selector ${SELECTOR}`);
  });

  it.skipIf(skip)(
    "under steady traffic, hits, misses, queries/s and hit ratio agree with scrape mode for the same pods",
    async () => {
      // Scrape-mode rates over a window as long as the engine's: two collector rounds WINDOW apart,
      // the second one right beside the engine's read.
      await collector.round();
      const first = Date.now();
      await waitFor(
        "one rate window to pass",
        () => (Date.now() - first >= windowFor(kind) * 1000 ? true : undefined),
        windowFor(kind) * 1000 + 5000,
        100,
      );
      const t0 = Date.now();
      await Promise.all([collector.round(), store.round()]);
      const gapSeconds = (Date.now() - t0) / 1000;
      for (const n of cluster.description.nodes.slice(0, 3)) {
        const scraped = collector.latest(n.name) as NodeMetrics;
        const engine = store.latest(n.name) as NodeMetrics;
        const s = scraped.scrape!.counters;
        const e = engine.scrape!.counters;
        const qps = scraped.rates!.queriesPerSecond;
        // Prometheus's newest sample is at most one scrape interval (1 s) old. VictoriaMetrics buffers fresh
        // samples in memory before queries see them (about 3 s here), which counts as that much more drift.
        const age = (t0 - Date.parse(engine.lastScrapeAt!)) / 1000;
        if (kind === "prometheus") expect(age, "prometheus sample age").toBeLessThan(1.5);
        const drift = qps * ((kind === "prometheus" ? Math.max(1, age) : 4) + gapSeconds) + 3;
        const label = `${kind} ${n.name} (CoreDNS ${n.corednsVersion})`;
        expect(close(e.requests, s.requests, drift), `${label} requests ${e.requests} vs ${s.requests}`).toBe(
          true,
        );
        expect(close(e.hits, s.hits, drift), `${label} hits ${e.hits} vs ${s.hits}`).toBe(true);
        expect(close(e.misses, s.misses, drift), `${label} misses ${e.misses} vs ${s.misses}`).toBe(true);
        expect(e.misses).toBeGreaterThan(0);
        const sr = scraped.rates!;
        const er = engine.rates!;
        expect(
          close(
            er.queriesPerSecond,
            sr.queriesPerSecond,
            Math.max(4, (kind === "prometheus" ? 0.35 : 0.5) * sr.queriesPerSecond),
          ),
          `${label} qps ${er.queriesPerSecond} vs ${sr.queriesPerSecond}`,
        ).toBe(true);
        expect(close(er.hitRatio ?? 0, sr.hitRatio ?? 0, 0.2), `${label} interval hit ratio`).toBe(true);
        const lifetime = (c: typeof s) => c.hits / (c.hits + c.misses);
        expect(close(lifetime(e), lifetime(s), 0.03), `${label} hit ratio since start`).toBe(true);
        expect(Object.keys(engine.listenAddressRates).sort()).toEqual(
          Object.keys(scraped.listenAddressRates).sort(),
        );
      }
    },
    90_000,
  );

  it.skipIf(skip)(
    "a burst after a quiet spell: the same counters, entries and p99 as scrape mode, exactly",
    async () => {
      traffic.paused = true;
      const quiet = Date.now();
      try {
        // Every query in flight has been answered and scraped by both once the engine's sample is this new.
        // …and a whole rate window later, so the engine's window at the end holds the burst and nothing else.
        await engineSettledAfter(store, quiet + (windowFor(kind) - 0.5) * 1000, kind);
        await collector.round();
        const burstAt = Date.now();
        await Promise.all(
          // All at once, so the burst sits well inside one rate window.
          cluster.description.nodes.slice(0, 3).flatMap((n) => Array.from({ length: 60 }, () => ask(n))),
        );
        const burstEnd = Date.now();
        expect(burstEnd - burstAt, "the burst must fit in the rate window").toBeLessThan(1500);
        await engineSettledAfter(store, burstEnd + 200, kind);
        await collector.round();
        for (const n of cluster.description.nodes.slice(0, 3)) {
          const label = `${kind} ${n.name} (CoreDNS ${n.corednsVersion})`;
          const scraped = collector.latest(n.name)!;
          const engine = store.latest(n.name)!;
          const s = scraped.scrape!;
          const e = engine.scrape!;
          expect(e.counters.requests, `${label} requests`).toBe(s.counters.requests);
          if (kind === "prometheus") {
            expect(e.counters.hits, `${label} hits`).toBe(s.counters.hits);
            expect(e.counters.misses, `${label} misses`).toBe(s.counters.misses);
          } else {
            // VictoriaMetrics 1.79 leaves a hits series first seen in the burst out of queries for a while
            // (observed: one series of 10–20 hits, still missing 3 s later), so hits and misses are compared
            // within 5% there; requests and entries exactly.
            const cacheRequests = (c: typeof s.counters) => c.hits + c.misses;
            expect(
              Math.abs(cacheRequests(e.counters) - cacheRequests(s.counters)),
              `${label} hits + misses`,
            ).toBeLessThanOrEqual(0.05 * cacheRequests(s.counters));
          }
          // Each cache once, although every block's cache is reported under both listen addresses.
          expect(e.entries, `${label} entries`).toEqual(s.entries);
          // A gauge, read at two different moments.
          expect(Math.abs(e.memoryBytes! - s.memoryBytes!) / s.memoryBytes!, `${label} memory`).toBeLessThan(
            0.05,
          );
          // Both windows hold exactly the burst, so the latency histograms' increases are the same.
          // VictoriaMetrics' rate() does not extrapolate: the same p99 within interpolation. Prometheus's
          // extrapolates each bucket series on its own (a series at 0 is not extrapolated below zero), which
          // can move the interpolated quantile within one of CoreDNS's power-of-two buckets.
          const sp = scraped.rates!.latencyP99!;
          const ep = engine.rates!.latencyP99!;
          const [low, high] = kind === "prometheus" ? [0.5, 2] : [0.8, 1.25];
          expect(ep / sp, `${label} p99 ${ep} vs ${sp}`).toBeGreaterThan(low);
          expect(ep / sp, `${label} p99 ${ep} vs ${sp}`).toBeLessThan(high);
          expect(
            Math.abs(engine.rates!.hitRatio! - scraped.rates!.hitRatio!),
            `${label} burst hit ratio`,
          ).toBeLessThan(kind === "prometheus" ? 0.02 : 0.35);
        }
      } finally {
        traffic.paused = false;
      }
    },
    90_000,
  );

  it.skipIf(skip)(
    "history, server blocks, listen addresses and cluster history come from range queries",
    async () => {
      const n1 = cluster.description.nodes[0]!;
      const since = Date.now() - 60_000;
      const history = await store.nodeHistory(n1.name, since);
      expect(history.length).toBeGreaterThan(3);
      expect(history.some((p) => (p.queriesPerSecond ?? 0) > 0 && p.hitRatio !== null)).toBe(true);
      const blocks = await store.serverBlockHistory(n1.name, since);
      expect(blocks.map((b) => b.zone)).toContain("cluster.local.");
      expect(store.latest(n1.name)!.serverBlockRates.map((z) => z.zone)).toContain("cluster.local.");
      const addresses = await store.listenAddressHistory(n1.name, since);
      expect(addresses.length).toBeGreaterThanOrEqual(2);
      const clusterHistory = await store.clusterHistory(since);
      expect(clusterHistory.some((p) => (p.queriesPerSecond ?? 0) > 0)).toBe(true);
      expect(store.status().problem).toBeNull();
    },
  );

  it.skipIf(skip)(
    "the engine going away is survived: last numbers kept and marked, then recovered",
    async () => {
      const n1 = cluster.description.nodes[0]!;
      const before = store.latest(n1.name)!.scrape;
      await engines.get(kind)!.stop();
      await store.round();
      const problem = store.status().problem;
      expect(problem?.message).toMatch(
        /cannot read the metrics engine at http:\/\/127\.0\.0\.1:\d+: .*refused/,
      );
      const m = store.latest(n1.name)!;
      expect(m.scrape).toBe(before);
      expect(m.error?.message).toBe(problem?.message);
      // A chart over a range not asked for before (so not from the one-step cache) is empty, not an error.
      expect(await store.nodeHistory(n1.name, Date.now() - 150_000)).toEqual([]);
      expect(store.status().problem?.message).toMatch(/node-1's history/);
      await startEngine(kind);
      await waitFor(
        "the store to recover",
        async () => {
          await store.round();
          return store.status().problem === null && store.latest(n1.name)?.error === null ? true : undefined;
        },
        60_000,
        500,
      );
      expect(store.latest(n1.name)!.scrape?.corednsVersion).toBe(n1.corednsVersion);
    },
    90_000,
  );
});

describe.skipIf(!installed.get("prometheus"))(
  "the dashboard with DASHBOARD_METRICS_SOURCE=prometheus",
  () => {
    it("serves /api/nodes, /api/cluster and a node's page from the engine, saying so", async () => {
      Object.assign(process.env, {
        DASHBOARD_CONTEXT: "dashboard",
        DASHBOARD_METRICS_SOURCE: "prometheus",
        DASHBOARD_PROMETHEUS_URL: `http://127.0.0.1:${ports.get("prometheus")}`,
        DASHBOARD_PROMETHEUS_RATE_WINDOW: "5s",
        DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
      });
      const { startDashboard } = await import("@/lib/dashboard");
      const { nodesView } = await import("@/lib/views/nodes");
      const { clusterView } = await import("@/lib/views/cluster");
      const { nodeDetailView } = await import("@/lib/views/node-detail");
      const d = await startDashboard();
      try {
        const [n1, , , n4] = cluster.description.nodes;
        const nodes = await waitFor(
          "rows with numbers from the engine",
          async () => {
            const v = await nodesView(d);
            return v.nodes.find((r) => r.node === n1!.name)?.cache ? v : undefined;
          },
          60_000,
        );
        expect(nodes.metricsSource).toEqual({
          kind: "prometheus",
          description: `from the metrics engine at http://127.0.0.1:${ports.get("prometheus")} (series ${SELECTOR}, rates over 5 s)`,
          problem: null,
        });
        const row = nodes.nodes.find((r) => r.node === n1!.name)!;
        expect(row.transport).toBe("prometheus");
        expect(row.reachability).toBe("transparent");
        expect(nodes.nodes.find((r) => r.node === n4!.name)?.error?.message).toMatch(/^no series for pod IP/);
        const c = await clusterView(d, Date.now() - 60_000);
        expect(c.metricsSource.kind).toBe("prometheus");
        expect(c.aggregate.nodesReporting).toBe(3);
        expect(c.history.length).toBeGreaterThan(0);
        const detail = await nodeDetailView(d, n1!.name, Date.now() - 60_000);
        expect(detail.serverBlocks.map((b) => b.zone)).toContain("cluster.local.");
        expect(detail.listenAddresses.length).toBe(2);
        expect(detail.history.length).toBeGreaterThan(0);
      } finally {
        await d.metrics.stop();
        await d.inventory.stop();
      }
    }, 90_000);
  },
);
