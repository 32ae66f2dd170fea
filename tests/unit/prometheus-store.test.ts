/**
 * PrometheusMetricsStore against a stand-in engine on loopback that speaks the query API: numbers while
 * it answers; when it is slow or answers errors, the last numbers stay, marked with the reason, and
 * status().problem says so (since the first failure) until a refresh works again.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podsByNode } from "@/lib/k8s/reshape";
import type { CachePod, ClusterNode } from "@/lib/k8s/types";
import { PrometheusMetricsStore } from "@/lib/metrics/prometheus-store";
import { PrometheusClient } from "@/lib/prometheus-api/client";
import { parseSelector } from "@/lib/prometheus-api/selector";

type Mode = "ok" | "slow" | "error";
let mode: Mode = "ok";
let requests = 0;
let server: http.Server;
let url: string;
const parked: http.ServerResponse[] = [];

const key = { instance: "10.0.0.1:9253", node: "n1" };
const vector = (samples: [string, Record<string, string>, number][]) =>
  JSON.stringify({
    status: "success",
    data: {
      resultType: "vector",
      result: samples.map(([signal, labels, v]) => ({
        metric: { ...key, ...labels, nldd_signal: signal },
        value: [1_700_000_000, String(v)],
      })),
    },
  });

/** Answers by which signals the query asks for (the combined queries tag each one). */
function answer(query: string): string {
  const has = (signal: string) => query.includes(`"nldd_signal", "${signal}"`);
  if (has("requests"))
    return vector([
      ["requests", {}, 100 + requests],
      ["hits", {}, 60],
      ["misses", {}, 40],
      ["up", {}, 1],
      ["scrapedAt", {}, 1_700_000_000],
      ["version", { version: "1.11.3" }, 1],
    ]);
  if (has("queriesPerSecond"))
    return vector([
      ["queriesPerSecond", {}, 10],
      ["hitsPerSecond", {}, 6],
      ["missesPerSecond", {}, 4],
    ]);
  if (has("latencyP99")) return vector([["latencyP99", {}, 0.004]]);
  return vector([]);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    const q = new URL(req.url ?? "/", "http://x").searchParams.get("query") ?? "";
    if (mode === "slow") return void parked.push(res);
    if (mode === "error") {
      res.statusCode = 503;
      return void res.end(
        JSON.stringify({ status: "error", errorType: "unavailable", error: "too many queries in the queue" }),
      );
    }
    res.setHeader("content-type", "application/json");
    res.end(answer(q));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const r of parked) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const nodes: ClusterNode[] = [
  {
    name: "n1",
    internalIP: "10.0.0.1",
    ready: true,
    unschedulable: false,
    kubeletVersion: "v1.30.0",
    conditions: [],
  },
];
const pods: CachePod[] = [
  {
    name: "node-local-dns-a",
    namespace: "kube-system",
    nodeName: "n1",
    scheduled: true,
    podIP: "10.0.0.1",
    phase: "Running",
    ready: true,
    status: "Running",
    restarts: 0,
    startedAt: null,
    createdAt: null,
    image: null,
    metricsPort: 9253,
    deleting: false,
    templateHash: null,
  },
];

describe("PrometheusMetricsStore", () => {
  it("keeps the page's numbers through a slow and an erroring engine, says why, and recovers", async () => {
    const store = new PrometheusMetricsStore(
      { snapshot: () => ({ nodes, pods, podByNode: podsByNode(pods) }) },
      new PrometheusClient({ url, timeoutMs: 300, concurrency: 4 }),
      {
        selector: parseSelector('{job=~".*node-local-dns.*"}'),
        selectorText: '{job=~".*node-local-dns.*"}',
        windowSeconds: 120,
        intervalMs: 1000,
        retentionMinutes: 60,
      },
    );
    expect(store.source.kind).toBe("prometheus");
    await store.round();
    const ok = store.latest("n1")!;
    expect(ok).toMatchObject({ pod: "node-local-dns-a", transport: "prometheus", error: null });
    expect(ok.scrape?.counters.hits).toBe(60);
    expect(ok.rates?.hitRatio).toBe(0.6);
    expect(ok.lastScrapeAt).toBe(new Date(1_700_000_000_000).toISOString());
    expect(store.status().problem).toBeNull();
    const numbers = ok.scrape;

    mode = "slow";
    const started = Date.now();
    await store.round();
    expect(Date.now() - started).toBeLessThan(2000);
    const slow = store.status().problem!;
    expect(slow.message).toMatch(
      /^cannot read the metrics engine at http:\/\/127\.0\.0\.1:\d+: .* did not answer within 300 ms$/,
    );
    expect(store.latest("n1")!.scrape).toBe(numbers);
    expect(store.latest("n1")!.error?.message).toBe(slow.message);

    mode = "error";
    await store.round();
    const failing = store.status().problem!;
    expect(failing.message).toContain(
      "the engine refused the query (unavailable): too many queries in the queue",
    );
    expect(failing.since).toBe(slow.since);
    // A chart asked for while the engine fails is empty, and the problem says which.
    expect(await store.clusterHistory(Date.now() - 60_000)).toEqual([]);
    expect(store.status().problem?.message).toMatch(/^cannot read the cluster's history/);

    mode = "ok";
    await store.round();
    expect(store.status().problem).toBeNull();
    expect(store.latest("n1")!.error).toBeNull();
    expect(store.latest("n1")!.scrape?.counters.requests).toBeGreaterThan(numbers!.counters.requests);
    expect(store.recentMedian("n1", "latencyP99", 12)).toBeCloseTo(0.004);
    await store.stop();
  });
});
