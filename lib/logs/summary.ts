/**
 * The panels beside the live log table: top names, top clients, rcode mix, errors per node, slowest
 * queries, and how much traffic is search-path expansion (ndots:5). Pure, over the lines in view.
 */
import { errorCount, isSearchPathExpansion } from "./parse";
import type { CorednsLogLine, QueryLogLine } from "./types";

export interface LogRow {
  id: number;
  node: string;
  pod: string;
  time: string | null;
  line: CorednsLogLine;
}

export interface LogSummary {
  queries: number;
  topNames: { key: string; count: number }[];
  topClients: { key: string; count: number }[];
  rcodes: { key: string; count: number }[];
  errorsByNode: { key: string; count: number }[];
  slowest: { node: string; name: string; type: string; durationSeconds: number; rcode: string | null }[];
  searchPathExpansions: number;
  searchPathShare: number | null;
}

export function summarizeLogs(rows: readonly LogRow[], top = 8): LogSummary {
  const names = new Map<string, number>();
  const clients = new Map<string, number>();
  const rcodes = new Map<string, number>();
  const errors = new Map<string, number>();
  const slow: (QueryLogLine & { node: string })[] = [];
  let queries = 0;
  let expansions = 0;
  for (const r of rows) {
    const l = r.line;
    const errs = errorCount(l);
    if (errs > 0) errors.set(r.node, (errors.get(r.node) ?? 0) + errs);
    if (l.kind !== "query") continue;
    queries++;
    bump(names, l.name);
    bump(clients, l.clientIp);
    bump(rcodes, l.rcode ?? "- (no response)");
    if (isSearchPathExpansion(l.name) && l.rcode === "NXDOMAIN") expansions++;
    insertSlowest(slow, { ...l, node: r.node }, top);
  }
  return {
    queries,
    topNames: topOf(names, top),
    topClients: topOf(clients, top),
    rcodes: topOf(rcodes, 20),
    errorsByNode: topOf(errors, 50),
    slowest: slow.map((s) => ({
      node: s.node,
      name: s.name,
      type: s.type,
      durationSeconds: s.durationSeconds,
      rcode: s.rcode,
    })),
    searchPathExpansions: expansions,
    searchPathShare: queries > 0 ? expansions / queries : null,
  };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function topOf(m: Map<string, number>, n: number): { key: string; count: number }[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([key, count]) => ({ key, count }));
}

function insertSlowest<T extends { durationSeconds: number }>(list: T[], item: T, n: number): void {
  if (list.length === n && (list[n - 1] as T).durationSeconds >= item.durationSeconds) return;
  let i = list.findIndex((x) => x.durationSeconds < item.durationSeconds);
  if (i < 0) i = list.length;
  list.splice(i, 0, item);
  if (list.length > n) list.pop();
}
