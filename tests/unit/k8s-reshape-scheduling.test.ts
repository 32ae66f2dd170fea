/**
 * A DaemonSet pod the scheduler has not bound yet: the DaemonSet controller (ScheduleDaemonSetPods,
 * since 1.12) creates it with `matchFields: metadata.name In [node]` and no spec.nodeName. The
 * dashboard attributes it to that node, "Scheduling", instead of leaving the node without a pod.
 */
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { podForNode, podTargetNode, reshapePod } from "@/lib/k8s/reshape";
import { podRolloutStates } from "@/lib/config/rollout";

const NOW = new Date("2026-12-01T00:10:00Z");

function affinity(terms: { key: string; operator: string; values?: string[] }[][]): V1Pod["spec"] {
  return {
    containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.26.4" }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map((matchFields) => ({ matchFields })),
        },
      },
    },
  };
}

/** As the real DaemonSet controller writes it (pkg/controller/daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity). */
function daemonPod(name: string, node: string, over: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: "kube-system",
      creationTimestamp: new Date("2026-12-01T00:09:00Z"),
      labels: { "controller-revision-hash": "new1" },
    },
    spec: affinity([[{ key: "metadata.name", operator: "In", values: [node] }]]),
    status: {
      phase: "Pending",
      qosClass: "Burstable",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
        },
      ],
    },
    ...over,
  };
}

describe("podTargetNode (GetTargetNodeName)", () => {
  it("is spec.nodeName once the pod is bound", () => {
    const p = daemonPod("a", "node-2");
    p.spec = { ...p.spec!, nodeName: "node-2" };
    expect(podTargetNode(p)).toBe("node-2");
  });

  it("is the one node of a metadata.name In matchFields term while unbound", () => {
    expect(podTargetNode(daemonPod("a", "node-3"))).toBe("node-3");
  });

  it("finds the term among other terms and requirements", () => {
    const p: V1Pod = {
      spec: affinity([
        [{ key: "metadata.name", operator: "NotIn", values: ["x"] }],
        [
          { key: "other", operator: "In", values: ["y"] },
          { key: "metadata.name", operator: "In", values: ["node-7"] },
        ],
      ]),
    };
    expect(podTargetNode(p)).toBe("node-7");
  });

  it("is null when no term names exactly one node", () => {
    expect(
      podTargetNode({ spec: affinity([[{ key: "metadata.name", operator: "In", values: ["a", "b"] }]]) }),
    ).toBeNull();
    expect(podTargetNode({ spec: affinity([[{ key: "metadata.name", operator: "Exists" }]]) })).toBeNull();
    expect(podTargetNode({ spec: { containers: [] } })).toBeNull();
    expect(podTargetNode({})).toBeNull();
  });
});

describe("reshapePod of a pod waiting for the scheduler", () => {
  it("is attributed to its node, not scheduled, status Scheduling (kubectl: Pending)", () => {
    const p = reshapePod(daemonPod("node-local-dns-abcde", "node-2"), "node-cache", 9253);
    expect(p).toMatchObject({
      nodeName: "node-2",
      scheduled: false,
      phase: "Pending",
      status: "Scheduling",
      ready: false,
      podIP: null,
    });
  });

  it("a bound pod is scheduled, with its kubelet's status", () => {
    const raw = daemonPod("node-local-dns-abcde", "node-2");
    raw.spec = { ...raw.spec!, nodeName: "node-2" };
    raw.status = {
      phase: "Pending",
      containerStatuses: [
        {
          name: "node-cache",
          image: "x",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ContainerCreating" } },
        },
      ],
    };
    expect(reshapePod(raw, "node-cache", 9253)).toMatchObject({
      nodeName: "node-2",
      scheduled: true,
      status: "ContainerCreating",
    });
  });

  it("a terminating unbound pod is Terminating", () => {
    const raw = daemonPod("p", "node-2");
    raw.metadata = { ...raw.metadata, deletionTimestamp: NOW };
    expect(reshapePod(raw, "node-cache", 9253).status).toBe("Terminating");
  });

  it("stands for its node beside the old pod still terminating there", () => {
    const oldRaw = daemonPod("old", "node-2", {});
    oldRaw.metadata = {
      ...oldRaw.metadata,
      labels: { "controller-revision-hash": "old1" },
      creationTimestamp: new Date("2026-11-30T00:00:00Z"),
      deletionTimestamp: NOW,
    };
    oldRaw.spec = { ...oldRaw.spec!, nodeName: "node-2" };
    const pods = [
      reshapePod(oldRaw, "node-cache", 9253),
      reshapePod(daemonPod("new", "node-2"), "node-cache", 9253),
    ];
    expect(podForNode(pods, "node-2")?.name).toBe("new");
    expect(podForNode(pods, "node-1")).toBeNull();
  });
});

describe("the rollout view of a pod waiting for the scheduler", () => {
  it("shows the node's row, scheduling, new revision, not a failure and no waiting reason", () => {
    const pods = [
      reshapePod(daemonPod("new-b", "node-2"), "node-cache", 9253),
      reshapePod(
        {
          ...daemonPod("a", "node-1"),
          spec: { ...daemonPod("a", "node-1").spec!, nodeName: "node-1" },
          status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
        },
        "node-cache",
        9253,
      ),
    ];
    const states = podRolloutStates(pods, "new1", NOW);
    expect(states.map((s) => s.node)).toEqual(["node-1", "node-2"]);
    expect(states[1]).toMatchObject({
      node: "node-2",
      pod: "new-b",
      revision: "new",
      scheduling: true,
      ready: false,
      waitingReason: null,
      failure: { failed: false },
    });
    expect(states[0]).toMatchObject({ node: "node-1", scheduling: false, ready: true });
  });

  it("a pod unbound past the ready deadline is a failure that says so", () => {
    const states = podRolloutStates(
      [reshapePod(daemonPod("new-b", "node-2"), "node-cache", 9253)],
      "new1",
      NOW,
      {
        readyDeadlineSeconds: 30,
      },
    );
    expect(states[0]).toMatchObject({
      scheduling: true,
      failure: {
        failed: true,
        reason: expect.stringMatching(/^pod new-b is not ready 60 s after it was created/),
      },
    });
  });
});
