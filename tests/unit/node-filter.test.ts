import { describe, expect, it } from "vitest";
import { filterRows } from "@/components/nodes/node-filter";
import type { NodeRow } from "@/lib/api-types";

function row(node: string, over: Partial<NodeRow> = {}): NodeRow {
  return {
    node,
    nodeReady: true,
    nodeConditions: [],
    internalIP: null,
    pod: `node-local-dns-${node}`,
    podReady: true,
    podStatus: "Running",
    restarts: 0,
    corednsVersion: "1.11.3",
    image: "registry.k8s.io/dns/k8s-dns-node-cache:1.24.0",
    cache: null,
    rates: null,
    memoryBytes: null,
    transport: null,
    lastScrapeAt: null,
    error: null,
    oddOneOut: [],
    health: { state: "healthy", reasons: [], since: "2026-12-01T00:00:00Z" },
    reachability: null,
    redirectPolicy: null,
    ...over,
  };
}

const rows = [
  row("node-1"),
  row("node-2", { corednsVersion: "1.10.0" }),
  row("node-3", { podReady: false, health: { state: "critical", reasons: [], since: "" } }),
  row("node-4", { oddOneOut: ["p99 latency"], health: { state: "warning", reasons: [], since: "" } }),
  row("gpu-1", { pod: null }),
];
const names = (rs: NodeRow[]) => rs.map((r) => r.node);

describe("filtering the node table in the browser", () => {
  it("matches node, pod, version or image, case-insensitively; every word must match", () => {
    expect(names(filterRows(rows, "NODE-2", "all"))).toEqual(["node-2"]);
    expect(names(filterRows(rows, "1.10", "all"))).toEqual(["node-2"]);
    expect(names(filterRows(rows, "node-local-dns 1.11", "all"))).toEqual(["node-1", "node-3", "node-4"]);
    expect(names(filterRows(rows, "  ", "all"))).toHaveLength(5);
  });

  it("keeps only the set asked for: unhealthy, not ready (or no pod), odd ones out", () => {
    expect(names(filterRows(rows, "", "unhealthy"))).toEqual(["node-3", "node-4"]);
    expect(names(filterRows(rows, "", "notReady"))).toEqual(["node-3", "gpu-1"]);
    expect(names(filterRows(rows, "", "odd"))).toEqual(["node-4"]);
    expect(names(filterRows(rows, "node-3", "odd"))).toEqual([]);
  });
});
