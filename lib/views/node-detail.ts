import "server-only";
import type { NodeDetailResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { reachability } from "@/lib/coredns/reachability";
import { interceptionNow } from "./interception";
import { nodeNotFound, nodeRow } from "./nodes";

/**
 * GET /api/nodes/{node}: one node's latest numbers and its history per signal, server block and
 * address; its conditions. Its cache pod's Events are apart (GET /api/nodes/{node}/events,
 * node-events.ts): they ask the API server, and the numbers are in memory.
 */
export async function nodeDetailView(
  d: Dashboard,
  nodeName: string,
  sinceMs = 0,
): Promise<NodeDetailResponse> {
  const interception = await interceptionNow(d);
  const row = nodeRow(d, nodeName, interception?.redirect);
  if (!row) {
    throw nodeNotFound(nodeName);
  }
  const m = d.metrics.latest(nodeName);
  const [blockHistory, addressHistory, history] = await Promise.all([
    d.metrics.serverBlockHistory(nodeName, sinceMs),
    d.metrics.listenAddressHistory(nodeName, sinceMs),
    d.metrics.nodeHistory(nodeName, sinceMs),
  ]);
  const node = d.inventory.snapshot().nodes.find((n) => n.name === nodeName);
  const historyOf = new Map(blockHistory.map((b) => [b.zone, b.history]));
  return {
    generatedAt: new Date().toISOString(),
    node: row,
    scrapeIntervalMs: d.metrics.status().intervalMs,
    serverBlocks: (m?.serverBlockRates ?? []).map((z) => ({ ...z, history: historyOf.get(z.zone) ?? [] })),
    reachability: m?.rates ? reachability(m.listenAddressRates, interception?.redirect) : null,
    interception: interception?.json ?? null,
    listenAddresses: addressHistory,
    history,
    upstream: m?.rates
      ? {
          requestsPerSecond: m.rates.upstreamPerSecond,
          healthcheckFailuresPerSecond: m.rates.upstreamHealthcheckFailuresPerSecond,
          brokenTotal: m.scrape?.counters.upstreamBroken ?? null,
        }
      : null,
    configHash: m?.scrape?.configHash ?? null,
    setupErrors: m?.scrape?.setupErrors ?? null,
    conditions: node?.conditions ?? [],
  };
}
