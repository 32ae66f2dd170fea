/**
 * The PromQL for every signal the overview, the node page and the cluster charts show, written once for
 * both CoreDNS metric generations (see node-record.ts for the same rules applied to one scrape):
 * - misses: `cache_requests_total − cache_hits_total` where requests exist (≥1.8.5), else
 *   `cache_misses_total` (1.7.0); hit series are absent until the first hit, so they count as 0;
 * - upstream: `proxy_request_duration_seconds_count{proxy_name="forward"}` (≥1.11) else
 *   `forward_requests_total`; health-check failures from either family;
 * - entries: the same cache is reported under every listen address (`server` label) it is bound to,
 *   so the copies are deduplicated with `max` per (zones, type) before summing — never summed.
 * Every per-node expression aggregates `by (instance, pod, node)`: a handful of queries per refresh,
 * whatever the number of nodes. Several signals travel in one query, each tagged with a `nldd_signal`
 * label by `label_replace`. Pure.
 */
import { promDuration, series, type SelectorMatchers } from "../prometheus-api/selector";

/** The labels a node-local-dns series is told apart by (absent ones are empty, which PromQL groups fine). */
export const NODE_KEY_LABELS = ["instance", "pod", "node"] as const;
export type NodeKey = Record<(typeof NODE_KEY_LABELS)[number], string>;
/** The label each signal of a combined query carries. */
export const SIGNAL_LABEL = "nldd_signal";

export interface QueryScope {
  /** The operator's selector (DASHBOARD_PROMETHEUS_SELECTOR). */
  selector: SelectorMatchers;
  /** The rate() window in seconds. */
  windowSeconds: number;
  /** Extra matchers, e.g. one node's exact key labels for the node page. */
  matchers?: readonly string[];
}

type Expr = (s: QueryScope, by: string) => string;

const BY = NODE_KEY_LABELS.join(", ");
const sel = (s: QueryScope, metric: string, extra: readonly string[] = []) =>
  series(metric, s.selector, [...(s.matchers ?? []), ...extra]);
const win = (s: QueryScope) => `[${promDuration(s.windowSeconds)}]`;
const sumOf = (s: QueryScope, by: string, metric: string, extra: readonly string[] = []) =>
  `sum by (${by}) (${sel(s, metric, extra)})`;
const rateOf = (s: QueryScope, by: string, metric: string, extra: readonly string[] = []) =>
  `sum by (${by}) (rate(${sel(s, metric, extra)}${win(s)}))`;

/** `a − b`, with b absent counted as 0 (hit series appear only after the first hit), clamped at 0. */
const minusOrZero = (a: string, b: string) => `clamp_min(${a} - (${b} or 0 * ${a}), 0)`;

const misses =
  (rate: boolean): Expr =>
  (s, by) => {
    const f = rate ? rateOf : sumOf;
    return `(${minusOrZero(f(s, by, "coredns_cache_requests_total"), f(s, by, "coredns_cache_hits_total"))}) or ${f(s, by, "coredns_cache_misses_total")}`;
  };

/** Entries of every cache once: max over the listen addresses a cache is reported under, then summed. */
const entries =
  (type?: "success" | "denial"): Expr =>
  (s, by) =>
    `sum by (${by}) (max by (${by}, zones, type) (${sel(s, "coredns_cache_entries", type ? [`type="${type}"`] : [])}))`;

const quantile =
  (q: number, family: string): Expr =>
  (s, by) =>
    `histogram_quantile(${q}, sum by (${by}, le) (rate(${sel(s, `${family}_bucket`)}${win(s)})))`;

const upstreamRate: Expr = (s, by) =>
  `${rateOf(s, by, "coredns_proxy_request_duration_seconds_count", ['proxy_name=~"forward|"'])} or ${rateOf(s, by, "coredns_forward_requests_total")}`;

const healthcheckFailures: Expr = (s, by) =>
  rateOf(s, by, "", ['__name__=~"coredns_(forward|proxy)_healthcheck_failures_total"']);

