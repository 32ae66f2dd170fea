import type { NodeRow } from "@/lib/api-types";
import { HEALTH_RANK } from "./node-filter";

/** Columns the node table sorts by; the names appear in shareable URLs (?sort=hitRatio&dir=asc). */
export const SORT_KEYS = {
  node: (r: NodeRow) => r.node,
  status: (r: NodeRow) => (r.pod ? (r.podReady ? 1 : 0) : -1),
  health: (r: NodeRow) => HEALTH_RANK[r.health.state],
  version: (r: NodeRow) => r.corednsVersion ?? "",
  qps: (r: NodeRow) => r.rates?.queriesPerSecond ?? -1,
  hitRatio: (r: NodeRow) => r.cache?.hitRatio ?? -1,
  hits: (r: NodeRow) => r.cache?.hits ?? -1,
  misses: (r: NodeRow) => r.cache?.misses ?? -1,
  entries: (r: NodeRow) => r.cache?.entries ?? -1,
  evictions: (r: NodeRow) => r.rates?.evictionsPerSecond ?? -1,
  servfail: (r: NodeRow) => r.rates?.responsesPerSecondByRcode.SERVFAIL ?? -1,
  p99: (r: NodeRow) => r.rates?.latencyP99 ?? -1,
  memory: (r: NodeRow) => r.memoryBytes ?? -1,
  restarts: (r: NodeRow) => r.restarts,
} satisfies Record<string, (r: NodeRow) => string | number>;

export type SortKey = keyof typeof SORT_KEYS;
export type SortDir = "asc" | "desc";

export function isSortKey(v: string | null): v is SortKey {
  return v !== null && Object.hasOwn(SORT_KEYS, v);
}

export function sortRows(rows: readonly NodeRow[], key: SortKey, dir: SortDir): NodeRow[] {
  const get = SORT_KEYS[key];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    const c =
      typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x).localeCompare(String(y), undefined, { numeric: true });
    return c !== 0 ? sign * c : a.node.localeCompare(b.node, undefined, { numeric: true });
  });
}
