import { describe, expect, it } from "vitest";
import { ObjectStore, RESOURCES } from "@/sim/k8s/store";
import { createEventRecorder } from "@/sim/objects/events";

describe("simulated Events", () => {
  it("two recorders writing for one pod in the same millisecond both keep their event", () => {
    const store = new ObjectStore();
    const pod = store.create(RESOURCES.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "node-local-dns-abcde", namespace: "kube-system" },
      spec: { containers: [{ name: "node-cache", image: "node-cache:1" }] },
    });
    const at = new Date("2026-12-02T03:04:05.678Z");
    const scheduler = createEventRecorder(store, { component: "default-scheduler" }, () => at);
    const kubelet = createEventRecorder(store, { component: "kubelet", host: "node-1" }, () => at);
    scheduler.record(
      pod,
      "Normal",
      "Scheduled",
      "Successfully assigned kube-system/node-local-dns-abcde to node-1",
    );
    kubelet.record(pod, "Normal", "Pulled", 'Container image "node-cache:1" already present on machine');
    kubelet.record(pod, "Normal", "Created", "Created container node-cache");
    const reasons = store
      .list(RESOURCES.events, "kube-system")
      .items.map((e) => (e as unknown as { reason: string }).reason)
      .sort();
    expect(reasons).toEqual(["Created", "Pulled", "Scheduled"]);
  });
});
