import "server-only";
import type { NodeRow, NodesResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { podForNode } from "@/lib/k8s/reshape";
import { cacheHitRatio } from "@/lib/metrics/node-record";

/** GET /api/nodes: every node with its node-local-dns pod and that pod's latest numbers, from memory. */
export function nodesView(d: Dashboard): NodesResponse {
  const inv = d.inventory.snapshot();
  const status = d.collector.status();
  const nodes: NodeRow[] = inv.nodes.map((n) => {
    const pod = podForNode(inv.pods, n.name);
    const m = d.collector.node(n.name);
    const scrape = m && pod && m.pod === pod.name ? m.scrape : m?.scrape ?? null;
    const c = scrape?.counters;
    return {
      node: n.name,
      nodeReady: n.ready,
      internalIP: n.internalIP,
      pod: pod?.name ?? null,
      ready: pod?.ready ?? false,
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
    };
  });
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
