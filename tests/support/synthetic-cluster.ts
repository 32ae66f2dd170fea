/**
 * Overview rows of a large cluster without running one: node names as GKE writes them (pools of 500),
 * a rollout half done between two CoreDNS versions, a few pods not ready or missing, scrape errors,
 * odd ones and unhealthy nodes, and numbers that move each 5 s round as real traffic does (rates
 * wobble by their Poisson noise, p99 more, counters grow). Seeded: the same seed, the same cluster.
 * Used by the size test (tests/unit/overview-size.test.ts) and `npm run bench` (bench/overview-size.ts).
 */
import type { NodesResponse } from "@/lib/api-types";
import type { OverviewRow } from "@/lib/overview/wire";

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

interface NodeModel {
  row: OverviewRow;
  qps: number;
  hitRatio: number;
  p99: number;
}

export interface SyntheticCluster {
  /** The rows of the current round. */
  rows(): OverviewRow[];
  /** Advance one scrape round (5 s), mutating numbers as traffic would. */
  step(): void;
  /** The round's time, ms since the epoch. */
  now(): number;
}

export function syntheticCluster(
  nodes: number,
  seed = 1,
  start = Date.parse("2026-12-01T12:00:00.000Z"),
): SyntheticCluster {
  const rnd = seededRandom(seed);
  const pick = (n: number) =>
    Array.from({ length: n }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join("");
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  let now = start;
  const dashboardStart = new Date(start - 3 * 3600_000).toISOString();
  const models: NodeModel[] = [];
  let poolHash = "";
  const names = new Set<string>();
  for (let i = 0; i < nodes; i++) {
    if (i % 500 === 0)
      poolHash = Math.floor(rnd() * 0xffffffff)
        .toString(16)
        .padStart(8, "0");
    let name = "";
    do name = `gke-prod-europe-west1-default-pool-${poolHash}-${pick(4)}`;
    while (names.has(name));
    names.add(name);
    const hasPod = rnd() > 0.004;
    const newer = rnd() < 0.5;
    const ready = hasPod && rnd() > 0.01;
    const uptimeS = 3600 + rnd() * 20 * 86_400;
    const qps = Math.exp(3 + rnd() * 3.5);
    const hitRatio = 0.7 + rnd() * 0.28;
    const requests = qps * uptimeS;
    const scraped = ready && rnd() > 0.003;
    const failing = hasPod && !scraped;
    const odd = scraped && rnd() < 0.005;
    const unhealthy = !ready || failing || rnd() < 0.01;
    const p99 = 0.0005 + rnd() * rnd() * 0.04;
    const row: OverviewRow = {
      node: name,
      nodeReady: rnd() > 0.002,
      nodeConditions: rnd() < 0.003 ? ["MemoryPressure=True"] : [],
      reachability: scraped ? (rnd() < 0.01 ? "no-traffic" : "transparent") : null,
      redirectPolicy: null,
      pod: hasPod ? `node-local-dns-${pick(5)}` : null,
      podReady: ready,
      podStatus: hasPod ? (ready ? "Running" : "CrashLoopBackOff") : null,
      restarts: rnd() < 0.05 ? 1 + Math.floor(rnd() * 4) : 0,
      corednsVersion: scraped ? (newer ? "1.11.3" : "1.10.1") : null,
      image: hasPod ? `registry.k8s.io/dns/k8s-dns-node-cache:${newer ? "1.23.1" : "1.22.28"}` : null,
      cache: scraped
        ? {
            hits: Math.round(requests * hitRatio),
            misses: Math.round(requests * (1 - hitRatio)),
            entries: Math.min(19_968, Math.round(200 + rnd() * 12_000)),
            // As the server computes it (cacheHitRatio).
            hitRatio:
              Math.round(requests * hitRatio) /
              (Math.round(requests * hitRatio) + Math.round(requests * (1 - hitRatio))),
          }
        : null,
      rates: scraped
        ? {
            queriesPerSecond: qps,
            evictionsPerSecond: rnd() < 0.1 ? rnd() * 5 : 0,
            latencyP99: p99,
            responsesPerSecondByRcode: rnd() < 0.3 ? { SERVFAIL: rnd() < 0.8 ? 0 : rnd() * 0.5 } : {},
          }
        : null,
      memoryBytes: scraped ? Math.round((18 + rnd() * 40) * 1024 * 1024) : null,
      transport: hasPod ? "direct" : null,
      lastScrapeAt: scraped ? new Date(now - Math.floor(rnd() * 5000)).toISOString() : null,
      error: failing
        ? {
            message: `GET http://10.4.${i % 250}.7:9253/metrics: connect ECONNREFUSED`,
            at: new Date(now).toISOString(),
          }
        : null,
      oddOneOut: odd ? ["hit ratio"] : [],
      health: unhealthy
        ? {
            state: ready && !failing ? "warning" : "critical",
            reasons: [
              !hasPod
                ? { code: "no-pod", severity: "critical", message: "no node-local-dns pod on this node" }
                : !ready
                  ? {
                      code: "pod-not-ready",
                      severity: "critical",
                      message: "the cache pod is not Ready (CrashLoopBackOff)",
                    }
                  : failing
                    ? { code: "not-scraped", severity: "critical", message: "its metrics cannot be read" }
                    : {
                        code: "latency",
                        severity: "warning",
                        message: `p99 latency ${Math.round(p99 * 1000) + 100} ms`,
                      },
            ],
            since: new Date(now - Math.floor(rnd() * 3600_000)).toISOString(),
          }
        : { state: "healthy", reasons: [], since: dashboardStart },
    };
    models.push({ row, qps, hitRatio, p99 });
  }
  // As the inventory lists them.
  models.sort((a, b) => a.row.node.localeCompare(b.row.node, undefined, { numeric: true }));
  return {
    rows: () => models.map((m) => structuredClone(m.row)),
    now: () => now,
    step() {
      now += 5000;
      for (const m of models) {
        const r = m.row;
        if (!r.cache || !r.rates) continue;
        const q = Math.max(0, m.qps + gauss() * Math.sqrt(m.qps / 5));
        const hits = Math.round(q * 5 * m.hitRatio);
        r.cache.hits += hits;
        r.cache.misses += Math.round(q * 5) - hits;
        r.cache.hitRatio = r.cache.hits / (r.cache.hits + r.cache.misses);
        r.cache.entries = Math.max(0, Math.min(19_968, Math.round(r.cache.entries * (1 + gauss() * 0.01))));
        r.rates.queriesPerSecond = q;
        r.rates.latencyP99 = m.p99 * Math.exp(gauss() * 0.15);
        if (r.rates.evictionsPerSecond > 0)
          r.rates.evictionsPerSecond = Math.abs(r.rates.evictionsPerSecond * (1 + gauss() * 0.2));
        if (r.memoryBytes !== null && rnd() < 0.2) r.memoryBytes += Math.round(gauss() * 64 * 1024);
        r.lastScrapeAt = new Date(now - Math.floor(rnd() * 5000)).toISOString();
      }
    },
  };
}

/** What `/api/nodes` answers beside the rows, for a synthetic round at `t` (ms since the epoch). */
export function syntheticMeta(t: number): Omit<NodesResponse, "nodes"> {
  return {
    generatedAt: new Date(t).toISOString(),
    apiServer: "https://10.0.0.1:443",
    context: "synthetic",
    synced: true,
    apiProblem: null,
    daemonSet: null,
    scrapeIntervalMs: 5000,
    lastRoundAt: new Date(t).toISOString(),
    interception: null,
    metricsSource: { kind: "scrape", description: "scraped by the dashboard", problem: null },
  };
}
