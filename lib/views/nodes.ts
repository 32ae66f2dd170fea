import "server-only";
import type { NodeRow, NodesResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { podForNode } from "@/lib/k8s/reshape";
import type { HistorySignal } from "@/lib/metrics/history";
import { cacheHitRatio } from "@/lib/coredns/node-record";
import { findOutliers, type OutlierSignal } from "@/lib/coredns/outliers";
import { reachability } from "@/lib/coredns/reachability";

/** A node as the odd-one-out check sees it: its row and its recent history (noisy signals are smoothed). */
interface OddCandidate {
  row: NodeRow;
  recent: (signal: HistorySignal) => number | null;
}

/** About a minute of scrapes at the default interval: one slow query must not flag a node. */
const SMOOTH_POINTS = 12;

/** What makes a node the odd one out, in the operator's words. */
const ODD_SIGNALS: OutlierSignal<OddCandidate>[] = [
  { name: "hit ratio", value: (c) => c.row.cache?.hitRatio ?? null, bad: "low", minDelta: 0.1 },
  { name: "p99 latency", value: (c) => c.recent("latencyP99"), bad: "high", minDelta: 0.02 },
  { name: "SERVFAIL", value: (c) => c.recent("servfailPerSecond"), bad: "high", minDelta: 0.05 },
  { name: "evictions", value: (c) => c.recent("evictionsPerSecond"), bad: "high", minDelta: 0.5 },
  {
    name: "upstream failures",
    value: (c) => c.recent("upstreamHealthcheckFailuresPerSecond"),
    bad: "high",
    minDelta: 0.01,
  },
  { name: "memory", value: (c) => c.row.memoryBytes, bad: "high", minDelta: 20 * 1024 * 1024 },
];

/** Every node's row (shared by the list, the detail and the cluster view). */
export function nodeRows(d: Dashboard): NodeRow[] {
  const inv = d.inventory.snapshot();
  const nodes: NodeRow[] = inv.nodes.map((n) => {
    const pod = podForNode(inv.pods, n.name);
    // Numbers belong to the pod that made them: right after a pod is replaced (a rollout) the node's
    // newest numbers are still the old pod's, and must not be shown beside the new pod's name.
    const latest = d.metrics.latest(n.name);
    const m = latest && pod && latest.pod === pod.name ? latest : undefined;
    const scrape = m?.scrape ?? null;
    const c = scrape?.counters;
    return {
      node: n.name,
      nodeReady: n.ready,
      internalIP: n.internalIP,
      pod: pod?.name ?? null,
      podReady: pod?.ready ?? false,
      podStatus: pod?.status ?? null,
      restarts: pod?.restarts ?? 0,
      corednsVersion: scrape?.corednsVersion ?? null,
      image: pod?.image ?? null,
      cache:
        scrape && c
          ? {
              hits: c.hits,
              misses: c.misses,
              entries: scrape.entries.total,
              entriesSuccess: scrape.entries.success,
              entriesDenial: scrape.entries.denial,
              hitRatio: cacheHitRatio(c.hits, c.misses),
              requests: c.requests,
            }
          : null,
      rates: m?.rates ?? null,
      memoryBytes: scrape?.memoryBytes ?? null,
      transport: m?.transport ?? null,
      lastScrapeAt: m?.lastScrapeAt ?? null,
      error: m?.error ? { message: m.error.message, at: m.error.at } : null,
      oddOneOut: [],
      reachability: m?.rates ? reachability(m.listenAddressRates).verdict : null,
    };
  });
  const candidates = nodes.map((row) => ({
    row,
    recent: (signal: HistorySignal) => d.metrics.recentMedian(row.node, signal, SMOOTH_POINTS),
  }));
  const odd = findOutliers(candidates, (c) => c.row.node, ODD_SIGNALS);
  for (const r of nodes) r.oddOneOut = odd.get(r.node) ?? [];
  return nodes;
}

/** GET /api/nodes: every node with its node-local-dns pod and that pod's latest numbers, from memory. */
export function nodesView(d: Dashboard): NodesResponse {
  const inv = d.inventory.snapshot();
  const status = d.metrics.status();
  const nodes = nodeRows(d);
  return {
    generatedAt: new Date().toISOString(),
    apiServer: d.apiServer,
    context: d.context,
    synced: inv.synced,
    apiProblem: inv.apiProblem,
    daemonSet: inv.daemonSet,
    scrapeIntervalMs: status.intervalMs,
    lastRoundAt: status.lastRoundAt,
    nodes,
  };
}
