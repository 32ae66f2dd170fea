import { describe, expect, it } from "vitest";
import type { Histogram, NodeScrape } from "@/lib/coredns/node-record";
import { counterIncrease, histogramIncrease, nodeRates } from "@/lib/coredns/rates";

function scrape(over: Partial<NodeScrape["counters"]> = {}, latency: Histogram | null = null): NodeScrape {
  return {
    corednsVersion: "1.11.3",
    counters: {
      requests: 0,
      cacheRequests: 0,
      hits: 0,
      hitsSuccess: 0,
      hitsDenial: 0,
      misses: 0,
      evictions: 0,
      prefetches: 0,
      servedStale: 0,
      responsesByRcode: {},
      upstreamRequests: 0,
      upstreamHealthcheckFailures: 0,
      upstreamBroken: 0,
      reloadFailed: 0,
      panics: 0,
      ...over,
    },
    entries: { success: 0, denial: 0, total: 0 },
    latency,
    upstreamLatency: null,
    zones: [],
    requestsByServer: {},
    memoryBytes: null,
    configHash: null,
    setupErrors: null,
    sampleCount: 0,
  };
}

describe("counterIncrease", () => {
  it("is the difference while the counter grows", () => {
    expect(counterIncrease(10, 25)).toBe(15);
    expect(counterIncrease(7, 7)).toBe(0);
  });
  it("treats a counter that went down as a reset: the increase is the new value, never negative", () => {
    expect(counterIncrease(1000, 3)).toBe(3);
    expect(counterIncrease(1000, 0)).toBe(0);
  });
});

describe("nodeRates", () => {
  it("computes per-second rates and the interval's hit ratio", () => {
    const a = scrape({
      requests: 100,
      cacheRequests: 100,
      hits: 60,
      misses: 40,
      responsesByRcode: { NOERROR: 80, NXDOMAIN: 20 },
    });
    const b = scrape({
      requests: 200,
      cacheRequests: 200,
      hits: 150,
      misses: 50,
      responsesByRcode: { NOERROR: 150, NXDOMAIN: 50 },
    });
    const r = nodeRates(a, b, 10, false);
    expect(r.reset).toBe(false);
    expect(r.queriesPerSecond).toBe(10);
    expect(r.hitsPerSecond).toBe(9);
    expect(r.missesPerSecond).toBe(1);
    expect(r.hitRatio).toBeCloseTo(0.9);
    expect(r.responsesPerSecondByRcode).toEqual({ NOERROR: 7, NXDOMAIN: 3 });
  });

  it("after a pod restart counts from zero instead of producing a negative or spiking rate", () => {
    const before = scrape({ requests: 50_000, cacheRequests: 50_000, hits: 40_000, misses: 10_000 });
    const after = scrape({ requests: 30, cacheRequests: 30, hits: 10, misses: 20 });
    const r = nodeRates(before, after, 5, false);
    expect(r.reset).toBe(true);
    expect(r.queriesPerSecond).toBe(6);
    expect(r.hitsPerSecond).toBe(2);
    expect(r.missesPerSecond).toBe(4);
  });

  it("a replaced pod (new name) is a reset even if its counters happen to be higher", () => {
    const before = scrape({ requests: 10, cacheRequests: 10, hits: 5, misses: 5 });
    const after = scrape({ requests: 40, cacheRequests: 40, hits: 20, misses: 20 });
    expect(nodeRates(before, after, 10, true).queriesPerSecond).toBe(4);
  });

  it("has no hit ratio when nothing reached the cache", () => {
    expect(nodeRates(scrape(), scrape(), 5, false).hitRatio).toBeNull();
  });

  it("takes latency quantiles from the histogram's increase, not its lifetime", () => {
    const bounds = [0.001, 0.01, 0.1, Infinity];
    const old: Histogram = { bounds, counts: [1000, 1000, 1000, 1000], sum: 0.5, count: 1000 };
    const now: Histogram = { bounds, counts: [1000, 1000, 1100, 1100], sum: 5.5, count: 1100 };
    const r = nodeRates(scrape({}, old), scrape({}, now), 10, false);
    // All 100 new requests fell in (0.01, 0.1]: the median interpolates inside that bucket.
    expect(r.latencyP50).toBeCloseTo(0.055, 5);
  });
});

describe("histogramIncrease", () => {
  const bounds = [1, 2, Infinity];
  it("returns the current histogram after a reset", () => {
    const prev: Histogram = { bounds, counts: [5, 8, 9], sum: 10, count: 9 };
    const cur: Histogram = { bounds, counts: [1, 1, 1], sum: 1, count: 1 };
    expect(histogramIncrease(prev, cur)).toEqual(cur);
  });
  it("subtracts bucket by bucket", () => {
    const prev: Histogram = { bounds, counts: [5, 8, 9], sum: 10, count: 9 };
    const cur: Histogram = { bounds, counts: [6, 10, 12], sum: 14, count: 12 };
    expect(histogramIncrease(prev, cur)).toEqual({ bounds, counts: [1, 2, 3], sum: 4, count: 3 });
  });
});
