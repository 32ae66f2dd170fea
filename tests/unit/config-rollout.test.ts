import { describe, expect, it } from "vitest";
import {
  firstRolloutFailure,
  podRolloutStates,
  rolloutStatus,
  type RolloutDaemonSet,
  type RolloutPod,
} from "@/lib/config/rollout";

const ds = (over: Partial<RolloutDaemonSet> = {}): RolloutDaemonSet => ({
  name: "node-local-dns",
  generation: 3,
  observedGeneration: 3,
  desired: 5,
  updated: 5,
  available: 5,
  ready: 5,
  updateStrategy: "RollingUpdate",
  ...over,
});

describe("rolloutStatus (kubectl's DaemonSetStatusViewer)", () => {
  it("waits for the controller to observe a new generation first, whatever the counts say", () => {
    expect(rolloutStatus(ds({ generation: 4 }))).toMatchObject({
      done: false,
      phase: "observing",
      message: "Waiting for daemon set spec update to be observed...",
    });
  });

  it("then waits for every desired pod to be updated", () => {
    expect(rolloutStatus(ds({ updated: 2, available: 4, ready: 4 }))).toEqual({
      done: false,
      phase: "updating",
      message:
        'Waiting for daemon set "node-local-dns" rollout to finish: 2 out of 5 new pods have been updated...',
      desired: 5,
      updated: 2,
      ready: 4,
      available: 4,
    });
  });

  it("then for every pod to be available", () => {
    expect(rolloutStatus(ds({ available: 3 }))).toMatchObject({
      done: false,
      phase: "becoming-available",
      message:
        'Waiting for daemon set "node-local-dns" rollout to finish: 3 of 5 updated pods are available...',
    });
  });

  it("is done when updated and available reach desired (an older observed generation is fine too)", () => {
    expect(rolloutStatus(ds())).toMatchObject({
      done: true,
      phase: "complete",
      message: 'daemon set "node-local-dns" successfully rolled out',
    });
    expect(rolloutStatus(ds({ generation: 2 })).done).toBe(true);
    expect(rolloutStatus(ds({ desired: 0, updated: 0, available: 0, ready: 0 })).done).toBe(true);
  });

  it("treats a missing strategy as RollingUpdate (the API server's default) and refuses OnDelete", () => {
    expect(rolloutStatus({ ...ds(), updateStrategy: undefined }).phase).toBe("complete");
    expect(rolloutStatus(ds({ updateStrategy: "OnDelete", updated: 0 }))).toMatchObject({
      done: true,
      phase: "unsupported",
      message: "rollout status is only available for RollingUpdate strategy type",
    });
  });
});

const NOW = new Date("2026-03-01T12:00:00Z");
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const pod = (over: Partial<RolloutPod> & { name: string; nodeName: string | null }): RolloutPod => ({
  createdAt: ago(30),
  deleting: false,
  ready: true,
  restarts: 0,
  templateHash: "new1",
  status: "Running",
  ...over,
});

describe("podRolloutStates", () => {
  it("shows per node the pod that stays (new over terminating old), sorted by node", () => {
    const states = podRolloutStates(
      [
        pod({ name: "nld-b", nodeName: "node-b", templateHash: "old0", createdAt: ago(9000) }),
        pod({
          name: "nld-a-old",
          nodeName: "node-a",
          templateHash: "old0",
          deleting: true,
          status: "Terminating",
        }),
        pod({
          name: "nld-a",
          nodeName: "node-a",
          ready: false,
          status: "ContainerCreating",
          createdAt: ago(2),
        }),
      ],
      "new1",
      NOW,
    );
    expect(states).toEqual([
      {
        node: "node-a",
        pod: "nld-a",
        revision: "new",
        ready: false,
        restarts: 0,
        waitingReason: "ContainerCreating",
        otherPods: ["nld-a-old"],
        scheduling: false,
        failure: { failed: false },
      },
      {
        node: "node-b",
        pod: "nld-b",
        revision: "old",
        ready: true,
        restarts: 0,
        waitingReason: null,
        otherPods: [],
        scheduling: false,
        failure: { failed: false },
      },
    ]);
  });

  it("flags a new pod in CrashLoopBackOff or Error", () => {
    const [crash, err] = podRolloutStates(
      [
        pod({ name: "p1", nodeName: "n1", ready: false, restarts: 1, status: "CrashLoopBackOff" }),
        pod({ name: "p2", nodeName: "n2", ready: false, status: "Error" }),
      ],
      "new1",
      NOW,
    );
    expect(crash?.failure).toEqual({ failed: true, reason: "pod p1 is CrashLoopBackOff after 1 restart" });
    expect(crash?.waitingReason).toBe("CrashLoopBackOff");
    expect(err?.failure).toEqual({ failed: true, reason: "pod p2 is Error" });
  });

  it("flags a new pod restarted twice even while it is briefly running", () => {
    const [s] = podRolloutStates([pod({ name: "p", nodeName: "n", restarts: 2 })], "new1", NOW);
    expect(s?.failure).toEqual({ failed: true, reason: "pod p has restarted 2 times: it is crash-looping" });
    const [once] = podRolloutStates([pod({ name: "p", nodeName: "n", restarts: 1 })], "new1", NOW);
    expect(once?.failure.failed).toBe(false);
  });

  it("flags a new pod not ready by the deadline after creation, and not before", () => {
    const at = (ageS: number, opts = {}) =>
      podRolloutStates(
        [pod({ name: "p", nodeName: "n", ready: false, createdAt: ago(ageS) })],
        "new1",
        NOW,
        opts,
      )[0]?.failure;
    expect(at(119)).toEqual({ failed: false });
    expect(at(120)).toEqual({
      failed: true,
      reason: "pod p is not ready 120 s after it was created (deadline 120 s)",
    });
    expect(at(31, { readyDeadlineSeconds: 30 })?.failed).toBe(true);
    expect(
      podRolloutStates([pod({ name: "p", nodeName: "n", createdAt: ago(600) })], "new1", NOW)[0]?.failure
        .failed,
    ).toBe(false);
  });

  it("never blames the rollout for an old pod's trouble", () => {
    const [s] = podRolloutStates(
      [
        pod({
          name: "p",
          nodeName: "n",
          templateHash: "old0",
          restarts: 9,
          status: "CrashLoopBackOff",
          ready: false,
          createdAt: ago(9999),
        }),
      ],
      "new1",
      NOW,
    );
    expect(s).toMatchObject({
      revision: "old",
      failure: { failed: false },
      waitingReason: "CrashLoopBackOff",
    });
  });

  it("lists an unscheduled pod under (unscheduled), and treats a pod without a hash as old", () => {
    const [s] = podRolloutStates(
      [pod({ name: "p", nodeName: null, templateHash: null, ready: false, status: "Pending" })],
      "new1",
      NOW,
    );
    expect(s).toMatchObject({ node: "(unscheduled)", revision: "old", waitingReason: null });
  });

  it("firstRolloutFailure picks the first failed node", () => {
    const states = podRolloutStates(
      [
        pod({ name: "a", nodeName: "n1" }),
        pod({ name: "b", nodeName: "n2", status: "CrashLoopBackOff", ready: false, restarts: 3 }),
        pod({ name: "c", nodeName: "n3", status: "Error", ready: false }),
      ],
      "new1",
      NOW,
    );
    expect(firstRolloutFailure(states)).toEqual({
      node: "n2",
      reason: "pod b is CrashLoopBackOff after 3 restarts",
    });
    expect(firstRolloutFailure(states.slice(0, 1))).toBeNull();
  });
});
