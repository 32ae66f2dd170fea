/**
 * The overview's compact wire form (`GET /api/overview`): the node rows the overview shows, as
 * columns (lib/overview/columns.ts) instead of one JSON object per row. Pure; shared by the server
 * (lib/views/overview.ts) and the browser (lib/overview/apply.ts). `/api/nodes` keeps serving every
 * row in full; both are built from the same `nodeRows`, this is only a second encoding of them.
 */
import type { HealthReason, HealthState, NodeHealth, NodeRow } from "@/lib/api-types";
import { cacheHitRatio } from "@/lib/coredns/node-record";
import type { MetricsTransport } from "@/lib/metrics/store";
import {
  decodeBooleans,
  decodeDict,
  decodeNames,
  decodeNumbers,
  encodeBooleans,
  encodeDict,
  encodeNames,
  encodeNumbers,
  UNCHANGED,
  WireError,
  type DictColumn,
  type Unchanged,
} from "./columns";

/**
 * What the overview reads of a node's row (its table, filters, sort keys, banner and cards). A
 * `NodeRow` is one, so the table, `sortRows` and `filterRows` take either.
 */
export interface OverviewRow {
  node: string;
  nodeReady: boolean;
  /** The node's conditions that are not nominal, e.g. "MemoryPressure=True". */
  nodeConditions: string[];
  pod: string | null;
  podReady: boolean;
  podStatus: string | null;
  restarts: number;
  corednsVersion: string | null;
  image: string | null;
  cache: { hits: number; misses: number; entries: number; hitRatio: number | null } | null;
  rates: {
    queriesPerSecond: number;
    evictionsPerSecond: number;
    latencyP99: number | null;
    responsesPerSecondByRcode: { SERVFAIL?: number };
  } | null;
  memoryBytes: number | null;
  transport: MetricsTransport | null;
  lastScrapeAt: string | null;
  error: { message: string; at: string } | null;
  oddOneOut: string[];
  health: NodeHealth;
  reachability: NodeRow["reachability"];
  redirectPolicy: string | null;
}

/** The overview's part of a full row: exactly the fields above, nothing else. */
export function overviewRow(r: OverviewRow | NodeRow): OverviewRow {
  const servfail = r.rates?.responsesPerSecondByRcode.SERVFAIL;
  return {
    node: r.node,
    nodeReady: r.nodeReady,
    nodeConditions: [...r.nodeConditions],
    pod: r.pod,
    podReady: r.podReady,
    podStatus: r.podStatus,
    restarts: r.restarts,
    corednsVersion: r.corednsVersion,
    image: r.image,
    cache: r.cache
      ? { hits: r.cache.hits, misses: r.cache.misses, entries: r.cache.entries, hitRatio: r.cache.hitRatio }
      : null,
    rates: r.rates
      ? {
          queriesPerSecond: r.rates.queriesPerSecond,
          evictionsPerSecond: r.rates.evictionsPerSecond,
          latencyP99: r.rates.latencyP99,
          responsesPerSecondByRcode: servfail === undefined ? {} : { SERVFAIL: servfail },
        }
      : null,
    memoryBytes: r.memoryBytes,
    transport: r.transport,
    lastScrapeAt: r.lastScrapeAt,
    error: r.error ? { message: r.error.message, at: r.error.at } : null,
    oddOneOut: [...r.oddOneOut],
    health: {
      state: r.health.state,
      reasons: r.health.reasons.map((x) => ({ code: x.code, severity: x.severity, message: x.message })),
      since: r.health.since,
    },
    reachability: r.reachability,
    redirectPolicy: r.redirectPolicy,
  };
}

// ---- The row as flat cells, one per column ----

type Kind = "name" | "bool" | "number" | "time" | "dict";

/** One cell of a flat row: times are ms since the epoch, dictionary cells any JSON value. */
export type Cell = string | number | boolean | null | readonly unknown[];

