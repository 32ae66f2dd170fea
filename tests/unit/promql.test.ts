/**
 * The PromQL the prometheus source sends (lib/coredns/promql.ts), the reshaping of the answers into
 * the dashboard's node types (promql-reshape.ts), series-to-node matching (series-to-nodes.ts) and the
 * chart step. The queries' numbers are checked against real engines in
 * tests/integration/prometheus-source.test.ts and the rules' in prometheus-rules.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  clusterHistoryQuery,
  COUNTER_SIGNALS,
  fitRange,
  keyMatchers,
  LATENCY_SIGNALS,
  nodeBreakdownQuery,
  nodeHistoryQuery,
  overviewQueries,
  RATE_SIGNALS,
  SIGNAL_LABEL,
} from "@/lib/coredns/promql";
import { reshapeBreakdown, reshapeHistory, reshapeOverview } from "@/lib/coredns/promql-reshape";
import { instanceHost, matchSeriesToNodes } from "@/lib/coredns/series-to-nodes";
import type { CachePod, ClusterNode } from "@/lib/k8s/types";
import { HISTORY_SIGNALS } from "@/lib/metrics/history";
import { parseSelector } from "@/lib/prometheus-api/selector";
import type { InstantSample } from "@/lib/prometheus-api/types";

const scope = { selector: parseSelector('{job=~".*node-local-dns.*"}'), windowSeconds: 120 };

/** The metric selectors in a query, e.g. `coredns_cache_hits_total{…}`. */
const selectors = (q: string) =>
  [...q.matchAll(/([a-z_:]*)\{([^{}]*)\}/g)].map((m) => ({ metric: m[1], matchers: m[2] }));

