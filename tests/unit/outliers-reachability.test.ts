import { describe, expect, it } from "vitest";
import { aggregateCluster, median } from "@/lib/coredns/aggregate";
import { findOutliers } from "@/lib/coredns/outliers";
import { reachability, serverAddress } from "@/lib/coredns/reachability";

describe("findOutliers", () => {
  const nodes = [
    { n: "a", hit: 0.91 },
    { n: "b", hit: 0.9 },
    { n: "c", hit: 0.92 },
    { n: "d", hit: 0.89 },
    { n: "e", hit: 0.41 },
  ];
  const sig = [
    { name: "hit ratio", value: (x: { hit: number }) => x.hit, bad: "low" as const, minDelta: 0.1 },
  ];
  it("marks the node far below the others", () => {
    expect([...findOutliers(nodes, (x) => x.n, sig).entries()]).toEqual([["e", ["hit ratio"]]]);
  });
  it("does not mark a good outlier (a better hit ratio is not a problem)", () => {
    const good = nodes.map((x) => (x.n === "e" ? { ...x, hit: 0.999 } : x));
    expect(findOutliers(good, (x) => x.n, [{ ...sig[0]!, minDelta: 0.01 }]).size).toBe(0);
  });
  it("ignores differences below the minimum that matters", () => {
    const close = [
      { n: "a", hit: 0.9 },
      { n: "b", hit: 0.9 },
      { n: "c", hit: 0.9 },
      { n: "d", hit: 0.85 },
    ];
    expect(findOutliers(close, (x) => x.n, sig).size).toBe(0);
  });
  it("needs at least three nodes to call one odd", () => {
    expect(findOutliers(nodes.slice(3), (x) => x.n, sig).size).toBe(0);
  });
});

describe("reachability", () => {
  it("parses server labels", () => {
    expect(serverAddress("dns://169.254.20.10:53")).toBe("169.254.20.10");
    expect(serverAddress("dns://[fd00::10]:53")).toBe("fd00::10");
    expect(serverAddress("dns://:53")).toBe("");
  });
  it("traffic on the kube-dns address proves transparent interception", () => {
    const r = reachability({ "dns://169.254.20.10:53": 2, "dns://10.96.0.10:53": 18 });
    expect(r.verdict).toBe("transparent");
    expect(r.clusterIpShare).toBeCloseTo(0.9);
    expect(r.byAddress[0]?.linkLocal).toBe(true);
  });
  it("link-local only, and nothing at all", () => {
    expect(reachability({ "dns://169.254.20.10:53": 5, "dns://10.96.0.10:53": 0 }).verdict).toBe(
      "link-local-only",
    );
    expect(reachability({ "dns://169.254.20.10:53": 0 }).verdict).toBe("no-traffic");
  });
});

describe("aggregateCluster", () => {
  it("adds rates and takes the worst and median p99", () => {
    const rates = (qps: number, p99: number) => ({
      intervalSeconds: 5,
      reset: false,
      queriesPerSecond: qps,
      hitsPerSecond: qps / 2,
      missesPerSecond: qps / 2,
      hitsSuccessPerSecond: 0,
      hitsDenialPerSecond: 0,
      hitRatio: 0.5,
      evictionsPerSecond: 0,
      prefetchesPerSecond: 0,
      servedStalePerSecond: 0,
      responsesPerSecondByRcode: { SERVFAIL: 1 },
      upstreamPerSecond: 1,
      upstreamHealthcheckFailuresPerSecond: 0,
      latencyP50: 0.001,
      latencyP90: 0.002,
      latencyP99: p99,
      upstreamLatencyP99: null,
    });
    const a = aggregateCluster([
      { scrape: null, rates: rates(10, 0.01) },
      { scrape: null, rates: rates(30, 0.05) },
      { scrape: null, rates: null },
    ]);
    expect(a.queriesPerSecond).toBe(40);
    expect(a.hitRatio).toBe(0.5);
    expect(a.responsesPerSecondByRcode.SERVFAIL).toBe(2);
    expect(a.latencyP99Max).toBe(0.05);
    expect(a.latencyP99Median).toBeCloseTo(0.03);
    expect(median([])).toBeNull();
  });
});