/** Cumulative counters and gauges now (cache numbers since the pod started, as the scrape shows them). */
export const COUNTER_SIGNALS = {
  requests: (s, by) => sumOf(s, by, "coredns_dns_requests_total"),
  hits: (s, by) => sumOf(s, by, "coredns_cache_hits_total"),
  hitsSuccess: (s, by) => sumOf(s, by, "coredns_cache_hits_total", ['type="success"']),
  hitsDenial: (s, by) => sumOf(s, by, "coredns_cache_hits_total", ['type="denial"']),
  misses: misses(false),
  entriesSuccess: entries("success"),
  entriesDenial: entries("denial"),
  memoryBytes: (s, by) => `max by (${by}) (${sel(s, "process_resident_memory_bytes")})`,
  reloadFailed: (s, by) => sumOf(s, by, "coredns_reload_failed_total"),
  upstreamBroken: (s, by) => sumOf(s, by, "coredns_forward_healthcheck_broken_total"),
  /** The engine's own verdict on the target: 0 = it could not scrape the pod. */
  up: (s, by) => `max by (${by}) (${sel(s, "up")})`,
  /** When the engine last scraped the target (seconds since the epoch). */
  scrapedAt: (s, by) => `max by (${by}) (timestamp(${sel(s, "up")}))`,
  /** Carries the `version` label. */
  version: (s, by) => `max by (${by}, version) (${sel(s, "coredns_build_info")})`,
  /** Carries the `value` label: the Corefile hash the reload plugin saw last. */
  configHash: (s, by) => `max by (${by}, value) (${sel(s, "coredns_reload_version_info")})`,
} satisfies Record<string, Expr>;

/** Per-second rates over the window (counter resets handled by the engine's rate()). */
export const RATE_SIGNALS = {
  queriesPerSecond: (s, by) => rateOf(s, by, "coredns_dns_requests_total"),
  hitsPerSecond: (s, by) => rateOf(s, by, "coredns_cache_hits_total"),
  missesPerSecond: misses(true),
  hitsSuccessPerSecond: (s, by) => rateOf(s, by, "coredns_cache_hits_total", ['type="success"']),
  hitsDenialPerSecond: (s, by) => rateOf(s, by, "coredns_cache_hits_total", ['type="denial"']),
  evictionsPerSecond: (s, by) => rateOf(s, by, "coredns_cache_evictions_total"),
  prefetchesPerSecond: (s, by) => rateOf(s, by, "coredns_cache_prefetch_total"),
  servedStalePerSecond: (s, by) => rateOf(s, by, "coredns_cache_served_stale_total"),
  /** Carries the `rcode` label. */
  responsesPerSecondByRcode: (s, by) => rateOf(s, `${by}, rcode`, "coredns_dns_responses_total"),
  upstreamPerSecond: upstreamRate,
  upstreamHealthcheckFailuresPerSecond: healthcheckFailures,
} satisfies Record<string, Expr>;

/** Latency quantiles over the window, per node. */
export const LATENCY_SIGNALS = {
  latencyP50: quantile(0.5, "coredns_dns_request_duration_seconds"),
  latencyP90: quantile(0.9, "coredns_dns_request_duration_seconds"),
  latencyP99: quantile(0.99, "coredns_dns_request_duration_seconds"),
  upstreamLatencyP99: (s, by) =>
    `${quantile(0.99, "coredns_proxy_request_duration_seconds")(s, by)} or ${quantile(0.99, "coredns_forward_request_duration_seconds")(s, by)}`,
} satisfies Record<string, Expr>;

/** Per server block: DNS requests carry `zone`, the cache families `zones`. */
export const ZONE_SIGNALS = {
  zoneQueriesPerSecond: (s, by) =>
    rateOf(s, `${by}, zone`, "coredns_dns_requests_total", ['zone!="dropped"']),
  zoneHitsPerSecond: (s, by) => rateOf(s, `${by}, zones`, "coredns_cache_hits_total"),
  zoneMissesPerSecond: (s, by) => misses(true)(s, `${by}, zones`),
  zoneEntries: (s, by) =>
    `sum by (${by}, zones) (max by (${by}, zones, type) (${sel(s, "coredns_cache_entries")}))`,
} satisfies Record<string, Expr>;

/** Per listen address (`server` label). */
export const SERVER_SIGNALS = {
  serverQueriesPerSecond: (s, by) => rateOf(s, `${by}, server`, "coredns_dns_requests_total"),
} satisfies Record<string, Expr>;

export type CounterSignal = keyof typeof COUNTER_SIGNALS;
export type RateSignal = keyof typeof RATE_SIGNALS;
export type LatencySignal = keyof typeof LATENCY_SIGNALS;

/** One query answering several signals per node, each series tagged `nldd_signal="<name>"`. */
export function combinedQuery(signals: Record<string, Expr>, scope: QueryScope, by: string = BY): string {
  return Object.entries(signals)
    .map(([name, expr]) => `label_replace(${expr(scope, by)}, "${SIGNAL_LABEL}", "${name}", "", "")`)
    .join("\nor\n");
}

/** The queries one overview refresh sends (instant, all nodes at once). */
export function overviewQueries(scope: QueryScope): { counters: string; rates: string; latency: string } {
  return {
    counters: combinedQuery(COUNTER_SIGNALS, scope),
    rates: combinedQuery({ ...RATE_SIGNALS, ...SERVER_SIGNALS }, scope),
    latency: combinedQuery(LATENCY_SIGNALS, scope),
  };
}

