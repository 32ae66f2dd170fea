import { describe, expect, it } from "vitest";
import { kubeDnsOffload, offloadSeries } from "@/lib/coredns/offload";

describe("kube-dns offload", () => {
  it("answered from cache is the hits, sent upstream the forward requests, and the share of the two", () => {
    expect(kubeDnsOffload({ hitsPerSecond: 30, missesPerSecond: 9, upstreamPerSecond: 10 })).toEqual({
      answeredFromCachePerSecond: 30,
      sentUpstreamPerSecond: 10,
      answeredFromCacheRatio: 0.75,
    });
  });

  it("falls back to the misses when a point has no forward numbers (a gap, NaN)", () => {
    expect(kubeDnsOffload({ hitsPerSecond: 5, missesPerSecond: 5, upstreamPerSecond: null })).toEqual({
      answeredFromCachePerSecond: 5,
      sentUpstreamPerSecond: 5,
      answeredFromCacheRatio: 0.5,
    });
    expect(
      kubeDnsOffload({ hitsPerSecond: 1, missesPerSecond: 3, upstreamPerSecond: NaN }).sentUpstreamPerSecond,
    ).toBe(3);
  });

  it("no traffic is no share, not 0 %; a gap stays a gap", () => {
    expect(kubeDnsOffload({ hitsPerSecond: 0, missesPerSecond: 0, upstreamPerSecond: 0 })).toEqual({
      answeredFromCachePerSecond: 0,
      sentUpstreamPerSecond: 0,
      answeredFromCacheRatio: null,
    });
    expect(kubeDnsOffload({ hitsPerSecond: null, missesPerSecond: null, upstreamPerSecond: null })).toEqual({
      answeredFromCachePerSecond: null,
      sentUpstreamPerSecond: null,
      answeredFromCacheRatio: null,
    });
    expect(
      kubeDnsOffload({ hitsPerSecond: 0, missesPerSecond: 2, upstreamPerSecond: 2 }).answeredFromCacheRatio,
    ).toBe(0);
  });

  it("maps a history series point by point, keeping the times", () => {
    const s = offloadSeries([
      { t: 1, hitsPerSecond: 3, missesPerSecond: 1, upstreamPerSecond: 1 },
      { t: 2, hitsPerSecond: null, missesPerSecond: null, upstreamPerSecond: null },
    ]);
    expect(s.map((p) => [p.t, p.answeredFromCachePerSecond, p.sentUpstreamPerSecond])).toEqual([
      [1, 3, 1],
      [2, null, null],
    ]);
  });
});
