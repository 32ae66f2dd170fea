import "server-only";
import type { ClusterResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { aggregateCluster } from "@/lib/coredns/aggregate";
import { nodeRows } from "./nodes";

/** GET /api/cluster: cluster-wide aggregates now, and their history. */
export async function clusterView(d: Dashboard, sinceMs = 0): Promise<ClusterResponse> {
  const rows = nodeRows(d);
  const shown = new Set(rows.map((r) => r.node));
  // First, so a failed history read shows in this answer's metricsSource.problem.
  const history = await d.metrics.clusterHistory(sinceMs);
  const live = d.metrics.allLatest().filter((n) => !n.error && shown.has(n.node));
  return {
    generatedAt: new Date().toISOString(),
    nodes: rows.length,
    nodesWithPod: rows.filter((r) => r.pod).length,
    podsReady: rows.filter((r) => r.podReady).length,
    scrapeErrors: rows.filter((r) => r.error).length,
    metricsSource: { ...d.metrics.source, problem: d.metrics.status().problem },
    aggregate: aggregateCluster(live),
    history,
    historyBytes: d.metrics.status().historyBytes,
  };
}
