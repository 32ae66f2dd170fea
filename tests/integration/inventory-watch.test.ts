/**
 * The inventory's watches (lib/k8s/inventory.ts) against the simulated API server: they ask for
 * bookmarks, so a quiet watch keeps a fresh resourceVersion while the rest of the cluster changes and
 * resumes without listing every pod again; and a watch whose version did leave the server's window
 * (410 Gone) lists again and misses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOURCES } from "@/sim/k8s/store";
import { TEST_NS, startTestApiServer, type TestApiServer } from "@/sim/k8s/testing";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { waitFor } from "../support/ports";

const OPTIONS = {
  namespace: TEST_NS,
  podSelector: "k8s-app=node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
  metricsPort: 9253,
  // Each watch ends after a second and resumes from the last version it saw.
  watchTimeoutSeconds: 1,
};

/** Writes that none of the inventory's watches is interested in, enough to leave a 5-change window. */
function churn(t: TestApiServer, n: number): void {
  for (let i = 0; i < n; i++)
    t.store.mutate(
      RESOURCES.configmaps,
      TEST_NS,
      "node-local-dns",
      (o) => void (o.data = { ...(o.data as object), churn: String(i) }),
    );
}

function addNode(t: TestApiServer, name: string): void {
  t.store.create(RESOURCES.nodes, {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    status: { conditions: [{ type: "Ready", status: "True" }] },
  });
}

function addPod(t: TestApiServer, name: string, node: string): void {
  t.store.create(RESOURCES.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: TEST_NS, labels: { "k8s-app": "node-local-dns" } },
    spec: { nodeName: node, containers: [{ name: "node-cache", image: "node-cache:1" }] },
  });
}

const podWatches = (t: TestApiServer) =>
  t.requests.filter((r) => r.verb === "watch" && r.resource === "pods").length;

/** Waits until the pod watch has reconnected `n` more times, so a resume after the churn happened. */
async function reconnects(t: TestApiServer, n: number): Promise<void> {
  const before = podWatches(t);
  await waitFor(`${n} more pod watches`, () => (podWatches(t) >= before + n ? true : undefined), 30_000);
}

describe("inventory watches", () => {
  let fresh: TestApiServer;
  let stale: TestApiServer;
  beforeAll(async () => {
    // Bookmarks every 100 ms against one only once a minute (as a real server sends them).
    fresh = await startTestApiServer({ base: 144, watchWindow: 5, bookmarkIntervalMs: 100 });
    stale = await startTestApiServer({ base: 164, watchWindow: 5 });
  });
  afterAll(async () => {
    await fresh?.close();
    await stale?.close();
  });

  it("ask for bookmarks: after many unrelated changes a quiet watch resumes without listing again", async () => {
    const inv = new ClusterInventory(fresh.admin, OPTIONS);
    await inv.start();
    try {
      expect(inv.snapshot().synced).toBe(true);
      // Churn while the pod watch is connected: its bookmarks carry the newest version past it.
      await reconnects(fresh, 1);
      churn(fresh, 20);
      await reconnects(fresh, 2);
      addPod(fresh, "node-local-dns-after", "node-2");
      await waitFor(
        "the new pod",
        () => (inv.snapshot().pods.some((p) => p.name === "node-local-dns-after") ? true : undefined),
        30_000,
      );
      expect(inv.listCounts()).toEqual({ nodes: 1, pods: 1, daemonsets: 1 });
    } finally {
      await inv.stop();
    }
  });

  it("a resume from a version outside the window (410) lists again and misses no pod", async () => {
    const inv = new ClusterInventory(stale.admin, OPTIONS);
    await inv.start();
    try {
      await reconnects(stale, 1);
      // A pod added, then enough other changes that its version leaves the window before the watch
      // resumes: the pod is delivered live; the next resume gets 410 and lists again.
      addPod(stale, "node-local-dns-during", "node-3");
      churn(stale, 20);
      await waitFor("a second pod list", () => (inv.listCounts().pods >= 2 ? true : undefined), 30_000);
      addPod(stale, "node-local-dns-after", "node-4");
      await waitFor(
        "the pod added after the re-list",
        () => (inv.snapshot().pods.some((p) => p.name === "node-local-dns-after") ? true : undefined),
        30_000,
      );
      const names = inv.snapshot().pods.map((p) => p.name);
      expect(names).toEqual(
        expect.arrayContaining(["node-local-dns-abcde", "node-local-dns-during", "node-local-dns-after"]),
      );
      expect(inv.snapshot().apiProblem).toBeNull();
    } finally {
      await inv.stop();
    }
  });

  it("a changed node is reshaped alone; the others are the same objects, and a new node takes its place by name", async () => {
    for (const n of ["zz-node-10", "zz-node-9"]) addNode(fresh, n);
    const inv = new ClusterInventory(fresh.admin, OPTIONS);
    await inv.start();
    try {
      const before = inv.snapshot();
      const names = before.nodes.map((n) => n.name);
      expect(names.indexOf("zz-node-9")).toBe(names.indexOf("zz-node-10") - 1);
      fresh.store.mutate(
        RESOURCES.nodes,
        undefined,
        "zz-node-9",
        (o) => void (o.status = { conditions: [{ type: "Ready", status: "False" }] }),
        { subresource: "status" },
      );
      const after = await waitFor(
        "the node's change",
        () => {
          const s = inv.snapshot();
          return s.nodes.find((n) => n.name === "zz-node-9")?.ready === false ? s : undefined;
        },
        30_000,
      );
      expect(after.nodes.map((n) => n.name)).toEqual(names);
      for (const [i, n] of after.nodes.entries())
        if (n.name === "zz-node-9") expect(n).not.toBe(before.nodes[i]);
        else expect(n).toBe(before.nodes[i]);
      // A name between the others: placed in name order (node-9 < node-10 < node-11), not appended.
      addNode(fresh, "zz-node-95");
      addNode(fresh, "zz-node-11");
      const grown = await waitFor(
        "the new nodes",
        () => (inv.snapshot().nodes.length === names.length + 2 ? inv.snapshot() : undefined),
        30_000,
      );
      const zz = grown.nodes.map((n) => n.name).filter((n) => n.startsWith("zz-"));
      expect(zz).toEqual(["zz-node-9", "zz-node-10", "zz-node-11", "zz-node-95"]);
    } finally {
      await inv.stop();
    }
  });
});