/** The columns of a table, in this order; `name` is the wire key. */
export const FIELDS = [
  { name: "node", kind: "name" },
  { name: "nodeReady", kind: "bool" },
  { name: "pod", kind: "name" },
  { name: "podReady", kind: "bool" },
  { name: "podStatus", kind: "dict" },
  { name: "restarts", kind: "number" },
  { name: "version", kind: "dict" },
  { name: "image", kind: "dict" },
  // Null when the pod's numbers have not been read: the row has no `cache`.
  { name: "hits", kind: "number" },
  { name: "misses", kind: "number" },
  { name: "entries", kind: "number" },
  // No hit ratio: it is hits / (hits + misses), as the server computes it (nodeRows), derived again.
  // Null when there are no rates yet: the row has no `rates`.
  { name: "qps", kind: "number" },
  { name: "evictions", kind: "number" },
  // Null when the pod has never answered SERVFAIL (no such key in the full row).
  { name: "servfail", kind: "number" },
  { name: "p99", kind: "number" },
  { name: "memory", kind: "number" },
  { name: "transport", kind: "dict" },
  { name: "scrapedAt", kind: "time" },
  { name: "error", kind: "dict" },
  { name: "errorAt", kind: "time" },
  { name: "odd", kind: "dict" },
  { name: "health", kind: "dict" },
  { name: "reasons", kind: "dict" },
  { name: "healthSince", kind: "time" },
  { name: "conditions", kind: "dict" },
  { name: "reached", kind: "dict" },
  { name: "redirect", kind: "dict" },
] as const satisfies readonly { name: string; kind: Kind }[];

export type FieldName = (typeof FIELDS)[number]["name"];
export const FIELD_INDEX = Object.fromEntries(FIELDS.map((f, i) => [f.name, i])) as Record<FieldName, number>;

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (t: Cell): string | null => (t === null ? null : new Date(t as number).toISOString());

/** A row's cells in `FIELDS` order. */
export function flatten(r: OverviewRow): Cell[] {
  return [
    r.node,
    r.nodeReady,
    r.pod,
    r.podReady,
    r.podStatus,
    r.restarts,
    r.corednsVersion,
    r.image,
    r.cache?.hits ?? null,
    r.cache?.misses ?? null,
    r.cache?.entries ?? null,
    r.rates?.queriesPerSecond ?? null,
    r.rates?.evictionsPerSecond ?? null,
    r.rates?.responsesPerSecondByRcode.SERVFAIL ?? null,
    r.rates?.latencyP99 ?? null,
    r.memoryBytes,
    r.transport,
    ms(r.lastScrapeAt),
    r.error?.message ?? null,
    ms(r.error?.at ?? null),
    r.oddOneOut,
    r.health.state,
    r.health.reasons,
    ms(r.health.since),
    r.nodeConditions,
    r.reachability,
    r.redirectPolicy,
  ];
}

/** The row of `flatten`'s cells (times back to ISO strings, as the server wrote them). */
export function unflatten(c: readonly Cell[]): OverviewRow {
  const at = (f: FieldName) => c[FIELD_INDEX[f]] ?? null;
  const num = (f: FieldName) => at(f) as number | null;
  const str = (f: FieldName) => at(f) as string | null;
  const hits = num("hits");
  const qps = num("qps");
  const servfail = num("servfail");
  const error = str("error");
  return {
    node: str("node") as string,
    nodeReady: at("nodeReady") as boolean,
    nodeConditions: [...((at("conditions") as string[] | null) ?? [])],
    pod: str("pod"),
    podReady: at("podReady") as boolean,
    podStatus: str("podStatus"),
    restarts: num("restarts") as number,
    corednsVersion: str("version"),
    image: str("image"),
    cache:
      hits === null
        ? null
        : {
            hits,
            misses: num("misses") as number,
            entries: num("entries") as number,
            hitRatio: cacheHitRatio(hits, num("misses") as number),
          },
    rates:
      qps === null
        ? null
        : {
            queriesPerSecond: qps,
            evictionsPerSecond: num("evictions") as number,
            latencyP99: num("p99"),
            responsesPerSecondByRcode: servfail === null ? {} : { SERVFAIL: servfail },
          },
    memoryBytes: num("memory"),
    transport: str("transport") as MetricsTransport | null,
    lastScrapeAt: iso(at("scrapedAt")),
    error: error === null ? null : { message: error, at: iso(at("errorAt")) as string },
    oddOneOut: [...(at("odd") as string[])],
    health: {
      state: str("health") as HealthState,
      reasons: (at("reasons") as HealthReason[]).map((x) => ({ ...x })),
      since: iso(at("healthSince")) as string,
    },
    reachability: str("reached") as NodeRow["reachability"],
    redirectPolicy: str("redirect"),
  };
}

