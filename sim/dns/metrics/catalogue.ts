/**
 * The `coredns_*` families one CoreDNS version registers, with their exact HELP text and label names
 * (coredns-facts.md §2 table and help strings; checked against the real dumps in fixtures/coredns).
 * Families a version does not have are `undefined`, so feeding them is a no-op for that version.
 */
import { HistogramFamily, ScalarFamily, type FamilySpec } from "./exposition";
import { SIZE_BUCKETS, SLIM_TIME_BUCKETS, TIME_BUCKETS } from "./buckets";
import type { VersionTraits } from "./versions";

/** Every coredns family the emulator can print, for one version. */
export interface CorednsFamilies {
  readonly buildInfo: ScalarFamily;
  readonly panics: ScalarFamily;
  readonly pluginEnabled: ScalarFamily;
  readonly dnsRequests: ScalarFamily;
  readonly dnsDoRequests: ScalarFamily;
  readonly dnsRequestDuration: HistogramFamily;
  readonly dnsRequestSize: HistogramFamily;
  readonly dnsResponseSize: HistogramFamily;
  readonly dnsResponses: ScalarFamily;
  /** Vectors that node-local-dns never fills (DoH/DoQ servers are not used); listed so they exist, never printed. */
  readonly dnsHttpsResponses?: ScalarFamily;
  readonly dnsQuicResponses?: ScalarFamily;
  readonly cacheEntries: ScalarFamily;
  readonly cacheHits: ScalarFamily;
  readonly cacheMisses: ScalarFamily;
  readonly cacheRequests?: ScalarFamily;
  readonly cacheEvictions?: ScalarFamily;
  readonly cachePrefetch: ScalarFamily;
  readonly cacheServedStale: ScalarFamily;
  readonly cacheDrops: ScalarFamily;
  readonly forwardRequests?: ScalarFamily;
  readonly forwardResponses?: ScalarFamily;
  readonly forwardDuration?: HistogramFamily;
  readonly forwardHealthcheckFailures?: ScalarFamily;
  readonly forwardConnCacheHits?: ScalarFamily;
  readonly forwardConnCacheMisses?: ScalarFamily;
  readonly forwardHealthcheckBroken?: ScalarFamily;
  readonly forwardMaxConcurrentRejects: ScalarFamily;
  readonly proxyDuration?: HistogramFamily;
  readonly proxyHealthcheckFailures?: ScalarFamily;
  readonly proxyConnCacheHits?: ScalarFamily;
  readonly proxyConnCacheMisses?: ScalarFamily;
  readonly healthDuration: HistogramFamily;
  readonly healthFailures?: ScalarFamily;
  readonly hostsReloadTimestamp?: ScalarFamily;
  readonly reloadFailed: ScalarFamily;
  readonly reloadVersionInfo: ScalarFamily;
  readonly nodecacheSetupErrors?: ScalarFamily;
  /** All of the above that exist, sorted by name: the order Gather() prints them in. */
  readonly all: ReadonlyArray<ScalarFamily | HistogramFamily>;
}

const spec = (name: string, help: string, labels: readonly string[]): FamilySpec => ({ name, help, labels });

/** node-cache pre-initialises these with Add(0), so all five always print. */
export const NODECACHE_ERROR_TYPES = [
  "iptables",
  "iptables_lock",
  "interface_add",
  "interface_check",
  "configmap",
] as const;

