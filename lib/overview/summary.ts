import { cacheHitRatio } from "@/lib/coredns/node-record";
import type { OverviewRow, OverviewSummary } from "./wire";

/** Verdicts that mean pods' kube-dns queries arrive at this cache. */
const REACHED = new Set<OverviewRow["reachability"]>(["transparent", "redirected"]);

/**
 * Whole-cluster numbers for the overview's cards and health banner, from every node's row. Pure; the
 * server computes them once per answer of `/api/overview` from the rows it holds in full, so the
 * browser needs no row it does not show to know them.
 */
export function summarizeCluster(rows: readonly OverviewRow[]): OverviewSummary {
  let hits = 0;
  let misses = 0;
  let qps = 0;
  let entries = 0;
  let unhealthy = 0;
  let critical = 0;
  let odd = 0;
  let example: OverviewSummary["example"] = null;
  for (const r of rows) {
    hits += r.cache?.hits ?? 0;
    misses += r.cache?.misses ?? 0;
    entries += r.cache?.entries ?? 0;
    qps += r.rates?.queriesPerSecond ?? 0;
    if (r.health.state === "critical" || r.health.state === "warning") {
      const first = r.health.reasons[0];
      if (unhealthy === 0 && first) example = { node: r.node, reason: first.message };
      unhealthy++;
      if (r.health.state === "critical") critical++;
    }
    if (r.oddOneOut.length > 0) odd++;
  }
  return {
    nodes: rows.length,
    nodesWithPod: rows.filter((r) => r.pod).length,
    podsReady: rows.filter((r) => r.podReady).length,
    queriesPerSecond: qps,
    hitRatio: cacheHitRatio(hits, misses),
    entries,
    scrapeErrors: rows.filter((r) => r.error).length,
    unhealthy,
    critical,
    example,
    odd,
    reachKnown: rows.filter((r) => r.reachability !== null).length,
    reached: rows.filter((r) => REACHED.has(r.reachability)).length,
    unreached: rows.filter((r) => r.reachability === "no-traffic" || r.reachability === "no-redirect-policy")
      .length,
  };
}
