import "server-only";
import type { NodeDetailResponse, PodEventsJson } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import { reachability } from "@/lib/coredns/reachability";
import { interceptionNow } from "./interception";
import { nodeRow } from "./nodes";

/**
 * GET /api/nodes/{node}: one node's latest numbers and its history per signal, server block and
 * address; its conditions; its cache pod's recent Events. `eventsRefused`: why the person may not
 * list events (the page shows that in place of the Events), null when they may.
 */
export async function nodeDetailView(
  d: Dashboard,
  nodeName: string,
  sinceMs = 0,
  eventsRefused: string | null = null,
): Promise<NodeDetailResponse> {
  const interception = await interceptionNow(d);
  const row = nodeRow(d, nodeName, interception?.redirect);
  if (!row) {
    throw new DashboardError(
      404,
      `node "${nodeName}" not found in the cluster — it may have been removed; go back to the node list`,
    );
  }
  const m = d.metrics.latest(nodeName);
  const [blockHistory, addressHistory, history, podEvents] = await Promise.all([
    d.metrics.serverBlockHistory(nodeName, sinceMs),
    d.metrics.listenAddressHistory(nodeName, sinceMs),
    d.metrics.nodeHistory(nodeName, sinceMs),
    podEventsOf(d, row.pod, eventsRefused),
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
    podEvents,
  };
}

async function podEventsOf(d: Dashboard, pod: string | null, refused: string | null): Promise<PodEventsJson> {
  if (refused) {
    return {
      pod,
      events: [],
      readAt: null,
      problem: { status: 403, message: `you may not read events: ${refused}` },
    };
  }
  if (!pod) return { pod: null, events: [], readAt: null, problem: null };
  const r = await d.podEvents.read(pod);
  const problem =
    r.problem?.status === 403
      ? { status: 403, message: `the dashboard may not read events: ${r.problem.message}` }
      : r.problem;
  return { pod, events: r.events, readAt: r.readAt, problem };
}
