import "server-only";
import type { NodeDetailResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import { reachability } from "@/lib/coredns/reachability";
import { nodeRows } from "./nodes";

/** GET /api/nodes/{node}: one node's latest numbers and its history per signal, server block and address. */
export function nodeDetailView(d: Dashboard, nodeName: string, sinceMs = 0): NodeDetailResponse {
  const row = nodeRows(d).find((r) => r.node === nodeName);
  if (!row) {
    throw new DashboardError(
      404,
      `node "${nodeName}" not found in the cluster — it may have been removed; go back to the node list`,
    );
  }
  const m = d.collector.node(nodeName);
  return {
    generatedAt: new Date().toISOString(),
    node: row,
    scrapeIntervalMs: d.collector.status().intervalMs,
    zones: (m?.zoneRates ?? []).map((z) => ({
      ...z,
      history: m?.zoneHistory.get(z.zone)?.points(sinceMs) ?? [],
    })),
    reachability: m?.rates ? reachability(m.serverRates) : null,
    servers: [...(m?.serverHistory.entries() ?? [])].map(([server, ring]) => ({
      server,
      history: ring.points(sinceMs),
    })),
    history: m?.history.points(sinceMs) ?? [],
    upstream: m?.rates
      ? {
          requestsPerSecond: m.rates.upstreamPerSecond,
          healthcheckFailuresPerSecond: m.rates.upstreamHealthcheckFailuresPerSecond,
          brokenTotal: m.scrape?.counters.upstreamBroken ?? null,
        }
      : null,
    configHash: m?.scrape?.configHash ?? null,
    setupErrors: m?.scrape?.setupErrors ?? null,
  };
}
