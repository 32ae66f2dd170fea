import "server-only";
import type { NodeNamesResponse, NodeRow, NodesResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import type { InventorySnapshot } from "@/lib/k8s/inventory";
import { conditionAlerts } from "@/lib/k8s/reshape";
import type { ClusterNode } from "@/lib/k8s/types";
import { cacheHitRatio } from "@/lib/coredns/node-record";
import { reachability } from "@/lib/coredns/reachability";
import { interceptionNow, type InterceptionNow } from "./interception";

/**
 * Every node's row (shared by the list, the overview and the cluster view). `redirect`: in the Cilium
 * LRP layout, the redirect policies (interceptionNow); without it reachability is judged by address.
 */
export function nodeRows(d: Dashboard, redirect?: InterceptionNow["redirect"]): readonly NodeRow[] {
  const inv = d.inventory.snapshot();
  const shared = sharedRows(d, inv, redirect);
  if (shared) return shared;
  const rows = buildNodeRows(d, inv, redirect);
  memo.set(d, { inv, redirect, at: Date.now(), rows });
  return rows;
}

/**
 * The last build of the rows while it may be shared. At 5,000 nodes building the rows is the costly
 * part of an answer, and every browser asks every 2 s: rows younger than ROWS_FRESH_MS are shared
 * while the cluster (pods, nodes) is unchanged. A pod replaced or a node added shows at once; a
 * number read in the last second may wait a second.
 */
function sharedRows(
  d: Dashboard,
  inv: InventorySnapshot,
  redirect: InterceptionNow["redirect"] | undefined,
): readonly NodeRow[] | null {
  const m = memo.get(d);
  return m && m.inv === inv && m.redirect === redirect && Date.now() - m.at < ROWS_FRESH_MS ? m.rows : null;
}

/** The 404 of a node the cluster does not have (its page, its Events). */
export function nodeNotFound(name: string): DashboardError {
  return new DashboardError(
    404,
    `node "${name}" not found in the cluster — it may have been removed; go back to the node list`,
  );
}

/** How long one build of the rows is shared (well under the browser's 2 s refresh). */
const ROWS_FRESH_MS = 1000;
const memo = new WeakMap<
  Dashboard,
  { inv: unknown; redirect: InterceptionNow["redirect"] | undefined; at: number; rows: readonly NodeRow[] }
>();

function buildNodeRows(
  d: Dashboard,
  inv: InventorySnapshot,
  redirect: InterceptionNow["redirect"] | undefined,
): NodeRow[] {
  const nodes = inv.nodes.map((n) => unjudgedRow(d, inv, n, redirect));
  const judged = d.judgements.judge(nodes, d.metrics, d.metrics.status().lastRoundAt, {
    podStartedAt: (node) => inv.podByNode.get(node)?.startedAt ?? null,
    memoryLimitBytes: inv.daemonSet?.memoryLimitBytes ?? null,
    now: new Date(),
  });
  for (const r of nodes) {
    const j = judged.get(r.node);
    if (j) {
      r.oddOneOut = j.oddOneOut;
      r.health = j.health;
    }
  }
  return nodes;
}

/**
 * One node's row, for its own page: its numbers as of now, and the odd-node marks and health of the
 * last judgement when that is at most two scrape intervals old. Building every row (and judging
 * them) to show one took 35–240 ms at 5,000 nodes, each time the shared rows were a second old.
 * Null when the cluster has no such node.
 */
export function nodeRow(d: Dashboard, name: string, redirect?: InterceptionNow["redirect"]): NodeRow | null {
  const inv = d.inventory.snapshot();
  const shared = sharedRows(d, inv, redirect);
  if (shared) return shared.find((r) => r.node === name) ?? null;
  const node = inv.nodes.find((n) => n.name === name);
  if (!node) return null;
  const judged = d.judgements.recent(name, 2 * d.metrics.status().intervalMs);
  if (!judged) return nodeRows(d, redirect).find((r) => r.node === name) ?? null;
  return { ...unjudgedRow(d, inv, node, redirect), oddOneOut: judged.oddOneOut, health: judged.health };
}

/** A node's row before the cluster-wide judgement (odd-node marks, health) is applied. */
function unjudgedRow(
  d: Dashboard,
  inv: InventorySnapshot,
  n: ClusterNode,
  redirect: InterceptionNow["redirect"] | undefined,
): NodeRow {
  const pod = inv.podByNode.get(n.name) ?? null;
  // Numbers belong to the pod that made them: right after a pod is replaced (a rollout) the node's
  // newest numbers are still the old pod's, and must not be shown beside the new pod's name.
  const latest = d.metrics.latest(n.name);
  const m = latest && pod && latest.pod === pod.name ? latest : undefined;
  const scrape = m?.scrape ?? null;
  const c = scrape?.counters;
  return {
    node: n.name,
    nodeReady: n.ready,
    nodeConditions: conditionAlerts(n.conditions),
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
    health: { state: "unknown", reasons: [], since: new Date().toISOString() },
    ...rowReachability(m, redirect),
  };
}

function rowReachability(
  m: { rates: unknown; listenAddressRates: Record<string, number> } | undefined,
  redirect: InterceptionNow["redirect"],
): Pick<NodeRow, "reachability" | "redirectPolicy"> {
  if (!m?.rates) return { reachability: null, redirectPolicy: null };
  const r = reachability(m.listenAddressRates, redirect);
  const p = r.verdict === "redirected" ? r.redirectPolicy : null;
  return { reachability: r.verdict, redirectPolicy: p ? `${p.namespace}/${p.name}` : null };
}

/** GET /api/nodes: every node with its node-local-dns pod and that pod's latest numbers, from memory. */
export async function nodesView(d: Dashboard): Promise<NodesResponse> {
  const interception = await interceptionNow(d);
  return { ...nodesMeta(d, interception), nodes: [...nodeRows(d, interception?.redirect)] };
}

/** GET /api/nodes?fields=names: the cluster's node names in the overview's order, nothing else. */
export function nodeNamesView(d: Dashboard): NodeNamesResponse {
  const inv = d.inventory.snapshot();
  return { generatedAt: new Date().toISOString(), names: inv.nodes.map((n) => n.name) };
}

/** Everything `/api/nodes` answers beside the rows (shared with `/api/overview`). */
export function nodesMeta(d: Dashboard, interception: InterceptionNow | null): Omit<NodesResponse, "nodes"> {
  const inv = d.inventory.snapshot();
  const status = d.metrics.status();
  return {
    generatedAt: new Date().toISOString(),
    apiServer: d.apiServer,
    context: d.context,
    synced: inv.synced,
    apiProblem: inv.apiProblem,
    daemonSet: inv.daemonSet,
    scrapeIntervalMs: status.intervalMs,
    lastRoundAt: status.lastRoundAt,
    metricsSource: { ...d.metrics.source, problem: status.problem },
    interception: interception?.json ?? null,
  };
}
