import type { CoreV1Event, V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { conditionAlerts, newestEventsFirst, reshapeEvent, reshapeNode } from "@/lib/k8s/reshape";
import type { PodEvent } from "@/lib/k8s/types";

const T0 = new Date("2026-01-01T10:00:00Z");

function node(conditions: { type: string; status: string; reason?: string; message?: string }[]): V1Node {
  return {
    metadata: { name: "node-1" },
    status: { conditions: conditions.map((c) => ({ ...c, lastTransitionTime: T0 })) },
  };
}

describe("node conditions", () => {
  it("keeps every condition with status, reason, message and since, and says which are nominal", () => {
    const n = reshapeNode(
      node([
        { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory", message: "low" },
        { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure" },
        { type: "PIDPressure", status: "False" },
        { type: "NetworkUnavailable", status: "False", reason: "RouteCreated" },
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ]),
    );
    expect(n.ready).toBe(true);
    expect(n.conditions).toEqual([
      {
        type: "MemoryPressure",
        status: "True",
        reason: "KubeletHasInsufficientMemory",
        message: "low",
        since: "2026-01-01T10:00:00.000Z",
        nominal: false,
      },
      {
        type: "DiskPressure",
        status: "False",
        reason: "KubeletHasNoDiskPressure",
        message: null,
        since: "2026-01-01T10:00:00.000Z",
        nominal: true,
      },
      {
        type: "PIDPressure",
        status: "False",
        reason: null,
        message: null,
        since: "2026-01-01T10:00:00.000Z",
        nominal: true,
      },
      {
        type: "NetworkUnavailable",
        status: "False",
        reason: "RouteCreated",
        message: null,
        since: "2026-01-01T10:00:00.000Z",
        nominal: true,
      },
      {
        type: "Ready",
        status: "True",
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
        since: "2026-01-01T10:00:00.000Z",
        nominal: true,
      },
    ]);
    expect(conditionAlerts(n.conditions)).toEqual(["MemoryPressure=True"]);
  });

  it("marks Unknown (the kubelet stopped posting) and a NotReady node's pressures, but not Ready itself", () => {
    const n = reshapeNode(
      node([
        { type: "Ready", status: "Unknown", reason: "NodeStatusUnknown" },
        { type: "DiskPressure", status: "Unknown" },
        { type: "KernelDeadlock", status: "True", reason: "DockerHung" },
        { type: "PIDPressure", status: "False" },
      ]),
    );
    expect(n.ready).toBe(false);
    expect(n.conditions.map((c) => [c.type, c.nominal])).toEqual([
      ["Ready", false],
      ["DiskPressure", false],
      ["KernelDeadlock", false],
      ["PIDPressure", true],
    ]);
    expect(conditionAlerts(n.conditions)).toEqual(["DiskPressure=Unknown", "KernelDeadlock=True"]);
  });

  it("a node with no status has no conditions", () => {
    expect(reshapeNode({ metadata: { name: "x" } }).conditions).toEqual([]);
  });
});

describe("pod events", () => {
  it("reads a core v1 Event the kubelet recorded", () => {
    const e: CoreV1Event = {
      metadata: { name: "p.1", namespace: "kube-system" },
      involvedObject: { kind: "Pod", name: "p" },
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container node-cache in pod p_kube-system(u)",
      count: 7,
      firstTimestamp: new Date("2026-01-01T10:00:00Z"),
      lastTimestamp: new Date("2026-01-01T10:05:00Z"),
      source: { component: "kubelet", host: "node-2" },
    };
    expect(reshapeEvent(e)).toEqual({
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container node-cache in pod p_kube-system(u)",
      count: 7,
      firstSeen: "2026-01-01T10:00:00.000Z",
      lastSeen: "2026-01-01T10:05:00.000Z",
      source: "kubelet node-2",
    });
  });

  it("reads an events.k8s.io/v1 Event seen through core v1 (eventTime, series, reportingController)", () => {
    const once: CoreV1Event = {
      metadata: { name: "p.2", creationTimestamp: new Date("2026-01-01T10:00:01Z") },
      involvedObject: { kind: "Pod", name: "p" },
      type: "Normal",
      reason: "Scheduled",
      message: "Successfully assigned kube-system/p to node-2",
      eventTime: new Date("2026-01-01T10:00:00.123Z"),
      reportingComponent: "default-scheduler",
      reportingInstance: "default-scheduler-control-plane",
    };
    expect(reshapeEvent(once)).toMatchObject({
      count: 1,
      firstSeen: "2026-01-01T10:00:00.123Z",
      lastSeen: "2026-01-01T10:00:00.123Z",
      source: "default-scheduler default-scheduler-control-plane",
    });
    const repeated: CoreV1Event = {
      ...once,
      reason: "Unhealthy",
      type: "Warning",
      series: { count: 12, lastObservedTime: new Date("2026-01-01T10:09:00Z") },
    };
    expect(reshapeEvent(repeated)).toMatchObject({
      count: 12,
      firstSeen: "2026-01-01T10:00:00.123Z",
      lastSeen: "2026-01-01T10:09:00.000Z",
    });
  });

  it("falls back to the object's creation time and defaults a missing type and count", () => {
    const e: CoreV1Event = {
      metadata: { name: "p.3", creationTimestamp: new Date("2026-01-01T11:00:00Z") },
      involvedObject: { kind: "Pod", name: "p" },
      reason: "Killing",
      message: "Stopping container node-cache",
    };
    expect(reshapeEvent(e)).toEqual({
      type: "Normal",
      reason: "Killing",
      message: "Stopping container node-cache",
      count: 1,
      firstSeen: "2026-01-01T11:00:00.000Z",
      lastSeen: "2026-01-01T11:00:00.000Z",
      source: null,
    });
  });

  it("sorts newest first by last seen, ties by first seen, timeless ones last, and caps the list", () => {
    const ev = (reason: string, firstSeen: string | null, lastSeen: string | null): PodEvent => ({
      type: "Normal",
      reason,
      message: "",
      count: 1,
      firstSeen,
      lastSeen,
      source: null,
    });
    const events = [
      ev("Pulled", "2026-01-01T10:00:01Z", "2026-01-01T10:00:01Z"),
      ev("none", null, null),
      ev("BackOff", "2026-01-01T10:00:02Z", "2026-01-01T10:09:00Z"),
      ev("Started", "2026-01-01T10:00:03Z", "2026-01-01T10:00:03Z"),
      ev("Created", "2026-01-01T10:00:02Z", "2026-01-01T10:00:03Z"),
    ];
    expect(newestEventsFirst(events).map((e) => e.reason)).toEqual([
      "BackOff",
      "Started",
      "Created",
      "Pulled",
      "none",
    ]);
    expect(newestEventsFirst(events, 2).map((e) => e.reason)).toEqual(["BackOff", "Started"]);
  });
});
