/**
 * The interface the simulated node-local-dns pod (sim/dns) feeds as it serves queries, and reads on
 * GET :9253/metrics. One instance per CoreDNS process; it survives reloads, as the registry does.
 */
import type { CorednsVersion } from "../../runtime";

/** Transport a query arrived on (or an upstream exchange used). */
export type Proto = "udp" | "tcp";

/** Cache entry class: positive answers, or NXDOMAIN/NODATA. */
export type CacheType = "success" | "denial";

/** Labels of the cache plugin's series: the listen address and the cache's zones joined by ",". */
export interface CacheLabels {
  server: string;
  zones: string;
}

/** The metrics a simulated CoreDNS exposes, fed by the pod and rendered for a scrape. */
export interface CorednsMetrics {
  readonly version: CorednsVersion;
  /** Startup: one call per (server, zone, plugin) in the chain — coredns_plugin_enabled. */
  pluginEnabled(l: { server: string; zone: string; name: string }): void;
  /** On reload: plugin_enabled is reset, then set again by the new instance's pluginEnabled calls. */
  resetPluginEnabled(): void;
  /** A request entering a server block. server like "dns://169.254.20.10:53", zone "cluster.local.". */
  request(l: {
    server: string;
    zone: string;
    proto: Proto;
    family: 1 | 2;
    qtype: string;
    sizeBytes: number;
    doBit: boolean;
  }): void;
  /** The response written: rcode string ("NOERROR"...), plugin ("cache" or ""), duration. */
  response(l: {
    server: string;
    zone: string;
    proto: Proto;
    rcode: string;
    plugin: string;
    sizeBytes: number;
    durationSeconds: number;
    qtype: string;
  }): void;
  /** Cache plugin; ignored by 1.7.0, which has no cache_requests_total. */
  cacheRequest(l: CacheLabels): void;
  cacheHit(l: CacheLabels & { type: CacheType }): void;
  cacheMiss(l: CacheLabels): void;
  /** Set after every cache write. 1.7.0 has no `zones` label, so the four caches overwrite one gauge, as there. */
  cacheEntries(l: CacheLabels & { type: CacheType }, count: number): void;
  /** Ignored by 1.7.0, which has no cache_evictions_total. */
  cacheEviction(l: CacheLabels & { type: CacheType }): void;
  cachePrefetch(l: CacheLabels): void;
  cacheServedStale(l: CacheLabels): void;
  cacheDrop(l: CacheLabels): void;
  /** forward: one upstream exchange that got an answer. `to` like "10.96.0.11:53"; rcode of that answer. */
  forwardRequest(l: { to: string; proto: Proto; rcode: string; durationSeconds: number }): void;
  /** forward: a connection taken from (hit) or missing in (miss, a new dial) the pool. Ignored by 1.7.0. */
  forwardConnCache(l: { to: string; proto: Proto; hit: boolean }): void;
  forwardHealthcheckFailure(l: { to: string }): void;
  /** Every upstream is down and forward picked one at random. Ignored by 1.7.0, which does not register it. */
  forwardHealthcheckBroken(): void;
  forwardMaxConcurrentReject(): void;
  /** health plugin's self-check (runs every second in CoreDNS), seconds. */
  healthRequest(durationSeconds: number, failed: boolean): void;
  /**
   * The reload plugin saw a Corefile different from the one it last saw, and is about to restart with
   * it: coredns_reload_version_info now shows this text's hash (md5 for 1.7.0, sha512 after), even if
   * the restart then fails. Do not call it at first start: CoreDNS only logs the hash then, the gauge
   * first appears after a change. Calling it with an unchanged text does nothing.
   */
  reloadVersion(corefileText: string): void;
  /** The restart after reloadVersion failed; the old instance keeps serving. */
  reloadFailed(): void;
  panic(): void;
  /** The whole exposition text for GET /metrics on :9253, as of now. */
  render(): string;
}

/** Options of createCorednsMetrics. */
export interface CorednsMetricsOptions {
  version: CorednsVersion;
  /** When the process started: process_start_time_seconds, and uptime for the runtime model. */
  startTime: Date;
  /** Total entries in all caches, for process_resident_memory_bytes; defaults to the sum of the cache_entries gauges. */
  cacheEntriesForMemory?: () => number;
  /** Clock for render(); tests pass a fixed one. Defaults to the wall clock. */
  now?: () => Date;
}
