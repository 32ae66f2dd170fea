/**
 * What the overview costs on the wire at 5,000 nodes (issue 15): a first load ≤ 300 KB and each
 * refresh ≤ 50 KB of uncompressed JSON, for a seeded synthetic cluster whose numbers move each
 * round as real traffic does (tests/support/synthetic-cluster.ts), with a screenful of rows on
 * screen. `npm run bench` prints the same figures (bench/overview-size.ts).
 */
import { describe, expect, it } from "vitest";
import { measureOverviewSize } from "../../bench/overview-size";

describe("the overview's answers at 5,000 nodes", () => {
  it("a first load ≤ 300 KB and every refresh ≤ 50 KB, a full /api/nodes being megabytes", () => {
    const m = measureOverviewSize(5000, 12);
    expect(m.firstLoadBytes).toBeLessThanOrEqual(300_000);
    expect(m.maxRefreshBytes).toBeLessThanOrEqual(50_000);
    // The rows themselves were sent: the refreshes carried changes, and the full form is far larger.
    expect(m.refreshRowsChanged).toBeGreaterThan(0);
    expect(m.fullBytes).toBeGreaterThan(10 * m.firstLoadBytes);
  }, 120_000);
});
