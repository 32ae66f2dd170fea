import "server-only";
import type { ClusterResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { aggregateCluster } from "@/lib/coredns/aggregate";
import { nodeRows } from "./nodes";

/** GET /api/cluster: cluster-wide aggregates now, and their history. */
export function clusterView(d: Dashboard, sinceMs = 0): ClusterResponse {
  const rows = nodeRows(d);
  const live = d.collector.allNodes().filter((n) => !n.error && rows.some((r) => r.node === n.node));
  return {
    generatedAt: new Date().toISOString(),
    nodes: rows.length,
    nodesWithPod: rows.filter((r) => r.pod).length,
    podsReady: rows.filter((r) => r.ready).length,
    scrapeErrors: rows.filter((r) => r.error).length,
    aggregate: aggregateCluster(live),
    history: d.collector.clusterHistory.points(sinceMs),
    historyBytes: d.collector.status().historyBytes,
  };
}
