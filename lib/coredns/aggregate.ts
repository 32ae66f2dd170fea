/**
 * Cluster-wide numbers from every node's latest scrape and rates. Pure. Rates add up across nodes;
 * latency quantiles do not, so the cluster shows the worst node's p99 and the median node's.
 */
import type { HistoryPoint } from "../metrics/history";
import { cacheHitRatio, type NodeScrape } from "./node-record";
import type { NodeRates } from "./rates";

export interface NodeLatest {
  scrape: NodeScrape | null;
  rates: NodeRates | null;
}

export interface ClusterAggregate {
  nodesReporting: number;
  queriesPerSecond: number;
  hitsPerSecond: number;
  missesPerSecond: number;
  /** Over the last interval, all nodes. */
  hitRatio: number | null;
  /** Since each pod started, all nodes. */
  lifetimeHitRatio: number | null;
  entries: number;
  evictionsPerSecond: number;
  prefetchesPerSecond: number;
  servedStalePerSecond: number;
  responsesPerSecondByRcode: Record<string, number>;
  upstreamPerSecond: number;
  upstreamHealthcheckFailuresPerSecond: number;
  latencyP99Max: number | null;
  latencyP99Median: number | null;
  latencyP50Median: number | null;
  memoryBytes: number;
}

export function aggregateCluster(nodes: readonly NodeLatest[]): ClusterAggregate {
  let hits = 0;
  let misses = 0;
  let lifeHits = 0;
  let lifeMisses = 0;
  const a: ClusterAggregate = {
    nodesReporting: 0,
    queriesPerSecond: 0,
    hitsPerSecond: 0,
    missesPerSecond: 0,
    hitRatio: null,
    lifetimeHitRatio: null,
    entries: 0,
    evictionsPerSecond: 0,
    prefetchesPerSecond: 0,
    servedStalePerSecond: 0,
    responsesPerSecondByRcode: {},
    upstreamPerSecond: 0,
    upstreamHealthcheckFailuresPerSecond: 0,
    latencyP99Max: null,
    latencyP99Median: null,
    latencyP50Median: null,
    memoryBytes: 0,
  };
  const p99s: number[] = [];
  const p50s: number[] = [];
  for (const { scrape, rates } of nodes) {
    if (scrape) {
      a.nodesReporting++;
      a.entries += scrape.entries.total;
      a.memoryBytes += scrape.memoryBytes ?? 0;
      lifeHits += scrape.counters.hits;
      lifeMisses += scrape.counters.misses;
    }
    if (!rates) continue;
    a.queriesPerSecond += rates.queriesPerSecond;
    a.hitsPerSecond += rates.hitsPerSecond;
    a.missesPerSecond += rates.missesPerSecond;
    hits += rates.hitsPerSecond;
    misses += rates.missesPerSecond;
    a.evictionsPerSecond += rates.evictionsPerSecond;
    a.prefetchesPerSecond += rates.prefetchesPerSecond;
    a.servedStalePerSecond += rates.servedStalePerSecond;
    a.upstreamPerSecond += rates.upstreamPerSecond;
    a.upstreamHealthcheckFailuresPerSecond += rates.upstreamHealthcheckFailuresPerSecond;
    for (const [rcode, v] of Object.entries(rates.responsesPerSecondByRcode)) {
      a.responsesPerSecondByRcode[rcode] = (a.responsesPerSecondByRcode[rcode] ?? 0) + v;
    }
    if (rates.latencyP99 !== null) p99s.push(rates.latencyP99);
    if (rates.latencyP50 !== null) p50s.push(rates.latencyP50);
  }
  a.hitRatio = cacheHitRatio(hits, misses);
  a.lifetimeHitRatio = cacheHitRatio(lifeHits, lifeMisses);
  a.latencyP99Max = p99s.length ? Math.max(...p99s) : null;
  a.latencyP99Median = median(p99s);
  a.latencyP50Median = median(p50s);
  return a;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The cluster point stored in the cluster's own history ring each round. */
export function clusterHistoryPoint(a: ClusterAggregate): HistoryPoint {
  return {
    queriesPerSecond: a.queriesPerSecond,
    hitRatio: a.hitRatio,
    hitsPerSecond: a.hitsPerSecond,
    missesPerSecond: a.missesPerSecond,
    entries: a.entries,
    evictionsPerSecond: a.evictionsPerSecond,
    prefetchesPerSecond: a.prefetchesPerSecond,
    servedStalePerSecond: a.servedStalePerSecond,
    nxdomainPerSecond: a.responsesPerSecondByRcode.NXDOMAIN ?? 0,
    servfailPerSecond: a.responsesPerSecondByRcode.SERVFAIL ?? 0,
    refusedPerSecond: a.responsesPerSecondByRcode.REFUSED ?? 0,
    latencyP50: a.latencyP50Median,
    latencyP90: null,
    latencyP99: a.latencyP99Max,
    upstreamPerSecond: a.upstreamPerSecond,
    upstreamLatencyP99: null,
    upstreamHealthcheckFailuresPerSecond: a.upstreamHealthcheckFailuresPerSecond,
    memoryBytes: a.memoryBytes,
  };
}
