/**
 * PromQL answers (promql.ts's combined queries) reshaped into the dashboard's own node types — the same
 * NodeScrape/NodeRates/ZoneRates the scrape path builds, so views and aggregates do not care where the
 * numbers came from. Pure.
 */
import type { InstantSample, PromLabels, RangeSeries } from "../prometheus-api/types";
import type { HistoryPoint, HistorySignal, ZoneSignal } from "../metrics/history";
import { cacheHitRatio, type NodeScrape, type ServerBlockCounters } from "./node-record";
import type { NodeRates, ZoneRates } from "./rates";
import { NODE_KEY_LABELS, SIGNAL_LABEL, type NodeKey } from "./promql";

export function nodeKeyOf(labels: PromLabels): NodeKey {
  return { instance: labels.instance ?? "", pod: labels.pod ?? "", node: labels.node ?? "" };
}

/** A stable string for a node key. */
export function nodeKeyId(key: NodeKey): string {
  return NODE_KEY_LABELS.map((l) => key[l]).join("\u0000");
}

const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** Samples grouped by node key, then by signal; `extra` keeps the labels a signal carries (rcode, version…). */
interface Grouped {
  key: NodeKey;
  values: Map<string, number>;
  labelled: Map<string, { labels: PromLabels; value: number }[]>;
}

/** The signals whose extra labels matter (the rest are one number per node). */
const LABELLED = new Set(["version", "configHash", "responsesPerSecondByRcode", "serverQueriesPerSecond"]);

function group(samples: readonly InstantSample[], into: Map<string, Grouped>): void {
  for (const s of samples) {
    const signal = s.labels[SIGNAL_LABEL];
    if (!signal) continue;
    const key = nodeKeyOf(s.labels);
    const id = nodeKeyId(key);
    let g = into.get(id);
    if (!g) into.set(id, (g = { key, values: new Map(), labelled: new Map() }));
    g.values.set(signal, s.value);
    if (!LABELLED.has(signal)) continue;
    let list = g.labelled.get(signal);
    if (!list) g.labelled.set(signal, (list = []));
    list.push({ labels: s.labels, value: s.value });
  }
}

/** One node's numbers as the engine has them. */
export interface EngineNode {
  key: NodeKey;
  /** null when the engine has the target but no CoreDNS series from it (e.g. up == 0). */
  scrape: NodeScrape | null;
  /** null until the window holds two samples. */
  rates: NodeRates | null;
  /** The engine's `up` for the target: 1 scraped, 0 failing, null unknown (no `up` series under the selector). */
  up: number | null;
  /** When the engine last scraped it, ms since the epoch. */
  scrapedAt: number | null;
  /** Queries per second per listen address (`server` label). */
  listenAddressRates: Record<string, number>;
}

