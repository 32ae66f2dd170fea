import type { NodeRow } from "@/lib/api-types";
import { cacheHitRatio } from "@/lib/coredns/node-record";

/** Whole-cluster numbers for the overview cards, from the node rows. Pure. */
export interface ClusterSummary {
  nodes: number;
  nodesWithPod: number;
  podsReady: number;
  queriesPerSecond: number;
  hitRatio: number | null;
  entries: number;
  scrapeErrors: number;
  /** Nodes with a reachability verdict (two scrapes of a pod), and those whose pods reach the cache. */
  reachKnown: number;
  reached: number;
  /** Nodes whose cache no pod reaches: no queries, or (LRP layout) no redirect policy. */
  unreached: number;
}

/** Verdicts that mean pods' kube-dns queries arrive at this cache. */
const REACHED = new Set<NodeRow["reachability"]>(["transparent", "redirected"]);

export function summarizeCluster(rows: readonly NodeRow[]): ClusterSummary {
  let hits = 0;
  let misses = 0;
  let qps = 0;
  let entries = 0;
  for (const r of rows) {
    hits += r.cache?.hits ?? 0;
    misses += r.cache?.misses ?? 0;
    entries += r.cache?.entries ?? 0;
    qps += r.rates?.queriesPerSecond ?? 0;
  }
  return {
    nodes: rows.length,
    nodesWithPod: rows.filter((r) => r.pod).length,
    podsReady: rows.filter((r) => r.podReady).length,
    queriesPerSecond: qps,
    hitRatio: cacheHitRatio(hits, misses),
    entries,
    scrapeErrors: rows.filter((r) => r.error).length,
    reachKnown: rows.filter((r) => r.reachability !== null).length,
    reached: rows.filter((r) => REACHED.has(r.reachability)).length,
    unreached: rows.filter((r) => r.reachability === "no-traffic" || r.reachability === "no-redirect-policy")
      .length,
  };
}
