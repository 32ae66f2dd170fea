import { describe, expect, it } from "vitest";
import type { ClusterInventory, InventorySnapshot } from "@/lib/k8s/inventory";
import { podsByNode } from "@/lib/k8s/reshape";
import { MetricsCollector } from "@/lib/metrics/collector";
import type { MetricsFetcher, TransportKind } from "@/lib/metrics/transports";

const base: Omit<InventorySnapshot, "podByNode"> = {
  synced: true,
  apiProblem: null,
  daemonSet: null,
  layout: null,
  nodes: [
    {
      name: "node-1",
      internalIP: "10.0.0.1",
      ready: true,
      unschedulable: false,
      kubeletVersion: "v1.32.0",
      conditions: [],
    },
  ],
  pods: [
    {
      name: "node-local-dns-abcde",
      namespace: "kube-system",
      nodeName: "node-1",
      scheduled: true,
      podIP: null,
      phase: "Pending",
      ready: false,
      status: "ContainerCreating",
      restarts: 0,
      startedAt: null,
      createdAt: "2026-12-01T00:00:00Z",
      image: null,
      metricsPort: 9253,
      deleting: false,
      templateHash: null,
    },
  ],
};
const snapshot: InventorySnapshot = { ...base, podByNode: podsByNode(base.pods) };

describe("a cache pod with no IP yet (issue 16)", () => {
  it("is reported as 'no IP yet' in every transport mode, with no failing call to any transport", async () => {
    for (const transport of ["auto", "direct", "proxy", "portforward"] as const) {
      const calls: TransportKind[] = [];
      const fetcher =
        (kind: TransportKind): MetricsFetcher =>
        () => {
          calls.push(kind);
          return Promise.reject(new Error("must not be called"));
        };
      const collector = new MetricsCollector(
        { snapshot: () => snapshot } as unknown as ClusterInventory,
        { direct: fetcher("direct"), proxy: fetcher("proxy"), portforward: fetcher("portforward") },
        {
          intervalMs: 5000,
          timeoutMs: 1000,
          concurrency: 4,
          maxBytes: 1e6,
          maxSamples: 1e4,
          retentionMinutes: 5,
          transport,
        },
      );
      await collector.round();
      expect(calls, transport).toEqual([]);
      expect(collector.latest("node-1")?.error?.message, transport).toBe(
        "no IP yet: pod node-local-dns-abcde is ContainerCreating",
      );
      await collector.stop();
    }
  });
});
