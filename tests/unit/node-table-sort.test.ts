import { describe, expect, it } from "vitest";
import { isSortKey, sortRows } from "@/components/nodes/sort";
import type { NodeRow } from "@/lib/api-types";

const row = (node: string, hitRatio: number | null, pod = true): NodeRow => ({
  node,
  nodeReady: true,
  nodeConditions: [],
  internalIP: null,
  pod: pod ? `p-${node}` : null,
  podReady: pod,
  podStatus: pod ? "Running" : null,
  restarts: 0,
  corednsVersion: null,
  image: null,
  cache:
    hitRatio === null
      ? null
      : { hits: 1, misses: 1, entries: 1, entriesSuccess: 1, entriesDenial: 0, hitRatio, requests: 2 },
  rates: null,
  memoryBytes: null,
  transport: null,
  lastScrapeAt: null,
  error: null,
  oddOneOut: [],
  health: { state: "healthy", reasons: [], since: "2026-01-01T00:00:00Z" },
  reachability: null,
  redirectPolicy: null,
});

describe("sortRows", () => {
  it("sorts node names naturally (node-2 before node-10)", () => {
    const rows = [row("node-10", 0.5), row("node-2", 0.5), row("node-1", 0.5)];
    expect(sortRows(rows, "node", "asc").map((r) => r.node)).toEqual(["node-1", "node-2", "node-10"]);
  });
  it("puts nodes without numbers last when sorting descending by a number", () => {
    const rows = [row("a", null), row("b", 0.9), row("c", 0.1)];
    expect(sortRows(rows, "hitRatio", "desc").map((r) => r.node)).toEqual(["b", "c", "a"]);
    expect(sortRows(rows, "hitRatio", "asc").map((r) => r.node)).toEqual(["a", "c", "b"]);
  });
  it("accepts only known keys from the URL", () => {
    expect(isSortKey("hitRatio")).toBe(true);
    expect(isSortKey("constructor")).toBe(false);
    expect(isSortKey(null)).toBe(false);
  });
});