describe("queries", () => {
  it("an overview refresh is three queries, whatever the number of nodes, every signal tagged", () => {
    const q = overviewQueries(scope);
    expect(Object.keys(q)).toEqual(["counters", "rates", "latency"]);
    const tags = (text: string) =>
      [...text.matchAll(new RegExp(`"${SIGNAL_LABEL}", "([A-Za-z0-9]+)"`, "g"))].map((m) => m[1]);
    expect(tags(q.counters)).toEqual(Object.keys(COUNTER_SIGNALS));
    expect(tags(q.rates)).toEqual([...Object.keys(RATE_SIGNALS), "serverQueriesPerSecond"]);
    expect(tags(q.latency)).toEqual(Object.keys(LATENCY_SIGNALS));
  });

  it("every series selector carries the operator's selector; every aggregation keeps instance, pod and node", () => {
    for (const q of [
      ...Object.values(overviewQueries(scope)),
      nodeHistoryQuery(scope),
      clusterHistoryQuery(scope),
    ]) {
      const sels = selectors(q);
      expect(sels.length).toBeGreaterThan(3);
      for (const s of sels) expect(s.matchers).toContain('job=~".*node-local-dns.*"');
    }
    for (const q of Object.values(overviewQueries(scope)))
      for (const by of q.matchAll(/by \(([^)]*)\)/g))
        expect(by[1]!.startsWith("instance, pod, node")).toBe(true);
  });

  it("rates use the window; both generations: misses derived or read, proxy_* or forward_*", () => {
    const { rates, counters } = overviewQueries(scope);
    expect(rates).toContain('rate(coredns_dns_requests_total{job=~".*node-local-dns.*"}[2m])');
    expect(rates).toMatch(
      /clamp_min\(sum by \(instance, pod, node\) \(rate\(coredns_cache_requests_total.* - \(sum by \(instance, pod, node\) \(rate\(coredns_cache_hits_total.* or 0 \* .*\) or sum by \(instance, pod, node\) \(rate\(coredns_cache_misses_total/,
    );
    expect(rates).toMatch(
      /coredns_proxy_request_duration_seconds_count\{[^}]*proxy_name=~"forward\|"\}.* or .*coredns_forward_requests_total/,
    );
    expect(rates).toContain(
      '{job=~".*node-local-dns.*", __name__=~"coredns_(forward|proxy)_healthcheck_failures_total"}',
    );
    // Entries: the max over listen addresses per (zones, type), then summed — never summed across addresses.
    expect(counters).toContain(
      'sum by (instance, pod, node) (max by (instance, pod, node, zones, type) (coredns_cache_entries{job=~".*node-local-dns.*", type="success"}))',
    );
    expect(overviewQueries(scope).latency).toContain(
      'histogram_quantile(0.99, sum by (instance, pod, node, le) (rate(coredns_dns_request_duration_seconds_bucket{job=~".*node-local-dns.*"}[2m])))',
    );
  });

  it("one node's queries select exactly its key, absent labels as empty", () => {
    const m = keyMatchers({ instance: "10.0.0.1:9253", pod: "", node: 'we"ird' });
    expect(m).toEqual(['instance="10.0.0.1:9253"', 'pod=""', 'node="we\\"ird"']);
    const q = nodeBreakdownQuery({ ...scope, matchers: m });
    for (const s of selectors(q))
      expect(s.matchers).toContain('instance="10.0.0.1:9253", pod="", node="we\\"ird"');
    expect(q).toContain('zone!="dropped"');
  });

  it("the cluster's history sums rates, takes the worst p99 and the median p50", () => {
    const q = clusterHistoryQuery(scope);
    expect(q).toMatch(/label_replace\(max\(histogram_quantile\(0\.99,/);
    expect(q).toMatch(/label_replace\(quantile\(0\.5, histogram_quantile\(0\.5,/);
    expect(q).toMatch(
      /label_replace\(sum\(sum by \(instance, pod, node\) \(rate\(coredns_dns_requests_total/,
    );
  });
});

describe("fitRange", () => {
  it("a nice step about one per chart point, never finer than the scrape, window at least a step, aligned", () => {
    const end = 1_700_000_123_456;
    const r = fitRange({
      startMs: end - 15 * 60_000,
      endMs: end,
      points: 240,
      minStepSeconds: 1,
      windowSeconds: 5,
    });
    expect(r.stepSeconds).toBe(5); // 900 s / 240 = 3.75 → 5
    expect(r.windowSeconds).toBe(5);
    expect(r.startMs % 5000).toBe(0);
    expect(r.endMs % 5000).toBe(0);
    expect(r.endMs).toBeLessThanOrEqual(end);
    const hour = fitRange({
      startMs: end - 3_600_000,
      endMs: end,
      points: 240,
      minStepSeconds: 30,
      windowSeconds: 120,
    });
    expect(hour.stepSeconds).toBe(30);
    const day = fitRange({
      startMs: end - 86_400_000,
      endMs: end,
      points: 240,
      minStepSeconds: 30,
      windowSeconds: 120,
    });
    expect(day.stepSeconds).toBe(600); // 360 → 600
    expect(day.windowSeconds).toBe(600);
  });
});

const sample = (signal: string, labels: Record<string, string>, value: number): InstantSample => ({
  labels: { [SIGNAL_LABEL]: signal, ...labels },
  t: 1_700_000_000_000,
  value,
});
const n1 = { instance: "10.0.0.1:9253", pod: "node-local-dns-a", node: "n1" };
const n2 = { instance: "10.0.0.2:9253" };

describe("reshapeOverview", () => {
  const counters = [
    sample("requests", n1, 1000),
    sample("hits", n1, 600),
    sample("hitsSuccess", n1, 400),
    sample("hitsDenial", n1, 200),
    sample("misses", n1, 400),
    sample("entriesSuccess", n1, 20),
    sample("entriesDenial", n1, 30),
    sample("memoryBytes", n1, 3.2e7),
    sample("reloadFailed", n1, 1),
    sample("up", n1, 1),
    sample("scrapedAt", n1, 1_700_000_000.5),
    sample("version", { ...n1, version: "1.11.3" }, 1),
    sample("configHash", { ...n1, value: "abc" }, 1),
    // n2: the engine has the target but it is down: no CoreDNS series.
    sample("up", n2, 0),
  ];
  const rates = [
    sample("queriesPerSecond", n1, 10),
    sample("hitsPerSecond", n1, 6),
    sample("missesPerSecond", n1, 2),
    sample("responsesPerSecondByRcode", { ...n1, rcode: "NOERROR" }, 8),
    sample("responsesPerSecondByRcode", { ...n1, rcode: "SERVFAIL" }, 2),
    sample("serverQueriesPerSecond", { ...n1, server: "dns://169.254.20.10:53" }, 4),
    sample("serverQueriesPerSecond", { ...n1, server: "dns://10.96.0.10:53" }, 6),
  ];
  const latency = [sample("latencyP99", n1, 0.012), sample("latencyP50", n1, NaN)];

  it("one node per key with the scrape path's own shapes", () => {
    const out = reshapeOverview({ counters, rates, latency }, 120);
    expect(out).toHaveLength(2);
    const a = out.find((n) => n.key.node === "n1")!;
    expect(a.key).toEqual(n1);
    expect(a.up).toBe(1);
    expect(a.scrapedAt).toBe(1_700_000_000_500);
    expect(a.scrape?.corednsVersion).toBe("1.11.3");
    expect(a.scrape?.configHash).toBe("abc");
    expect(a.scrape?.counters).toMatchObject({
      requests: 1000,
      hits: 600,
      misses: 400,
      cacheRequests: 1000,
      reloadFailed: 1,
    });
    expect(a.scrape?.entries).toEqual({ success: 20, denial: 30, total: 50 });
    expect(a.rates).toMatchObject({
      intervalSeconds: 120,
      reset: false,
      queriesPerSecond: 10,
      hitRatio: 0.75,
      responsesPerSecondByRcode: { NOERROR: 8, SERVFAIL: 2 },
      latencyP99: 0.012,
      // NaN (no request in the window) is "unknown", not a number.
      latencyP50: null,
      evictionsPerSecond: 0,
    });
    expect(a.listenAddressRates).toEqual({ "dns://169.254.20.10:53": 4, "dns://10.96.0.10:53": 6 });
    const b = out.find((n) => n.key.instance === "10.0.0.2:9253")!;
    expect(b).toMatchObject({ up: 0, scrape: null, rates: null, key: { pod: "", node: "" } });
  });
});

describe("reshapeBreakdown and reshapeHistory", () => {
  it("server blocks by zone (requests carry `zone`, caches `zones`), listen addresses by server", () => {
    const out = reshapeBreakdown([
      sample("zoneQueriesPerSecond", { ...n1, zone: "." }, 3),
      sample("zoneQueriesPerSecond", { ...n1, zone: "cluster.local." }, 7),
      sample("zoneHitsPerSecond", { ...n1, zones: "cluster.local." }, 5),
      sample("zoneMissesPerSecond", { ...n1, zones: "cluster.local." }, 1),
      sample("zoneEntries", { ...n1, zones: "cluster.local." }, 47),
      // 1.7.0: no zones label on cache series, so no per-zone cache split.
      sample("zoneHitsPerSecond", n1, 9),
      sample("serverQueriesPerSecond", { ...n1, server: "dns://169.254.20.10:53" }, 10),
    ]);
    expect(out.zones).toEqual([
      {
        zone: "cluster.local.",
        queriesPerSecond: 7,
        hitsPerSecond: 5,
        missesPerSecond: 1,
        hitRatio: 5 / 6,
        entries: 47,
      },
      { zone: ".", queriesPerSecond: 3, hitsPerSecond: 0, missesPerSecond: 0, hitRatio: null, entries: 0 },
    ]);
    expect(out.serverRates).toEqual({ "dns://169.254.20.10:53": 10 });
  });

  it("history points line up by time, gaps are null, hit ratio from hits and misses per point", () => {
    const series = (signal: string, points: [number, number][]) => ({
      labels: { [SIGNAL_LABEL]: signal, ...n1 },
      points: points.map(([t, value]) => ({ t, value })),
    });
    const out = reshapeHistory(
      [
        series("queriesPerSecond", [
          [1000, 10],
          [2000, 12],
        ]),
        series("hitsPerSecond", [
          [1000, 3],
          [2000, 9],
        ]),
        series("missesPerSecond", [
          [1000, 1],
          [2000, 3],
        ]),
        series("latencyP99", [[2000, NaN]]),
        series("notASignal", [[3000, 1]]),
      ],
      HISTORY_SIGNALS,
    );
    expect(out.map((p) => p.t)).toEqual([1000, 2000]);
    expect(out[0]).toMatchObject({
      queriesPerSecond: 10,
      hitRatio: 0.75,
      latencyP99: null,
      memoryBytes: null,
    });
    expect(out[1]).toMatchObject({ queriesPerSecond: 12, hitRatio: 0.75 });
    expect(Object.keys(out[0]!).sort()).toEqual(["t", ...HISTORY_SIGNALS].sort());
  });
});

describe("series to nodes", () => {
  const node = (name: string, internalIP: string | null): ClusterNode => ({
    name,
    internalIP,
    ready: true,
    unschedulable: false,
    kubeletVersion: "v1.30.0",
    conditions: [],
  });
  const pod = (name: string, nodeName: string, podIP: string | null): CachePod => ({
    name,
    namespace: "kube-system",
    nodeName,
    scheduled: true,
    podIP,
    phase: "Running",
    ready: true,
    status: podIP ? "Running" : "ContainerCreating",
    restarts: 0,
    startedAt: null,
    createdAt: "2026-01-01T00:00:00Z",
    image: null,
    metricsPort: 9253,
    deleting: false,
    templateHash: null,
  });
  const engineNode = (
    key: Partial<{ instance: string; pod: string; node: string }>,
    up = 1,
    scrape: unknown = {},
  ) => ({
    key: { instance: "", pod: "", node: "", ...key },
    up,
    scrape,
    scrapedAt: 1,
  });
  const nodes = [
    node("n1", "10.0.0.1"),
    node("n2", "10.0.0.2"),
    node("n3", "fd00::3"),
    node("n4", "10.0.0.4"),
    node("n5", "10.0.0.5"),
    node("n6", "10.0.0.6"),
    node("n7", "10.0.0.7"),
  ];
  const pods = [
    pod("nld-1", "n1", "10.0.0.1"),
    pod("nld-2", "n2", "10.0.0.2"),
    pod("nld-3", "n3", "fd00::3"),
    pod("nld-4", "n4", "10.0.0.4"),
    pod("nld-5", "n5", null),
    pod("nld-6", "n6", "10.0.0.6"),
  ];
  const series = [
    engineNode({ instance: "whatever:1", node: "n1" }),
    engineNode({ instance: "elsewhere:1", pod: "nld-2" }),
    engineNode({ instance: "[fd00::3]:9253" }),
    engineNode({ instance: "10.0.0.6:9253" }, 0, null),
    engineNode({ instance: "10.9.9.9:9253" }),
  ];
  const m = matchSeriesToNodes(nodes, pods, series, '{job=~".*node-local-dns.*"}');

  it("by node label, by pod label, by instance address (IPv6 too)", () => {
    expect(m.get("n1")).toMatchObject({ matchedBy: "node", series: series[0], why: null });
    expect(m.get("n2")).toMatchObject({ matchedBy: "pod", series: series[1], why: null });
    expect(m.get("n3")).toMatchObject({ matchedBy: "instance", series: series[2], why: null });
  });

  it("nodes without series say why; a node without a pod needs no reason", () => {
    expect(m.get("n4")?.series).toBeNull();
    expect(m.get("n4")?.why).toBe(
      'no series for pod IP 10.0.0.4 (pod nld-4, node n4) under selector {job=~".*node-local-dns.*"} — the engine does not scrape this pod: check the PodMonitor or scrape config (deploy/prometheus) and the selector',
    );
    expect(m.get("n5")?.why).toMatch(/^pod nld-5 has no IP yet \(ContainerCreating\)/);
    expect(m.get("n6")?.why).toMatch(/^the engine cannot scrape 10\.0\.0\.6:9253 \(up == 0\)/);
    expect(m.get("n7")).toEqual({ series: null, matchedBy: null, why: null });
  });

  it("of several series for a node, the current pod's wins", () => {
    const old = engineNode({ instance: "10.0.0.1:9253", pod: "nld-old", node: "n1" });
    const current = engineNode({ instance: "10.0.0.1:9253", pod: "nld-1", node: "n1" });
    expect(matchSeriesToNodes(nodes, pods, [old, current], "{}").get("n1")?.series).toBe(current);
  });

  it("instanceHost", () => {
    expect(instanceHost("10.0.0.1:9253")).toBe("10.0.0.1");
    expect(instanceHost("[fd00::1]:9253")).toBe("fd00::1");
    expect(instanceHost("fd00::1")).toBe("fd00::1");
    expect(instanceHost("node-a")).toBe("node-a");
  });
});
