import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  daemonSetStatus,
  planDaemonSet,
  resolveMaxUnavailable,
  templateHash,
  type DaemonPodView,
} from "../../sim/k8s/daemonset-controller-plan";

const NODES = ["node-1", "node-2", "node-3"];

function pod(
  name: string,
  nodeName: string,
  hash: string,
  extra: Partial<DaemonPodView> = {},
): DaemonPodView {
  return {
    name,
    nodeName,
    hash,
    terminating: false,
    ready: true,
    failed: false,
    creationTimestamp: "2026-01-01T00:00:00Z",
    ...extra,
  };
}

describe("maxUnavailable", () => {
  it("rounds percentages up, as Kubernetes does for DaemonSets, and never goes below 1", () => {
    expect(resolveMaxUnavailable("10%", 3)).toBe(1);
    expect(resolveMaxUnavailable("10%", 10)).toBe(1);
    expect(resolveMaxUnavailable("10%", 11)).toBe(2);
    expect(resolveMaxUnavailable("10%", 0)).toBe(1);
    expect(resolveMaxUnavailable(2, 5)).toBe(2);
    expect(resolveMaxUnavailable(undefined, 5)).toBe(1);
  });
});

describe("template hash", () => {
  it("is stable across key order and changes with the template", () => {
    const a = templateHash({ metadata: { labels: { a: "1" } }, spec: { x: 1, y: 2 } });
    expect(templateHash({ spec: { y: 2, x: 1 }, metadata: { labels: { a: "1" } } })).toBe(a);
    expect(
      templateHash({ metadata: { labels: { a: "1" }, annotations: { r: "now" } }, spec: { x: 1, y: 2 } }),
    ).not.toBe(a);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5,10}$/);
  });
});

describe("planDaemonSet", () => {
  const base = { nodes: NODES, hash: "new", maxUnavailable: 1, rollingUpdate: true };

  it("creates a pod on every node that has none", () => {
    expect(planDaemonSet({ ...base, pods: [pod("a", "node-2", "new")] })).toEqual({
      create: ["node-1", "node-3"],
      delete: [],
    });
  });

  it("deletes pods on nodes that are gone and extra pods on a node (keeping the oldest)", () => {
    const pods = [
      pod("a", "node-1", "new"),
      pod("b", "node-2", "new", { creationTimestamp: "2026-01-01T00:00:01Z" }),
      pod("c", "node-2", "new"),
      pod("d", "node-3", "new"),
      pod("e", "node-9", "new"),
    ];
    expect(planDaemonSet({ ...base, pods })).toEqual({ create: [], delete: ["b", "e"] });
  });

  it("replaces a pod while the old one on the node is still terminating", () => {
    const pods = [
      pod("a", "node-1", "old", { terminating: true }),
      pod("b", "node-2", "new"),
      pod("c", "node-3", "new"),
    ];
    expect(planDaemonSet({ ...base, pods })).toEqual({ create: ["node-1"], delete: [] });
  });

  it("rolls one node at a time with maxUnavailable 1: waits while a new pod is not ready", () => {
    const allOld = NODES.map((n, i) => pod(`o${i}`, n, "old"));
    expect(planDaemonSet({ ...base, pods: allOld })).toEqual({ create: [], delete: ["o0"] });
    const oneNewNotReady = [pod("n0", "node-1", "new", { ready: false }), ...allOld.slice(1)];
    expect(planDaemonSet({ ...base, pods: oneNewNotReady })).toEqual({ create: [], delete: [] });
    const oneNewReady = [pod("n0", "node-1", "new"), ...allOld.slice(1)];
    expect(planDaemonSet({ ...base, pods: oneNewReady })).toEqual({ create: [], delete: ["o1"] });
  });

  it("replaces old pods that are unavailable anyway, counting them against the budget", () => {
    const pods = [
      pod("o0", "node-1", "old", { ready: false }),
      pod("o1", "node-2", "old"),
      pod("o2", "node-3", "old"),
    ];
    expect(planDaemonSet({ ...base, pods })).toEqual({ create: [], delete: ["o0"] });
    expect(planDaemonSet({ ...base, maxUnavailable: 2, pods })).toEqual({ create: [], delete: ["o0", "o1"] });
  });

  it("does not roll when the strategy is OnDelete", () => {
    const pods = NODES.map((n, i) => pod(`o${i}`, n, "old"));
    expect(planDaemonSet({ ...base, rollingUpdate: false, pods })).toEqual({ create: [], delete: [] });
  });

  it("never takes more than maxUnavailable nodes down, whatever the state (property)", () => {
    const podArb = fc.record({
      node: fc.constantFrom(...NODES),
      isNew: fc.boolean(),
      ready: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(podArb, { maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (specs, maxUnavailable) => {
          // At most one live pod per node (manage() has settled).
          const seen = new Set<string>();
          const pods = specs
            .filter((s) => !seen.has(s.node) && seen.add(s.node))
            .map((s, i) => pod(`p${i}`, s.node, s.isNew ? "new" : "old", { ready: s.ready }));
          const plan = planDaemonSet({ ...base, maxUnavailable, pods });
          const deleted = new Set(plan.delete);
          const unavailableAfter = NODES.filter((n) => {
            const p = pods.find((x) => x.nodeName === n);
            return !p || !p.ready || deleted.has(p.name);
          }).length;
          const unavailableBefore = NODES.filter((n) => !pods.find((x) => x.nodeName === n)?.ready).length;
          expect(unavailableAfter).toBeLessThanOrEqual(Math.max(maxUnavailable, unavailableBefore));
        },
      ),
    );
  });
});

describe("daemonSetStatus", () => {
  it("counts what kubectl rollout status compares", () => {
    const pods = [
      pod("a", "node-1", "new"),
      pod("b", "node-2", "old"),
      pod("c", "node-3", "new", { ready: false }),
    ];
    expect(daemonSetStatus({ nodes: NODES, pods, hash: "new", generation: 4 })).toEqual({
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 2,
      numberAvailable: 2,
      numberUnavailable: 1,
      updatedNumberScheduled: 2,
      observedGeneration: 4,
    });
  });

  it("omits numberUnavailable when every node is available", () => {
    const pods = NODES.map((n, i) => pod(`p${i}`, n, "new"));
    const s = daemonSetStatus({ nodes: NODES, pods, hash: "new", generation: 1 });
    expect(s.numberUnavailable).toBeUndefined();
    expect(s.numberAvailable).toBe(3);
    expect(s.updatedNumberScheduled).toBe(3);
  });
});