// ---- Tables: rows of cells as columns ----

/**
 * Rows as columns. `at` (ms since the epoch) is what times are counted back from: a time cell is
 * `at - t`, a few digits. A column no row changed is left out of a refresh.
 */
export type TableJson = { n: number; at: number } & Partial<Record<FieldName, string | DictColumn<unknown>>>;

/** A row of cells of which some may be left as the browser has them (never the name). */
export type PartialCells = (Cell | Unchanged)[];

export function encodeTable(rows: readonly (readonly (Cell | Unchanged)[])[], at: number): TableJson {
  const table: TableJson = { n: rows.length, at };
  FIELDS.forEach((f, i) => {
    const cells = rows.map((r) => r[i] as Cell | Unchanged);
    // A column nobody changed costs nothing (the name column is always there).
    if (i > 0 && cells.every((c) => c === UNCHANGED)) return;
    switch (f.kind) {
      case "name":
        table[f.name] = encodeNames(cells as (string | null | Unchanged)[]);
        break;
      case "bool":
        table[f.name] = encodeBooleans(cells as (boolean | Unchanged)[]);
        break;
      case "number":
        table[f.name] = encodeNumbers(cells as (number | null | Unchanged)[]);
        break;
      case "time":
        table[f.name] = encodeNumbers(
          cells.map((c) => (c === UNCHANGED || c === null ? c : at - (c as number))),
        );
        break;
      case "dict":
        table[f.name] = encodeDict(cells);
        break;
    }
  });
  return table;
}

export function decodeTable(table: TableJson): PartialCells[] {
  const n = table.n;
  if (!Number.isInteger(n) || n < 0) throw new WireError(`bad row count ${String(n)}`);
  const columns = FIELDS.map((f, i): (Cell | Unchanged)[] => {
    const col = table[f.name];
    if (col === undefined) {
      if (i === 0) throw new WireError("a table without its node column");
      return new Array<Unchanged>(n).fill(UNCHANGED);
    }
    if (f.kind === "dict") {
      if (typeof col !== "object") throw new WireError(`column ${f.name} is not a dictionary`);
      return decodeDict(col as DictColumn<Cell>, n);
    }
    if (typeof col !== "string") throw new WireError(`column ${f.name} is not a string`);
    switch (f.kind) {
      case "name":
        return decodeNames(col, n);
      case "bool":
        return decodeBooleans(col, n);
      case "number":
        return decodeNumbers(col, n);
      case "time":
        return decodeNumbers(col, n).map((c) => (c === UNCHANGED || c === null ? c : table.at - c));
    }
  });
  const rows: PartialCells[] = [];
  for (let r = 0; r < n; r++) rows.push(columns.map((c) => c[r] as Cell | Unchanged));
  for (const r of rows) if (typeof r[0] !== "string") throw new WireError("a row without its node name");
  return rows;
}

// ---- The answer of GET /api/overview ----

/** The whole-cluster numbers of the overview's cards and banner, from every row on the server. */
export interface OverviewSummary {
  nodes: number;
  nodesWithPod: number;
  podsReady: number;
  queriesPerSecond: number;
  hitRatio: number | null;
  entries: number;
  scrapeErrors: number;
  /** Nodes whose health is warning or critical, and of them critical. */
  unhealthy: number;
  critical: number;
  /** The first unhealthy node in name order, with its first reason: the banner's example. */
  example: { node: string; reason: string } | null;
  /** Nodes marked odd one out this round. */
  odd: number;
  /** Nodes with a reachability verdict (two scrapes of a pod), and those whose pods reach the cache. */
  reachKnown: number;
  reached: number;
  /** Nodes whose cache no pod reaches: no queries, or (LRP layout) no redirect policy. */
  unreached: number;
}