/** Build the families of one version, with the registration state a fresh process has. */
export function buildCorednsFamilies(t: VersionTraits): CorednsFamilies {
  const v = t.viewLabel ? ["view"] : [];
  const zones = t.cacheZonesLabel ? ["zones", ...v] : [];
  const counter = (name: string, help: string, labels: readonly string[]) =>
    new ScalarFamily(spec(name, help, labels), "counter");
  const gauge = (name: string, help: string, labels: readonly string[]) =>
    new ScalarFamily(spec(name, help, labels), "gauge");
  const histogram = (name: string, help: string, labels: readonly string[], buckets: readonly number[]) =>
    new HistogramFamily(spec(name, help, labels), buckets);
  const v17 = t.version === "1.7.0";

  const fwd = t.forwardMetrics !== "proxy";
  const proxy = t.forwardMetrics === "proxy";
  const families = {
    buildInfo: gauge(
      "coredns_build_info",
      "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
      ["version", "revision", "goversion"],
    ),
    panics: counter("coredns_panics_total", "A metrics that counts the number of panics.", []),
    pluginEnabled: gauge(
      "coredns_plugin_enabled",
      "A metric that indicates whether a plugin is enabled on per server and zone basis.",
      ["server", "zone", ...v, "name"],
    ),
    dnsRequests: counter(
      "coredns_dns_requests_total",
      "Counter of DNS requests made per zone, protocol and family.",
      ["server", "zone", ...v, "proto", "family", "type"],
    ),
    dnsDoRequests: counter(
      "coredns_dns_do_requests_total",
      "Counter of DNS requests with DO bit set per zone.",
      ["server", "zone", ...v],
    ),
    dnsRequestDuration: histogram(
      "coredns_dns_request_duration_seconds",
      v17
        ? "Histogram of the time (in seconds) each request took."
        : "Histogram of the time (in seconds) each request took per zone.",
      t.durationTypeLabel ? ["server", "zone", "type"] : ["server", "zone", ...v],
      TIME_BUCKETS,
    ),
    dnsRequestSize: histogram(
      "coredns_dns_request_size_bytes",
      v17
        ? "Size of the EDNS0 UDP buffer in bytes (64K for TCP)."
        : "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.",
      ["server", "zone", ...v, "proto"],
      SIZE_BUCKETS,
    ),
    dnsResponseSize: histogram(
      "coredns_dns_response_size_bytes",
      "Size of the returned response in bytes.",
      ["server", "zone", ...v, "proto"],
      SIZE_BUCKETS,
    ),
    dnsResponses: counter("coredns_dns_responses_total", "Counter of response status codes.", [
      "server",
      "zone",
      ...v,
      "rcode",
      ...(t.responsesPluginLabel ? ["plugin"] : []),
    ]),
    dnsHttpsResponses: v17
      ? undefined
      : counter(
          "coredns_dns_https_responses_total",
          "Counter of DoH responses per server and http status code.",
          ["server", "status"],
        ),
    dnsQuicResponses: proxy
      ? counter(
          "coredns_dns_quic_responses_total",
          "Counter of DoQ responses per server and QUIC application code.",
          ["server", "status"],
        )
      : undefined,
    cacheEntries: gauge("coredns_cache_entries", "The number of elements in the cache.", [
      "server",
      "type",
      ...zones,
    ]),
    cacheHits: counter("coredns_cache_hits_total", "The count of cache hits.", ["server", "type", ...zones]),
    cacheMisses: counter(
      "coredns_cache_misses_total",
      v17
        ? "The count of cache misses."
        : "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.",
      ["server", ...zones],
    ),
    cacheRequests: t.cacheRequestsAndEvictions
      ? counter("coredns_cache_requests_total", "The count of cache requests.", ["server", ...zones])
      : undefined,
    cacheEvictions: t.cacheRequestsAndEvictions
      ? counter("coredns_cache_evictions_total", "The count of cache evictions.", [
          "server",
          "type",
          ...zones,
        ])
      : undefined,
    cachePrefetch: counter(
      "coredns_cache_prefetch_total",
      v17
        ? "The number of time the cache has prefetched a cached item."
        : "The number of times the cache has prefetched a cached item.",
      ["server", ...zones],
    ),
    cacheServedStale: counter(
      "coredns_cache_served_stale_total",
      "The number of requests served from stale cache entries.",
      ["server", ...zones],
    ),
    cacheDrops: counter(
      "coredns_cache_drops_total",
      "The number responses that are not cached, because the reply is malformed.",
      ["server", ...zones],
    ),
    forwardRequests: fwd
      ? counter("coredns_forward_requests_total", "Counter of requests made per upstream.", ["to"])
      : undefined,
    forwardResponses: fwd
      ? counter(
          "coredns_forward_responses_total",
          v17 ? "Counter of requests made per upstream." : "Counter of responses received per upstream.",
          ["rcode", "to"],
        )
      : undefined,
    forwardDuration: fwd
      ? histogram(
          "coredns_forward_request_duration_seconds",
          "Histogram of the time each request took.",
          v17 ? ["to"] : ["to", "rcode"],
          TIME_BUCKETS,
        )
      : undefined,
    forwardHealthcheckFailures: fwd
      ? counter(
          "coredns_forward_healthcheck_failures_total",
          "Counter of the number of failed healthchecks.",
          ["to"],
        )
      : undefined,
    forwardConnCacheHits:
      t.forwardMetrics === "forward-1.10"
        ? counter(
            "coredns_forward_conn_cache_hits_total",
            "Counter of connection cache hits per upstream and protocol.",
            ["to", "proto"],
          )
        : undefined,
    forwardConnCacheMisses:
      t.forwardMetrics === "forward-1.10"
        ? counter(
            "coredns_forward_conn_cache_misses_total",
            "Counter of connection cache misses per upstream and protocol.",
            ["to", "proto"],
          )
        : undefined,
    // Declared but not registered by 1.7.0's forward setup (coredns-facts.md §2.1).
    forwardHealthcheckBroken: v17
      ? undefined
      : counter(
          "coredns_forward_healthcheck_broken_total",
          "Counter of the number of complete failures of the healthchecks.",
          [],
        ),
    forwardMaxConcurrentRejects: counter(
      "coredns_forward_max_concurrent_rejects_total",
      "Counter of the number of queries rejected because the concurrent queries were at maximum.",
      [],
    ),
    proxyDuration: proxy
      ? histogram(
          "coredns_proxy_request_duration_seconds",
          "Histogram of the time each request took.",
          ["proxy_name", "to", "rcode"],
          TIME_BUCKETS,
        )
      : undefined,
    proxyHealthcheckFailures: proxy
      ? counter("coredns_proxy_healthcheck_failures_total", "Counter of the number of failed healthchecks.", [
          "proxy_name",
          "to",
        ])
      : undefined,
    proxyConnCacheHits: proxy
      ? counter(
          "coredns_proxy_conn_cache_hits_total",
          "Counter of connection cache hits per upstream and protocol.",
          ["proxy_name", "to", "proto"],
        )
      : undefined,
    proxyConnCacheMisses: proxy
      ? counter(
          "coredns_proxy_conn_cache_misses_total",
          "Counter of connection cache misses per upstream and protocol.",
          ["proxy_name", "to", "proto"],
        )
      : undefined,
    healthDuration: histogram(
      "coredns_health_request_duration_seconds",
      "Histogram of the time (in seconds) each request took.",
      [],
      t.slimHealth ? SLIM_TIME_BUCKETS : TIME_BUCKETS,
    ),
    healthFailures: t.slimHealth
      ? counter("coredns_health_request_failures_total", "The number of times the health check failed.", [])
      : undefined,
    hostsReloadTimestamp: t.defaultRegistry
      ? gauge("coredns_hosts_reload_timestamp_seconds", "The timestamp of the last reload of hosts file.", [])
      : undefined,
    reloadFailed: counter(
      "coredns_reload_failed_total",
      "Counter of the number of failed reload attempts.",
      [],
    ),
    reloadVersionInfo: gauge(
      "coredns_reload_version_info",
      "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
      ["hash", "value"],
    ),
    nodecacheSetupErrors: t.defaultRegistry
      ? counter(
          "coredns_nodecache_setup_errors_total",
          "The number of errors during periodic network setup for node-cache",
          ["errortype"],
        )
      : undefined,
  };

  families.buildInfo.set({ version: t.version, revision: "", goversion: t.goVersion }, 1);
  for (const errortype of NODECACHE_ERROR_TYPES) families.nodecacheSetupErrors?.add({ errortype }, 0);
  if (!t.defaultRegistry) {
    // 1.7.0: forward's metrics join the private registry when forward starts, reload's on the first
    // restart (OnRestart), so neither prints on a fresh process.
    families.forwardMaxConcurrentRejects.registered = false;
    families.reloadFailed.registered = false;
    families.reloadVersionInfo.registered = false;
  }

  const all = Object.values(families)
    .filter((f): f is ScalarFamily | HistogramFamily => f !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...families, all };
}