/** Reshape one overview refresh (counters, rates, latency answers) into one EngineNode per node key. */
export function reshapeOverview(
  answers: {
    counters: readonly InstantSample[];
    rates: readonly InstantSample[];
    latency: readonly InstantSample[];
  },
  windowSeconds: number,
): EngineNode[] {
  const byKey = new Map<string, Grouped>();
  group(answers.counters, byKey);
  group(answers.rates, byKey);
  group(answers.latency, byKey);
  return [...byKey.values()].map((g) => {
    const v = (name: string) => finite(g.values.get(name));
    const n = (name: string) => v(name) ?? 0;
    const hasCoredns = g.values.has("requests");
    const hits = n("hits");
    const misses = n("misses");
    const scrape: NodeScrape | null = hasCoredns
      ? {
          corednsVersion: g.labelled.get("version")?.[0]?.labels.version ?? null,
          counters: {
            requests: n("requests"),
            cacheRequests: hits + misses,
            hits,
            hitsSuccess: n("hitsSuccess"),
            hitsDenial: n("hitsDenial"),
            misses,
            evictions: 0,
            prefetches: 0,
            servedStale: 0,
            responsesByRcode: {},
            upstreamRequests: 0,
            upstreamHealthcheckFailures: 0,
            upstreamBroken: n("upstreamBroken"),
            reloadFailed: n("reloadFailed"),
            panics: 0,
          },
          entries: {
            success: n("entriesSuccess"),
            denial: n("entriesDenial"),
            total: n("entriesSuccess") + n("entriesDenial"),
          },
          latency: null,
          upstreamLatency: null,
          zones: [],
          requestsByServer: {},
          memoryBytes: v("memoryBytes"),
          configHash: g.labelled.get("configHash")?.[0]?.labels.value ?? null,
          // node-cache's own :9353 endpoint is a separate scrape target in most setups: not queried.
          setupErrors: null,
          sampleCount: 0,
        }
      : null;
    let rates: NodeRates | null = null;
    if (g.values.has("queriesPerSecond")) {
      const rcodes: Record<string, number> = {};
      for (const { labels, value } of g.labelled.get("responsesPerSecondByRcode") ?? [])
        if (labels.rcode !== undefined && Number.isFinite(value)) rcodes[labels.rcode] = value;
      rates = {
        intervalSeconds: windowSeconds,
        reset: false,
        queriesPerSecond: n("queriesPerSecond"),
        hitsPerSecond: n("hitsPerSecond"),
        missesPerSecond: n("missesPerSecond"),
        hitsSuccessPerSecond: n("hitsSuccessPerSecond"),
        hitsDenialPerSecond: n("hitsDenialPerSecond"),
        hitRatio: cacheHitRatio(n("hitsPerSecond"), n("missesPerSecond")),
        evictionsPerSecond: n("evictionsPerSecond"),
        prefetchesPerSecond: n("prefetchesPerSecond"),
        servedStalePerSecond: n("servedStalePerSecond"),
        responsesPerSecondByRcode: rcodes,
        upstreamPerSecond: n("upstreamPerSecond"),
        upstreamHealthcheckFailuresPerSecond: n("upstreamHealthcheckFailuresPerSecond"),
        latencyP50: v("latencyP50"),
        latencyP90: v("latencyP90"),
        latencyP99: v("latencyP99"),
        upstreamLatencyP99: v("upstreamLatencyP99"),
      };
    }
    const scrapedAt = v("scrapedAt");
    const listenAddressRates: Record<string, number> = {};
    for (const { labels, value } of g.labelled.get("serverQueriesPerSecond") ?? [])
      if (labels.server !== undefined && Number.isFinite(value)) listenAddressRates[labels.server] = value;
    return {
      listenAddressRates,
      key: g.key,
      scrape,
      rates,
      up: v("up"),
      scrapedAt: scrapedAt === null ? null : Math.round(scrapedAt * 1000),
    };
  });
}

/** One node's server blocks and listen addresses now, from nodeBreakdownQuery's instant answer. */
export function reshapeBreakdown(samples: readonly InstantSample[]): {
  zones: ZoneRates[];
  serverRates: Record<string, number>;
} {
  const zones = new Map<string, ServerBlockCounters & { hitsPerSecond: number; missesPerSecond: number }>();
  const zone = (name: string) => {
    let z = zones.get(name);
    if (!z)
      zones.set(
        name,
        (z = {
          zone: name,
          requests: 0,
          hits: 0,
          misses: 0,
          entries: 0,
          hitsPerSecond: 0,
          missesPerSecond: 0,
        }),
      );
    return z;
  };
  const serverRates: Record<string, number> = {};
  for (const s of samples) {
    const value = Number.isFinite(s.value) ? s.value : 0;
    switch (s.labels[SIGNAL_LABEL]) {
      case "zoneQueriesPerSecond":
        if (s.labels.zone) zone(s.labels.zone).requests += value;
        break;
      // 1.7.0's cache families have no `zones` label: no per-zone cache split there (as node-record.ts).
      case "zoneHitsPerSecond":
        if (s.labels.zones) zone(s.labels.zones).hitsPerSecond += value;
        break;
      case "zoneMissesPerSecond":
        if (s.labels.zones) zone(s.labels.zones).missesPerSecond += value;
        break;
      case "zoneEntries":
        if (s.labels.zones) zone(s.labels.zones).entries += value;
        break;
      case "serverQueriesPerSecond":
        if (s.labels.server !== undefined)
          serverRates[s.labels.server] = (serverRates[s.labels.server] ?? 0) + value;
        break;
    }
  }
  const out = [...zones.values()]
    .sort((a, b) => zoneOrder(a.zone) - zoneOrder(b.zone) || a.zone.localeCompare(b.zone))
    .map((z) => ({
      zone: z.zone,
      queriesPerSecond: z.requests,
      hitsPerSecond: z.hitsPerSecond,
      missesPerSecond: z.missesPerSecond,
      hitRatio: cacheHitRatio(z.hitsPerSecond, z.missesPerSecond),
      entries: z.entries,
    }));
  return { zones: out, serverRates };
}

