/**
 * One scrape of one node's CoreDNS, reshaped into the numbers the dashboard shows. Pure: takes the
 * parsed samples, understands both generations of CoreDNS metric names (coredns-facts.md §2):
 * - misses: `requests_total − hits_total` where requests exist (≥1.8.5), else `misses_total` (1.7.0);
 * - hit series are absent until the first hit (0, not "unknown");
 * - upstream requests: `forward_requests_total` (≤1.10) or `proxy_request_duration_seconds_count` (≥1.11);
 * - cache series carry `zones`/`view` from 1.9.1/1.10.0 on; before that the four caches share labels.
 */

/** The parts of a parsed sample this module reads (structurally a subset of lib/metrics Sample). */
export interface SampleLike {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Cumulative counters as the pod reports them; rates come from two of these (see rates.ts). */
export interface CacheCounters {
  /** DNS requests received (coredns_dns_requests_total). */
  requests: number;
  /** Requests that reached the cache plugin. */
  cacheRequests: number;
  hits: number;
  hitsSuccess: number;
  hitsDenial: number;
  misses: number;
  evictions: number;
  prefetches: number;
  servedStale: number;
  /** Responses by rcode name: NOERROR, NXDOMAIN, SERVFAIL, REFUSED... */
  responsesByRcode: Record<string, number>;
  upstreamRequests: number;
  upstreamHealthcheckFailures: number;
  upstreamBroken: number;
  reloadFailed: number;
  panics: number;
}

/** A cumulative histogram: `counts[i]` observations ≤ `bounds[i]` (last bound +Inf). */
export interface Histogram {
  bounds: number[];
  counts: number[];
  sum: number;
  count: number;
}

export interface ServerBlockCounters {
  /** Zone as CoreDNS labels it: "cluster.local.", "in-addr.arpa.", "ip6.arpa.", "." */
  zone: string;
  requests: number;
  hits: number;
  misses: number;
  entries: number;
}

export interface NodeScrape {
  corednsVersion: string | null;
  counters: CacheCounters;
  entries: { success: number; denial: number; total: number };
  latency: Histogram | null;
  upstreamLatency: Histogram | null;
  /** Per server-block zone. */
  zones: ServerBlockCounters[];
  /** DNS requests per listen address, e.g. "dns://10.96.0.10:53" → n. */
  requestsByServer: Record<string, number>;
  memoryBytes: number | null;
  /** coredns_reload_version_info's hash value: the last Corefile the reload plugin saw. */
  configHash: string | null;
  /**
   * node-cache's own `coredns_nodecache_setup_errors_total` by `errortype` (iptables, iptables_lock,
   * interface_add, interface_check, configmap): failures of its periodic interface/iptables setup.
   * It lives in the default registry, so it shows on the CoreDNS port too from CoreDNS 1.7.1 on;
   * null when absent (CoreDNS 1.7.0 keeps a private registry: the family is only on node-cache's :9353).
   */
  setupErrors: Record<string, number> | null;
  sampleCount: number;
}

const sum = (xs: Iterable<number>) => {
  let t = 0;
  for (const x of xs) if (Number.isFinite(x)) t += x;
  return t;
};

/**
 * Every sample name this module reads. The collector parses only these (`ParseOptions.families`)
 * and skips the rest of a dump unread; a name used below but missing here would read as absent
 * (tests/unit/node-record.test.ts checks the record is the same as from a full parse).
 */
export const NODE_RECORD_SAMPLE_NAMES: ReadonlySet<string> = new Set([
  "coredns_build_info",
  "coredns_cache_entries",
  "coredns_cache_evictions_total",
  "coredns_cache_hits_total",
  "coredns_cache_misses_total",
  "coredns_cache_prefetch_total",
  "coredns_cache_requests_total",
  "coredns_cache_served_stale_total",
  "coredns_dns_request_duration_seconds_bucket",
  "coredns_dns_request_duration_seconds_count",
  "coredns_dns_request_duration_seconds_sum",
  "coredns_dns_requests_total",
  "coredns_dns_responses_total",
  "coredns_forward_healthcheck_broken_total",
  "coredns_forward_healthcheck_failures_total",
  "coredns_forward_request_duration_seconds_bucket",
  "coredns_forward_request_duration_seconds_count",
  "coredns_forward_request_duration_seconds_sum",
  "coredns_forward_requests_total",
  "coredns_nodecache_setup_errors_total",
  "coredns_panics_total",
  "coredns_proxy_healthcheck_failures_total",
  "coredns_proxy_request_duration_seconds_bucket",
  "coredns_proxy_request_duration_seconds_count",
  "coredns_proxy_request_duration_seconds_sum",
  "coredns_reload_failed_total",
  "coredns_reload_version_info",
  "process_resident_memory_bytes",
]);

/**
 * Build the node record from one scrape's samples. `sampleCount` is how many sample lines the dump
 * had (more than `samples` when the parser skipped the families this module does not read).
 */
export function buildNodeScrape(samples: readonly SampleLike[], sampleCount = samples.length): NodeScrape {
  const by = new Map<string, SampleLike[]>();
  for (const s of samples) {
    let list = by.get(s.name);
    if (!list) by.set(s.name, (list = []));
    list.push(s);
  }
  const all = (name: string) => by.get(name) ?? [];
  const total = (name: string, filter?: (l: Record<string, string>) => boolean) =>
    sum(
      all(name)
        .filter((s) => !filter || filter(s.labels))
        .map((s) => s.value),
    );
  const has = (name: string) => by.has(name);

  const hitsSuccess = total("coredns_cache_hits_total", (l) => l.type === "success");
  const hitsDenial = total("coredns_cache_hits_total", (l) => l.type === "denial");
  const hits = hitsSuccess + hitsDenial;
  const cacheRequests = has("coredns_cache_requests_total")
    ? total("coredns_cache_requests_total")
    : hits + total("coredns_cache_misses_total");
  const misses = has("coredns_cache_requests_total")
    ? Math.max(0, cacheRequests - hits)
    : total("coredns_cache_misses_total");

  const responsesByRcode: Record<string, number> = {};
  for (const s of all("coredns_dns_responses_total")) {
    const rcode = s.labels.rcode ?? "";
    responsesByRcode[rcode] = (responsesByRcode[rcode] ?? 0) + s.value;
  }

  const upstreamRequests = has("coredns_proxy_request_duration_seconds_count")
    ? total("coredns_proxy_request_duration_seconds_count", (l) => (l.proxy_name ?? "forward") === "forward")
    : total("coredns_forward_requests_total");

  const entries = cacheEntries(all("coredns_cache_entries"));
  const entriesSuccess = sum(entries.filter((e) => e.type === "success").map((e) => e.value));
  const entriesDenial = sum(entries.filter((e) => e.type === "denial").map((e) => e.value));

  const requestsByServer: Record<string, number> = {};
  for (const s of all("coredns_dns_requests_total")) {
    const server = s.labels.server ?? "";
    requestsByServer[server] = (requestsByServer[server] ?? 0) + s.value;
  }

  return {
    corednsVersion: all("coredns_build_info")[0]?.labels.version ?? null,
    counters: {
      requests: total("coredns_dns_requests_total"),
      cacheRequests,
      hits,
      hitsSuccess,
      hitsDenial,
      misses,
      evictions: total("coredns_cache_evictions_total"),
      prefetches: total("coredns_cache_prefetch_total"),
      servedStale: total("coredns_cache_served_stale_total"),
      responsesByRcode,
      upstreamRequests,
      upstreamHealthcheckFailures:
        total("coredns_forward_healthcheck_failures_total") +
        total("coredns_proxy_healthcheck_failures_total"),
      upstreamBroken: total("coredns_forward_healthcheck_broken_total"),
      reloadFailed: total("coredns_reload_failed_total"),
      panics: total("coredns_panics_total"),
    },
    entries: { success: entriesSuccess, denial: entriesDenial, total: entriesSuccess + entriesDenial },
    latency: histogram(
      all("coredns_dns_request_duration_seconds_bucket"),
      all("coredns_dns_request_duration_seconds_sum"),
      all("coredns_dns_request_duration_seconds_count"),
    ),
    upstreamLatency: has("coredns_proxy_request_duration_seconds_bucket")
      ? histogram(
          all("coredns_proxy_request_duration_seconds_bucket"),
          all("coredns_proxy_request_duration_seconds_sum"),
          all("coredns_proxy_request_duration_seconds_count"),
        )
      : histogram(
          all("coredns_forward_request_duration_seconds_bucket"),
          all("coredns_forward_request_duration_seconds_sum"),
          all("coredns_forward_request_duration_seconds_count"),
        ),
    zones: zoneBreakdown(all, entries),
    requestsByServer,
    memoryBytes: all("process_resident_memory_bytes")[0]?.value ?? null,
    configHash: all("coredns_reload_version_info")[0]?.labels.value ?? null,
    setupErrors: has("coredns_nodecache_setup_errors_total")
      ? Object.fromEntries(
          all("coredns_nodecache_setup_errors_total").map((s) => [s.labels.errortype ?? "", s.value]),
        )
      : null,
    sampleCount,
  };
}

/** Sum all series of a histogram family by `le` into one cumulative histogram. */
function histogram(
  buckets: readonly SampleLike[],
  sums: readonly SampleLike[],
  counts: readonly SampleLike[],
): Histogram | null {
  if (buckets.length === 0) return null;
  const byBound = new Map<number, number>();
  for (const b of buckets) {
    const le = b.labels.le === "+Inf" ? Infinity : Number(b.labels.le);
    if (Number.isNaN(le)) continue;
    byBound.set(le, (byBound.get(le) ?? 0) + b.value);
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return {
    bounds,
    counts: bounds.map((le) => byBound.get(le) ?? 0),
    sum: sum(sums.map((s) => s.value)),
    count: sum(counts.map((s) => s.value)),
  };
}

/**
 * The size of each cache, once. `coredns_cache_entries` is a gauge of one cache per server block, but
 * CoreDNS exports it under every listen address of the block (`server="dns://169.254.20.10:53"` and
 * `server="dns://10.96.0.10:53"` carry the same cache): summing over `server` would count every
 * entry once per address. Counters are per listen address and do add up; gauges of a cache do not.
 * Before CoreDNS labelled caches by `zones` (1.7.0) every block's cache wrote the same series, so
 * the largest value seen stands for them.
 */
function cacheEntries(
  samples: readonly SampleLike[],
): { zones: string | undefined; type: string; value: number }[] {
  const caches = new Map<string, { zones: string | undefined; type: string; value: number }>();
  for (const s of samples) {
    const key = `${s.labels.zones ?? ""}\u0000${s.labels.view ?? ""}\u0000${s.labels.type ?? ""}`;
    const c = caches.get(key);
    if (!c) caches.set(key, { zones: s.labels.zones, type: s.labels.type ?? "", value: s.value });
    else if (s.value > c.value) c.value = s.value;
  }
  return [...caches.values()];
}

function zoneBreakdown(
  all: (name: string) => SampleLike[],
  entries: readonly { zones: string | undefined; value: number }[],
): ServerBlockCounters[] {
  const zones = new Map<string, ServerBlockCounters>();
  const get = (zone: string) => {
    let z = zones.get(zone);
    if (!z) zones.set(zone, (z = { zone, requests: 0, hits: 0, misses: 0, entries: 0 }));
    return z;
  };
  for (const s of all("coredns_dns_requests_total")) {
    const zone = s.labels.zone;
    if (zone && zone !== "dropped") get(zone).requests += s.value;
  }
  // Cache families name their zones `zones` (≥1.9.1); without it (1.7.0) there is no per-zone cache split.
  for (const s of all("coredns_cache_hits_total"))
    if (s.labels.zones !== undefined) get(s.labels.zones).hits += s.value;
  const requests = all("coredns_cache_requests_total");
  if (requests.length > 0) {
    for (const s of requests) if (s.labels.zones !== undefined) get(s.labels.zones).misses += s.value;
    for (const z of zones.values()) z.misses = Math.max(0, z.misses - z.hits);
  } else {
    for (const s of all("coredns_cache_misses_total"))
      if (s.labels.zones !== undefined) get(s.labels.zones).misses += s.value;
  }
  for (const e of entries) if (e.zones !== undefined) get(e.zones).entries += e.value;
  return [...zones.values()].sort(
    (a, b) => zoneOrder(a.zone) - zoneOrder(b.zone) || a.zone.localeCompare(b.zone),
  );
}

/** The order the upstream Corefile lists its blocks: cluster domain, reverse zones, then the root. */
function zoneOrder(zone: string): number {
  if (zone === ".") return 3;
  if (zone.endsWith("in-addr.arpa.")) return 1;
  if (zone.endsWith("ip6.arpa.")) return 2;
  return 0;
}

/** Hit ratio of the cache: hits / (hits + misses); null before any cache request. */
export function cacheHitRatio(hits: number, misses: number): number | null {
  const total = hits + misses;
  return total > 0 ? hits / total : null;
}

/** Quantile of a cumulative histogram by linear interpolation inside the bucket (as PromQL's histogram_quantile). */
export function histogramQuantile(q: number, h: Histogram): number | null {
  if (h.count <= 0 || h.counts.length === 0) return null;
  const total = h.counts[h.counts.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i] ?? 0;
    if (c >= rank) {
      const upper = h.bounds[i] ?? Infinity;
      const lower = i === 0 ? 0 : (h.bounds[i - 1] ?? 0);
      if (upper === Infinity) return lower;
      const prev = i === 0 ? 0 : (h.counts[i - 1] ?? 0);
      const inBucket = c - prev;
      return inBucket > 0 ? lower + (upper - lower) * ((rank - prev) / inBucket) : upper;
    }
  }
  return h.bounds[h.bounds.length - 2] ?? null;
}
