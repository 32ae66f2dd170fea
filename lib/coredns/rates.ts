/**
 * Per-second rates between two scrapes of the same node. Pure. A counter that went down means the
 * process restarted and counted again from zero, so the increase is the new value (as Prometheus's
 * `rate()` treats resets) — never a negative or spiking rate.
 */
import { cacheHitRatio, histogramQuantile, type Histogram, type NodeScrape } from "./node-record";

export function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** Bucket-wise increase of a cumulative histogram; a reset (count went down) restarts from the current one. */
export function histogramIncrease(previous: Histogram | null, current: Histogram | null): Histogram | null {
  if (!current) return null;
  if (!previous || current.count < previous.count || !sameBounds(previous, current)) {
    return previous && current.count >= previous.count ? null : current;
  }
  return {
    bounds: current.bounds,
    counts: current.counts.map((c, i) => counterIncrease(previous.counts[i] ?? 0, c)),
    sum: counterIncrease(previous.sum, current.sum),
    count: counterIncrease(previous.count, current.count),
  };
}

function sameBounds(a: Histogram, b: Histogram): boolean {
  return a.bounds.length === b.bounds.length && a.bounds.every((x, i) => x === b.bounds[i]);
}

/** What changed on a node between two scrapes, per second. */
export interface NodeRates {
  intervalSeconds: number;
  /** True when the counters went backwards (pod restarted) between the two scrapes. */
  reset: boolean;
  queriesPerSecond: number;
  hitsPerSecond: number;
  missesPerSecond: number;
  hitsSuccessPerSecond: number;
  hitsDenialPerSecond: number;
  /** Hit ratio over this interval only; null when no cache request happened. */
  hitRatio: number | null;
  evictionsPerSecond: number;
  prefetchesPerSecond: number;
  servedStalePerSecond: number;
  responsesPerSecondByRcode: Record<string, number>;
  upstreamPerSecond: number;
  upstreamHealthcheckFailuresPerSecond: number;
  latencyP50: number | null;
  latencyP90: number | null;
  latencyP99: number | null;
  upstreamLatencyP99: number | null;
}

export function nodeRates(
  previous: NodeScrape,
  current: NodeScrape,
  intervalSeconds: number,
  podChanged: boolean,
): NodeRates {
  const p = previous.counters;
  const c = current.counters;
  const reset = podChanged || c.requests < p.requests || c.cacheRequests < p.cacheRequests;
  const inc = (a: number, b: number) => (reset ? b : counterIncrease(a, b));
  const per = (n: number) => (intervalSeconds > 0 ? n / intervalSeconds : 0);
  const hits = inc(p.hits, c.hits);
  const misses = inc(p.misses, c.misses);
  const rcodes: Record<string, number> = {};
  for (const [rcode, value] of Object.entries(c.responsesByRcode)) {
    rcodes[rcode] = per(inc(p.responsesByRcode[rcode] ?? 0, value));
  }
  const latency = reset ? current.latency : histogramIncrease(previous.latency, current.latency);
  const upstreamLatency = reset
    ? current.upstreamLatency
    : histogramIncrease(previous.upstreamLatency, current.upstreamLatency);
  return {
    intervalSeconds,
    reset,
    queriesPerSecond: per(inc(p.requests, c.requests)),
    hitsPerSecond: per(hits),
    missesPerSecond: per(misses),
    hitsSuccessPerSecond: per(inc(p.hitsSuccess, c.hitsSuccess)),
    hitsDenialPerSecond: per(inc(p.hitsDenial, c.hitsDenial)),
    hitRatio: cacheHitRatio(hits, misses),
    evictionsPerSecond: per(inc(p.evictions, c.evictions)),
    prefetchesPerSecond: per(inc(p.prefetches, c.prefetches)),
    servedStalePerSecond: per(inc(p.servedStale, c.servedStale)),
    responsesPerSecondByRcode: rcodes,
    upstreamPerSecond: per(inc(p.upstreamRequests, c.upstreamRequests)),
    upstreamHealthcheckFailuresPerSecond: per(
      inc(p.upstreamHealthcheckFailures, c.upstreamHealthcheckFailures),
    ),
    latencyP50: latency ? histogramQuantile(0.5, latency) : null,
    latencyP90: latency ? histogramQuantile(0.9, latency) : null,
    latencyP99: latency ? histogramQuantile(0.99, latency) : null,
    upstreamLatencyP99: upstreamLatency ? histogramQuantile(0.99, upstreamLatency) : null,
  };
}

/** Per server block (zone) rates between two scrapes. */
export interface ZoneRates {
  zone: string;
  queriesPerSecond: number;
  hitsPerSecond: number;
  missesPerSecond: number;
  hitRatio: number | null;
  entries: number;
}

export function zoneRates(
  previous: NodeScrape,
  current: NodeScrape,
  intervalSeconds: number,
  reset: boolean,
): ZoneRates[] {
  const per = (n: number) => (intervalSeconds > 0 ? n / intervalSeconds : 0);
  const before = new Map(previous.zones.map((z) => [z.zone, z]));
  return current.zones.map((z) => {
    const p = reset ? undefined : before.get(z.zone);
    const hits = counterIncrease(p?.hits ?? 0, z.hits);
    const misses = counterIncrease(p?.misses ?? 0, z.misses);
    return {
      zone: z.zone,
      queriesPerSecond: per(counterIncrease(p?.requests ?? 0, z.requests)),
      hitsPerSecond: per(hits),
      missesPerSecond: per(misses),
      hitRatio: cacheHitRatio(hits, misses),
      entries: z.entries,
    };
  });
}

/** Queries per second per listen address (`server` label), e.g. "dns://10.96.0.10:53". */
export function serverRates(
  previous: NodeScrape,
  current: NodeScrape,
  intervalSeconds: number,
  reset: boolean,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [server, n] of Object.entries(current.requestsByServer)) {
    const before = reset ? 0 : (previous.requestsByServer[server] ?? 0);
    out[server] = intervalSeconds > 0 ? counterIncrease(before, n) / intervalSeconds : 0;
  }
  return out;
}
