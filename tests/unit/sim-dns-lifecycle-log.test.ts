import { describe, expect, it } from "vitest";
import { coremainStartLines, nodeCacheStartupLines } from "../../sim/dns/lifecycle-log";

describe("node-cache / CoreDNS start lines per version", () => {
  it.each([
    ["1.12.2", "1.26.5"],
    ["1.13.1", "1.26.7"],
  ] as const)(
    "CoreDNS %s: node-cache %s, and coremain's automaxprocs line (coremain/run.go from 1.12.0)",
    (v, image) => {
      expect(nodeCacheStartupLines(v, ".:53 {\n}\n")[0]).toBe(`[INFO] Starting node-cache image: ${image}`);
      expect(coremainStartLines(v)).toEqual(["maxprocs: Leaving GOMAXPROCS=2: CPU quota undefined"]);
    },
  );

  it.each(["1.7.0", "1.10.0", "1.11.3"] as const)("CoreDNS %s has no automaxprocs line", (v) => {
    expect(coremainStartLines(v)).toEqual([]);
  });
});
