/**
 * What differs between the emulated CoreDNS versions, in one place (coredns-facts.md §2, §2.1, §2.2).
 */
import { COREDNS_VERSIONS, type CorednsVersion } from "../../runtime";

/** The per-version switches the emulator reads. */
export interface VersionTraits {
  readonly version: CorednsVersion;
  readonly goVersion: string;
  /**
   * ≥1.7.1 registers everything in the default registry at import (promauto): plain metrics show at 0
   * from start, and node-cache's own families (setup errors, promhttp) appear on :9253 too. 1.7.0 has a
   * private registry and registers a plugin's metrics only when the plugin starts.
   */
  readonly defaultRegistry: boolean;
  /** ≥1.10.0: `view` on dns_*, cache_*, plugin_enabled. */
  readonly viewLabel: boolean;
  /** ≥1.9.1: `zones` on cache_*; before, the four blocks' caches share `{server,type}`. */
  readonly cacheZonesLabel: boolean;
  /** ≥1.8.5 / ≥1.8.4: cache_requests_total and cache_evictions_total exist. */
  readonly cacheRequestsAndEvictions: boolean;
  /** ≥1.8.7: `plugin` on dns_responses_total. */
  readonly responsesPluginLabel: boolean;
  /** <1.8.4: dns_request_duration_seconds carries the qtype bucket as `type`. */
  readonly durationTypeLabel: boolean;
  /** Where per-upstream forward metrics live. */
  readonly forwardMetrics: "forward-1.7" | "forward-1.10" | "proxy";
  /** ≥1.8.4: health duration uses SlimTimeBuckets; health_request_failures_total exists. */
  readonly slimHealth: boolean;
  /** HTTPS got its own dns_requests_total `type` after 1.7.0. */
  readonly httpsQtype: boolean;
  /** client_golang before 1.12 still exports go_memstats_gc_cpu_fraction. */
  readonly gcCpuFraction: boolean;
  /**
   * client_golang ≥ 1.20 (node-local-dns 1.26.5 on: v1.23.x): memstats HELP texts name their
   * runtime/metrics source, go_memstats_lookups_total is gone, go_gc_gogc_percent,
   * go_gc_gomemlimit_bytes, go_sched_gomaxprocs_threads and process_network_*_bytes_total appear.
   */
  readonly modernGoCollector: boolean;
  /** ≥1.12.0: coremain.Run calls automaxprocs, which logs one `maxprocs:` line at start. */
  readonly maxprocsLogLine: boolean;
}

/** The traits of one supported version. */
export function versionTraits(version: CorednsVersion): VersionTraits {
  const goVersion = COREDNS_VERSIONS[version].goVersion;
  if (version === "1.7.0") {
    return {
      version,
      goVersion,
      defaultRegistry: false,
      viewLabel: false,
      cacheZonesLabel: false,
      cacheRequestsAndEvictions: false,
      responsesPluginLabel: false,
      durationTypeLabel: true,
      forwardMetrics: "forward-1.7",
      slimHealth: false,
      httpsQtype: false,
      gcCpuFraction: true,
      modernGoCollector: false,
      maxprocsLogLine: false,
    };
  }
  const since112 = version === "1.12.2" || version === "1.13.1";
  return {
    version,
    goVersion,
    defaultRegistry: true,
    viewLabel: true,
    cacheZonesLabel: true,
    cacheRequestsAndEvictions: true,
    responsesPluginLabel: true,
    durationTypeLabel: false,
    forwardMetrics: version === "1.10.0" ? "forward-1.10" : "proxy",
    slimHealth: true,
    httpsQtype: true,
    gcCpuFraction: false,
    modernGoCollector: since112,
    maxprocsLogLine: since112,
  };
}
