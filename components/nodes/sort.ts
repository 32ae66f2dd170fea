import type { OverviewRow } from "@/lib/api-types";
import { compareNames } from "@/lib/format";
import { HEALTH_RANK } from "./node-filter";

/** Columns the node table sorts by; the names appear in shareable URLs (?sort=hitRatio&dir=asc). */
export const SORT_KEYS = {
  node: (r: OverviewRow) => r.node,
  status: (r: OverviewRow) => (r.pod ? (r.podReady ? 1 : 0) : -1),
  health: (r: OverviewRow) => HEALTH_RANK[r.health.state],
  version: (r: OverviewRow) => r.corednsVersion ?? "",
  qps: (r: OverviewRow) => r.rates?.queriesPerSecond ?? -1,
  hitRatio: (r: OverviewRow) => r.cache?.hitRatio ?? -1,
  hits: (r: OverviewRow) => r.cache?.hits ?? -1,
  misses: (r: OverviewRow) => r.cache?.misses ?? -1,
  entries: (r: OverviewRow) => r.cache?.entries ?? -1,
  evictions: (r: OverviewRow) => r.rates?.evictionsPerSecond ?? -1,
  servfail: (r: OverviewRow) => r.rates?.responsesPerSecondByRcode.SERVFAIL ?? -1,
  p99: (r: OverviewRow) => r.rates?.latencyP99 ?? -1,
  memory: (r: OverviewRow) => r.memoryBytes ?? -1,
  restarts: (r: OverviewRow) => r.restarts,
} satisfies Record<string, (r: OverviewRow) => string | number>;

export type SortKey = keyof typeof SORT_KEYS;
export type SortDir = "asc" | "desc";

export function isSortKey(v: string | null): v is SortKey {
  return v !== null && Object.hasOwn(SORT_KEYS, v);
}

export function sortRows<R extends OverviewRow>(rows: readonly R[], key: SortKey, dir: SortDir): R[] {
  const get = SORT_KEYS[key];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    const c = typeof x === "number" && typeof y === "number" ? x - y : compareNames(String(x), String(y));
    return c !== 0 ? sign * c : compareNames(a.node, b.node);
  });
}
