/**
 * A rollout whose new pods wait for the scheduler: the DaemonSet controller creates each with node
 * affinity only (as the real one does since ScheduleDaemonSetPods) and the simulated scheduler binds
 * it only after `schedulerDelayMs`. Meanwhile the dashboard's API (what /api/nodes and /api/rollout
 * answer) keeps every node, the affected one "scheduling" — never "(unscheduled)" nor a missing row —
 * and the rollout completes once the pods are bound.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import type { Dashboard } from "@/lib/dashboard";
import type { RolloutProgress } from "@/lib/config/rollout-progress";
import type { NodesResponse } from "@/lib/api-types";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { deployRbacObjects } from "../support/deploy-rbac";
import { waitFor } from "../support/ports";

const NODES = 3;
const SCHEDULER_DELAY_MS = 4000;
let cluster: SimCluster;
let d: Dashboard;
let nodesView: (d: Dashboard) => Promise<NodesResponse>;
let stopDashboard: () => Promise<void>;

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: NODES,
    addressBase: 5,
    apiPort: 0,
    dnsPort: 0,
    outDir: ".sim/test-rollout-scheduling",
    extraObjects: deployRbacObjects(),
    timing: {
      containerStartMs: 150,
      configSyncMs: 300,
      backoffBaseMs: 300,
      pod: { configCheckMs: 200, reloadMs: 300 },
      schedulerDelayMs: SCHEDULER_DELAY_MS,
    },
  });
  Object.assign(process.env, {
    KUBECONFIG: cluster.kubeconfigPath,
    DASHBOARD_CONTEXT: "dashboard",
    DASHBOARD_SCRAPE_INTERVAL_MS: "300",
    DASHBOARD_SCRAPE_TRANSPORT: "direct",
  });
  const dashboard = await import("@/lib/dashboard");
  stopDashboard = dashboard.stopDashboard;
  nodesView = (await import("@/lib/views/nodes")).nodesView;
  d = await dashboard.startDashboard();
  await waitFor(
    "every node's pod ready and scraped",
    async () => {
      const v = await nodesView(d);
      return v.nodes.length === NODES && v.nodes.every((r) => r.podReady && r.cache) ? true : undefined;
    },
    60_000,
  );
}, 90_000);

afterAll(async () => {
  await stopDashboard?.();
  await cluster?.stop();
});

describe("a rollout whose pods wait for the scheduler", () => {
  it("shows every node, the waiting ones 'scheduling', and completes once they are bound", async () => {
    const nodeNames = cluster.description.nodes.map((n) => n.name).sort();
    const seenNodeSets = new Set<string>();
    await d.config.restart();
    // One observation per poll: what GET /api/rollout and GET /api/nodes would answer now.
    const during = await waitFor(
      "a new pod created for its node and not yet bound",
      async () => {
        const progress: RolloutProgress = await d.config.rollout();
        const view = await nodesView(d);
        seenNodeSets.add(progress.nodes.map((n) => n.node).join(","));
        const waiting = progress.nodes.find((n) => n.scheduling);
        if (!waiting) return undefined;
        const row = view.nodes.find((r) => r.node === waiting.node);
        if (row?.pod !== waiting.pod) return undefined;
        return { progress, view, waiting, row };
      },
      30_000,
      50,
    );
    // The pod really is unbound in the cluster: affinity only, PodScheduled=False.
    const pod = cluster.store.get(RESOURCES.pods, "kube-system", during.waiting.pod)!;
    expect((pod.spec as { nodeName?: string }).nodeName).toBeUndefined();
    expect((pod.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(
      expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable" }),
    );

    // Its log, as the API server answers for a pod no kubelet has yet: empty, not an error.
    const admin = loadKubeConfig("sim").makeApiClient(CoreV1Api);
    expect(
      await admin.readNamespacedPodLog({
        name: during.waiting.pod,
        namespace: "kube-system",
        container: "node-cache",
      }),
    ).toBe("");

    expect(during.progress.nodes.map((n) => n.node)).toEqual(nodeNames);
    expect(during.waiting).toMatchObject({
      revision: "new",
      ready: false,
      podStatus: "Scheduling",
      waitingReason: null,
      failure: { failed: false },
    });
    expect(during.progress.failure).toBeNull();
    expect(during.progress.status.done).toBe(false);
    expect(during.view.nodes.map((r) => r.node)).toEqual(nodeNames);
    expect(during.row).toMatchObject({ podReady: false, podStatus: "Scheduling" });

    const done = await waitFor(
      "the rollout complete on every node",
      async () => {
        const p = await d.config.rollout();
        seenNodeSets.add(p.nodes.map((n) => n.node).join(","));
        return p.status.done && p.nodes.every((n) => n.revision === "new" && n.ready && !n.scheduling)
          ? p
          : undefined;
      },
      60_000,
      50,
    );
    expect(done.status).toMatchObject({
      phase: "complete",
      desired: NODES,
      updated: NODES,
      available: NODES,
    });
    expect(done.nodes.map((n) => n.node)).toEqual(nodeNames);
    // Never a pod under "(unscheduled)", never a node's row missing while its new pod waited.
    expect([...seenNodeSets].filter((s) => s.includes("(unscheduled)"))).toEqual([]);
    for (const p of cluster.store.list(RESOURCES.pods, "kube-system").items)
      expect((p.spec as { nodeName?: string }).nodeName).toMatch(/^node-\d+$/);
    const after = await nodesView(d);
    expect(after.nodes.map((r) => r.node)).toEqual(nodeNames);
    expect(after.nodes.every((r) => r.podReady)).toBe(true);
  }, 120_000);
});
