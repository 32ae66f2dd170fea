/**
 * Which nodes' logs a Logs page follows. Following every pod's log through the API server does not
 * scale to thousands of nodes (one upstream stream per pod), so a stream follows every node only up to
 * a default number (DASHBOARD_LOG_FOLLOW_MAX); in a larger cluster it follows the first that many nodes
 * by name unless the request names nodes, and a request may name more than the default up to a hard
 * cap (DASHBOARD_LOG_FOLLOW_CAP), beyond which it is refused. The stream tells the browser which it
 * is, so the page can say "following 50 of 5,000 nodes". Pure.
 */
import { DashboardError } from "@/lib/errors";
import type { CachePod } from "@/lib/k8s/types";
import { compileLogFilter, type CompiledLogFilter, type LogFilter } from "./filter";
import type { LogFollowing } from "./types";

/** What a stream follows; `nodes` null means every node, also nodes that join later. */
export type FollowChoice =
  { ok: true; nodes: ReadonlySet<string> | null; following: LogFollowing } | { ok: false; reason: string };

/** The nodes whose node-local-dns pods could be followed, by name. */
export function followableNodes(pods: readonly CachePod[]): string[] {
  const nodes = new Set<string>();
  for (const p of pods) if (p.nodeName) nodes.add(p.nodeName);
  return [...nodes].sort(byName);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The nodes a stream follows: `requested` (the request's `node=` list; null when it names none),
 * at most `cap` of them; without a request, every node of `cluster` when there are at most `max`,
 * else the first `max` by name.
 */
export function chooseFollowedNodes(
  cluster: readonly string[],
  requested: ReadonlySet<string> | null,
  max: number,
  cap: number,
): FollowChoice {
  const total = cluster.length;
  const hardCap = Math.max(cap, max);
  if (requested !== null && requested.size > 0) {
    if (requested.size > hardCap)
      return {
        ok: false,
        reason:
          `${requested.size} nodes chosen, but one log stream follows at most ${hardCap} ` +
          "(DASHBOARD_LOG_FOLLOW_CAP): choose fewer nodes, or narrow the list to the ones you are investigating",
      };
    const nodes = [...requested].sort(byName);
    return {
      ok: true,
      nodes: requested,
      following: {
        mode: "chosen",
        nodes,
        following: nodes.length,
        total,
        max,
        message: `following ${count(nodes.length)} chosen of ${count(total)}`,
      },
    };
  }
  if (total <= max)
    return {
      ok: true,
      nodes: null,
      following: {
        mode: "all",
        nodes: null,
        following: total,
        total,
        max,
        message: `following all ${count(total)}`,
      },
    };
  const nodes = [...cluster].sort(byName).slice(0, max);
  return {
    ok: true,
    nodes: new Set(nodes),
    following: {
      mode: "first",
      nodes,
      following: max,
      total,
      max,
      message:
        `following ${max} of ${count(total)} (the first ${max} by name; DASHBOARD_LOG_FOLLOW_MAX) — ` +
        "choose nodes to follow others",
    },
  };
}

function count(n: number): string {
  return `${n.toLocaleString("en-US")} node${n === 1 ? "" : "s"}`;
}

/**
 * The filter a stream runs with the nodes it follows, and what it tells the browser about them.
 * Throws a 400 DashboardError past the cap (the filter itself is checked by compileLogFilter).
 */
export function followedLogFilter(
  query: LogFilter,
  pods: readonly CachePod[],
  limits: { max: number; cap: number },
): { filter: CompiledLogFilter; following: LogFollowing } {
  const requested = query.node.length > 0 ? new Set(query.node) : null;
  const choice = chooseFollowedNodes(followableNodes(pods), requested, limits.max, limits.cap);
  if (!choice.ok) throw new DashboardError(400, choice.reason);
  const nodes = choice.nodes === null ? [] : [...choice.nodes];
  return { filter: compileLogFilter({ ...query, node: nodes }), following: choice.following };
}