function zoneOrder(zone: string): number {
  if (zone === ".") return 3;
  if (zone.endsWith("in-addr.arpa.")) return 1;
  if (zone.endsWith("ip6.arpa.")) return 2;
  return 0;
}

/** Points over time, oldest first, with every signal present in each (null where the engine had none). */
function pointsBySignal<S extends string>(
  series: readonly RangeSeries[],
  signals: readonly S[],
  pick: (labels: PromLabels) => S | null,
): ({ t: number } & Record<S, number | null>)[] {
  const byTime = new Map<number, { t: number } & Record<S, number | null>>();
  for (const s of series) {
    const signal = pick(s.labels);
    if (!signal) continue;
    for (const p of s.points) {
      let point = byTime.get(p.t);
      if (!point) {
        point = { t: p.t } as { t: number } & Record<S, number | null>;
        for (const name of signals) (point as Record<S, number | null>)[name] = null;
        byTime.set(p.t, point);
      }
      const prev = (point as Record<S, number | null>)[signal];
      const v = finite(p.value);
      (point as Record<S, number | null>)[signal] = v === null ? prev : (prev ?? 0) + v;
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/**
 * A node's (or the cluster's) history from nodeHistoryQuery/clusterHistoryQuery's matrix; hit ratio is
 * computed per point from hits and misses per second.
 */
export function reshapeHistory(
  series: readonly RangeSeries[],
  signals: readonly HistorySignal[],
): ({ t: number } & HistoryPoint)[] {
  const known = new Set<string>(signals);
  const points = pointsBySignal(series, signals, (l) => {
    const s = l[SIGNAL_LABEL];
    return s && known.has(s) ? (s as HistorySignal) : null;
  });
  for (const p of points) {
    const h = p.hitsPerSecond;
    const m = p.missesPerSecond;
    p.hitRatio = h === null && m === null ? null : cacheHitRatio(h ?? 0, m ?? 0);
  }
  return points;
}

/** Per server block and per listen address over time, from nodeBreakdownQuery's matrix. */
export function reshapeBreakdownHistory(series: readonly RangeSeries[]): {
  zones: Map<string, ({ t: number } & Record<ZoneSignal, number | null>)[]>;
  servers: Map<string, { t: number; queriesPerSecond: number | null }[]>;
} {
  const zoneSeries = new Map<string, RangeSeries[]>();
  const serverSeries = new Map<string, RangeSeries[]>();
  const add = (m: Map<string, RangeSeries[]>, k: string, s: RangeSeries) => {
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(s);
  };
  for (const s of series) {
    const signal = s.labels[SIGNAL_LABEL];
    if (signal === "serverQueriesPerSecond" && s.labels.server !== undefined)
      add(serverSeries, s.labels.server, s);
    else if (signal === "zoneQueriesPerSecond" && s.labels.zone) add(zoneSeries, s.labels.zone, s);
    else if (signal?.startsWith("zone") && s.labels.zones) add(zoneSeries, s.labels.zones, s);
  }
  const ZONE_NAMES = {
    zoneQueriesPerSecond: "queriesPerSecond",
    zoneHitsPerSecond: "hitsPerSecond",
    zoneMissesPerSecond: "missesPerSecond",
    zoneEntries: "entries",
  } as const satisfies Record<string, ZoneSignal>;
  const zoneSignals: ZoneSignal[] = [
    "queriesPerSecond",
    "hitRatio",
    "hitsPerSecond",
    "missesPerSecond",
    "entries",
  ];
  const zones = new Map<string, ({ t: number } & Record<ZoneSignal, number | null>)[]>();
  for (const [zone, list] of zoneSeries) {
    const points = pointsBySignal(
      list,
      zoneSignals,
      (l) => ZONE_NAMES[l[SIGNAL_LABEL] as keyof typeof ZONE_NAMES] ?? null,
    );
    for (const p of points)
      p.hitRatio =
        p.hitsPerSecond === null && p.missesPerSecond === null
          ? null
          : cacheHitRatio(p.hitsPerSecond ?? 0, p.missesPerSecond ?? 0);
    zones.set(zone, points);
  }
  const servers = new Map<string, { t: number; queriesPerSecond: number | null }[]>();
  for (const [server, list] of serverSeries)
    servers.set(
      server,
      pointsBySignal(list, ["queriesPerSecond"] as const, () => "queriesPerSecond"),
    );
  return { zones, servers };
}
