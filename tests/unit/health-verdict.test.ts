import { describe, expect, it } from "vitest";
import { HealthTracker, nodeHealth, type HealthInput } from "@/lib/coredns/health";
import { StableOutliers } from "@/lib/coredns/outliers";
import { RatioWindow } from "@/lib/coredns/ratio-window";

const fine: HealthInput = {
  hasPod: true,
  podReady: true,
  podStatus: "Running",
  scrapeError: null,
  scraped: true,
  answersPerSecond: 100,
  servfailPerSecond: 0,
  upstreamHealthcheckFailuresPerSecond: 0,
  latencyP99: 0.004,
  memoryBytes: 30 * 1024 * 1024,
  memoryLimitBytes: 200 * 1024 * 1024,
  reloadFailedTotal: 0,
  hitRatioFarBelowCluster: false,
};

describe("the health verdict of a node", () => {
  it("is healthy when every signal is in line, unknown before the first read", () => {
    expect(nodeHealth(fine)).toEqual({ state: "healthy", reasons: [] });
    expect(nodeHealth({ ...fine, scraped: false }).state).toBe("unknown");
  });

  it("no cache pod, or a pod not ready, is critical with the reason", () => {
    expect(nodeHealth({ ...fine, hasPod: false }).reasons[0]?.code).toBe("no-pod");
    const v = nodeHealth({ ...fine, podReady: false, podStatus: "CrashLoopBackOff" });
    expect(v.state).toBe("critical");
    expect(v.reasons[0]?.message).toMatch(/not ready \(CrashLoopBackOff\)/);
  });

  it("SERVFAIL share: 5 % is a warning, 25 % critical; no traffic is no verdict", () => {
    expect(nodeHealth({ ...fine, servfailPerSecond: 4.9 }).state).toBe("healthy");
    expect(nodeHealth({ ...fine, servfailPerSecond: 5 }).reasons).toEqual([
      { code: "servfail", severity: "warning", message: "5.0 % of answers are SERVFAIL" },
    ]);
    expect(nodeHealth({ ...fine, servfailPerSecond: 30 }).state).toBe("critical");
    expect(nodeHealth({ ...fine, answersPerSecond: 0, servfailPerSecond: 0 }).state).toBe("healthy");
  });

  it("latency, memory near the limit, failing upstreams, failed reloads, a low hit ratio", () => {
    expect(nodeHealth({ ...fine, latencyP99: 0.15 }).reasons[0]?.message).toBe("p99 latency 150 ms");
    expect(nodeHealth({ ...fine, latencyP99: 0.6 }).state).toBe("critical");
    const mem = nodeHealth({ ...fine, memoryBytes: 170 * 1024 * 1024 });
    expect(mem.reasons[0]?.message).toMatch(/memory 170 MiB of its 200 MiB limit \(85 %\)/);
    expect(nodeHealth({ ...fine, memoryBytes: 195 * 1024 * 1024 }).state).toBe("critical");
    expect(nodeHealth({ ...fine, memoryLimitBytes: null, memoryBytes: 1e12 }).state).toBe("healthy");
    expect(nodeHealth({ ...fine, upstreamHealthcheckFailuresPerSecond: 0.2 }).reasons[0]?.code).toBe(
      "upstream-failing",
    );
    expect(nodeHealth({ ...fine, reloadFailedTotal: 1 }).reasons[0]?.code).toBe("reload-failed");
    expect(nodeHealth({ ...fine, hitRatioFarBelowCluster: true }).reasons[0]?.code).toBe("hit-ratio-low");
  });

  it("lists critical reasons first, then warnings", () => {
    const v = nodeHealth({ ...fine, scrapeError: "timed out", podReady: false });
    expect(v.reasons.map((r) => r.severity)).toEqual(["critical", "warning"]);
  });

  it("remembers since when a node has been in its state; a change restarts the clock", () => {
    const t = new HealthTracker();
    const a = new Date("2026-12-01T10:00:00Z");
    const b = new Date("2026-12-01T10:01:00Z");
    const c = new Date("2026-12-01T10:02:00Z");
    expect(t.track("n1", nodeHealth(fine), a).since).toBe(a.toISOString());
    expect(t.track("n1", nodeHealth(fine), b).since).toBe(a.toISOString());
    expect(t.track("n1", nodeHealth({ ...fine, latencyP99: 0.2 }), c).since).toBe(c.toISOString());
  });
});

describe("a hit ratio over the last minute", () => {
  it("sums the window's hits and misses instead of swinging with each interval", () => {
    const w = new RatioWindow(60_000);
    // One cache request per 5 s interval, alternating hit and miss: per interval 100 %, 0 %, 100 %...
    const ratios: (number | null)[] = [];
    for (let i = 0; i < 24; i++) ratios.push(w.push(i * 5000, i % 2 ? 0 : 1, i % 2 ? 1 : 0));
    for (const r of ratios.slice(12)) expect(r).toBeCloseTo(0.5, 1);
  });

  it("is null, not 0 %, when the window saw no cache request; old intervals leave the window", () => {
    const w = new RatioWindow(60_000);
    expect(w.push(0, 0, 0)).toBeNull();
    expect(w.push(5000, 3, 1)).toBe(0.75);
    expect(w.push(70_000, 0, 0)).toBeNull();
    w.clear();
    expect(w.ratio()).toBeNull();
  });
});

describe("stable odd-node marks", () => {
  const nodes = ["a", "b", "c"];
  const signals = ["p99 latency"];
  const odd = (...ns: string[]) => new Map(ns.map((n) => [n, ["p99 latency"]]));

  it("one noisy round neither marks nor clears a node", () => {
    const s = new StableOutliers(3, 3);
    expect(s.update(odd("a"), nodes, signals).size).toBe(0);
    expect(s.update(odd(), nodes, signals).size).toBe(0);
    expect(s.update(odd("a"), nodes, signals).size).toBe(0);
    expect(s.update(odd("a"), nodes, signals).size).toBe(0);
    expect(s.update(odd("a"), nodes, signals).get("a")).toEqual(["p99 latency"]);
    // One round back in line keeps the mark; three clear it.
    expect(s.update(odd(), nodes, signals).get("a")).toEqual(["p99 latency"]);
    expect(s.update(odd("a"), nodes, signals).get("a")).toEqual(["p99 latency"]);
    s.update(odd(), nodes, signals);
    s.update(odd(), nodes, signals);
    expect(s.update(odd(), nodes, signals).size).toBe(0);
  });
});
