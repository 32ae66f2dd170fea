import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DashboardError } from "@/lib/errors";
import { logFilterSchema } from "@/lib/logs/filter";
import { chooseFollowedNodes, followableNodes, followedLogFilter } from "@/lib/logs/follow-set";
import type { CachePod } from "@/lib/k8s/types";

const nodesOf = (n: number) => Array.from({ length: n }, (_, i) => `node-${String(i).padStart(4, "0")}`);

describe("chooseFollowedNodes", () => {
  it("follows every node up to the default, and says so", () => {
    const c = chooseFollowedNodes(nodesOf(50), null, 50, 500);
    expect(c).toMatchObject({ ok: true, nodes: null, following: { mode: "all", following: 50, total: 50 } });
    expect(c.ok && c.following.message).toBe("following all 50 nodes");
  });

  it("follows the first nodes by name past the default, and says how to follow others", () => {
    const cluster = nodesOf(5000).reverse();
    const c = chooseFollowedNodes(cluster, null, 50, 500);
    if (!c.ok) throw new Error(c.reason);
    expect([...(c.nodes ?? [])]).toEqual(nodesOf(50));
    expect(c.following).toMatchObject({
      mode: "first",
      following: 50,
      total: 5000,
      max: 50,
      nodes: nodesOf(50),
    });
    expect(c.following.message).toMatch(/^following 50 of 5,000 nodes .* — choose nodes to follow others$/);
  });

  it("honours a choice beyond the default up to the cap, and refuses one past it", () => {
    const cluster = nodesOf(5000);
    const chosen = new Set(cluster.slice(100, 400));
    const c = chooseFollowedNodes(cluster, chosen, 50, 300);
    expect(c).toMatchObject({
      ok: true,
      nodes: chosen,
      following: { mode: "chosen", following: 300, total: 5000 },
    });
    expect(c.ok && c.following.message).toBe("following 300 nodes chosen of 5,000 nodes");
    const over = chooseFollowedNodes(cluster, new Set(cluster.slice(0, 301)), 50, 300);
    expect(over.ok).toBe(false);
    expect(!over.ok && over.reason).toMatch(
      /^301 nodes chosen, but one log stream follows at most 300 \(DASHBOARD_LOG_FOLLOW_CAP\)/,
    );
  });

  it("never caps below the default", () => {
    const cluster = nodesOf(100);
    expect(chooseFollowedNodes(cluster, new Set(cluster.slice(0, 60)), 80, 10).ok).toBe(true);
    expect(chooseFollowedNodes(cluster, new Set(cluster.slice(0, 81)), 80, 10).ok).toBe(false);
  });

  it("follows at most the default and exactly the choice, whatever the cluster and choice", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 60 }),
        fc.option(fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 30 }), { nil: null }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (cluster, chosen, max, cap) => {
          const requested = chosen && chosen.length ? new Set(chosen) : null;
          const c = chooseFollowedNodes(cluster, requested, max, cap);
          if (requested) {
            expect(c.ok).toBe(requested.size <= Math.max(max, cap));
            if (c.ok) expect(c.nodes).toBe(requested);
          } else if (c.ok) {
            if (cluster.length <= max) expect(c.nodes).toBeNull();
            else {
              const followed = [...(c.nodes ?? [])];
              expect(followed).toHaveLength(max);
              // The first by name: nothing left out sorts before anything followed.
              const last = [...followed].sort().at(-1) as string;
              expect(cluster.filter((n) => !c.nodes?.has(n)).every((n) => n > last)).toBe(true);
            }
            expect(c.following.total).toBe(cluster.length);
            expect(c.following.following).toBe(c.nodes === null ? cluster.length : c.nodes.size);
          } else throw new Error("no request cannot be refused");
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("followedLogFilter", () => {
  const pod = (name: string, nodeName: string | null) => ({ name, nodeName }) as CachePod;
  const pods = [pod("a", "n3"), pod("b", "n1"), pod("c", "n2"), pod("d", null), pod("e", "n1")];

  it("counts nodes with a node-local-dns pod, by name", () => {
    expect(followableNodes(pods)).toEqual(["n1", "n2", "n3"]);
  });

  it("runs the filter on the followed nodes, and answers 400 past the cap", () => {
    const { filter, following } = followedLogFilter(logFilterSchema.parse({ name: "x" }), pods, {
      max: 2,
      cap: 2,
    });
    expect([...(filter.nodes ?? [])]).toEqual(["n1", "n2"]);
    expect(following.mode).toBe("first");
    expect(followedLogFilter(logFilterSchema.parse({}), pods, { max: 3, cap: 3 }).filter.nodes).toBeNull();
    expect(() =>
      followedLogFilter(logFilterSchema.parse({ node: "n1,n2,n3" }), pods, { max: 2, cap: 2 }),
    ).toThrow(DashboardError);
  });
});