/**
 * The history of one node (scope.matchers picks it) as one range query: every signal the node page
 * charts except hit ratio, which the reshape computes from hits and misses per point.
 */
export function nodeHistoryQuery(scope: QueryScope): string {
  const {
    responsesPerSecondByRcode: _byRcode,
    hitsSuccessPerSecond: _s,
    hitsDenialPerSecond: _d,
    ...rates
  } = RATE_SIGNALS;
  return combinedQuery(
    {
      ...rates,
      ...rcodeSignals,
      ...LATENCY_SIGNALS,
      entries: entries(),
      memoryBytes: COUNTER_SIGNALS.memoryBytes,
    },
    scope,
  );
}

const rcodeSignals = {
  nxdomainPerSecond: (s, by) => rateOf(s, by, "coredns_dns_responses_total", ['rcode="NXDOMAIN"']),
  servfailPerSecond: (s, by) => rateOf(s, by, "coredns_dns_responses_total", ['rcode="SERVFAIL"']),
  refusedPerSecond: (s, by) => rateOf(s, by, "coredns_dns_responses_total", ['rcode="REFUSED"']),
} satisfies Record<string, Expr>;

/**
 * Cluster-wide history as one range query: rates summed over nodes, the worst node's p99 and the median
 * node's p50 (quantiles do not add up), entries and memory summed — the same as aggregate.ts does now.
 */
export function clusterHistoryQuery(scope: QueryScope): string {
  const perNode = (e: Expr) => e(scope, BY);
  const total = (e: Expr) => `sum(${perNode(e)})`;
  const parts: Record<string, string> = {
    queriesPerSecond: total(RATE_SIGNALS.queriesPerSecond),
    hitsPerSecond: total(RATE_SIGNALS.hitsPerSecond),
    missesPerSecond: total(RATE_SIGNALS.missesPerSecond),
    entries: total(entries()),
    evictionsPerSecond: total(RATE_SIGNALS.evictionsPerSecond),
    prefetchesPerSecond: total(RATE_SIGNALS.prefetchesPerSecond),
    servedStalePerSecond: total(RATE_SIGNALS.servedStalePerSecond),
    nxdomainPerSecond: total(rcodeSignals.nxdomainPerSecond),
    servfailPerSecond: total(rcodeSignals.servfailPerSecond),
    refusedPerSecond: total(rcodeSignals.refusedPerSecond),
    latencyP50: `quantile(0.5, ${perNode(LATENCY_SIGNALS.latencyP50)})`,
    latencyP99: `max(${perNode(LATENCY_SIGNALS.latencyP99)})`,
    upstreamPerSecond: total(RATE_SIGNALS.upstreamPerSecond),
    upstreamHealthcheckFailuresPerSecond: total(RATE_SIGNALS.upstreamHealthcheckFailuresPerSecond),
    memoryBytes: total(COUNTER_SIGNALS.memoryBytes),
  };
  return Object.entries(parts)
    .map(([name, expr]) => `label_replace(${expr}, "${SIGNAL_LABEL}", "${name}", "", "")`)
    .join("\nor\n");
}

/** One node's server blocks and listen addresses now (instant) or over time (range). */
export function nodeBreakdownQuery(scope: QueryScope): string {
  return combinedQuery({ ...ZONE_SIGNALS, ...SERVER_SIGNALS }, scope);
}

/** Matchers that select exactly the series of one node key (an absent label matches `=""`). */
export function keyMatchers(key: NodeKey): string[] {
  return NODE_KEY_LABELS.map((l) => `${l}=${JSON.stringify(key[l])}`);
}

/** Nice steps, in seconds, a chart's range query is rounded up to (so refreshes hit the same grid). */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/**
 * The step and aligned range for a chart `points` wide: about one point per pixel column pair, never
 * finer than `minStepSeconds` (the engine's scrape interval — finer points repeat the same sample), and
 * the rate() window at least one step so no sample falls between points.
 */
export function fitRange(opts: {
  startMs: number;
  endMs: number;
  points: number;
  minStepSeconds: number;
  windowSeconds: number;
}): { startMs: number; endMs: number; stepSeconds: number; windowSeconds: number } {
  const span = Math.max(1, (opts.endMs - opts.startMs) / 1000);
  const want = Math.max(opts.minStepSeconds, span / Math.max(1, opts.points));
  const step = NICE_STEPS.find((s) => s >= want) ?? Math.ceil(want / 86400) * 86400;
  const stepMs = step * 1000;
  return {
    startMs: Math.floor(opts.startMs / stepMs) * stepMs,
    endMs: Math.floor(opts.endMs / stepMs) * stepMs,
    stepSeconds: step,
    windowSeconds: Math.max(opts.windowSeconds, step),
  };
}
