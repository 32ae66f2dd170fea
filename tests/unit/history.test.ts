import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HISTORY_SIGNALS,
  HistoryRing,
  medianOfNewest,
  recentMedian,
  type HistoryPoint,
} from "@/lib/metrics/history";

const point = (v: number | null): HistoryPoint =>
  Object.fromEntries(HISTORY_SIGNALS.map((s) => [s, v])) as HistoryPoint;

describe("HistoryRing", () => {
  it("keeps the newest `capacity` points, oldest first", () => {
    const ring = new HistoryRing(3);
    for (let i = 1; i <= 5; i++) ring.push(i * 1000, point(i));
    const pts = ring.points();
    expect(pts.map((p) => p.t)).toEqual([3000, 4000, 5000]);
    expect(pts.map((p) => p.queriesPerSecond)).toEqual([3, 4, 5]);
  });

  it("stores null as a gap and filters by time", () => {
    const ring = new HistoryRing(4);
    ring.push(1000, point(null));
    ring.push(2000, point(2));
    expect(ring.points()[0]?.hitRatio).toBeNull();
    expect(ring.points(1500).map((p) => p.t)).toEqual([2000]);
  });

  it("has a fixed memory size decided by its capacity", () => {
    const ring = new HistoryRing(720);
    const before = ring.bytes;
    for (let i = 0; i < 2000; i++) ring.push(i, point(i));
    expect(ring.bytes).toBe(before);
    expect(before).toBe(720 * 8 + 720 * 4 * HISTORY_SIGNALS.length);
  });
});

describe("recentMedian", () => {
  it("smooths a signal over the newest points, skipping gaps", () => {
    const ring = new HistoryRing(10);
    [0.001, 0.002, 0.5, null, 0.003].forEach((v, i) => ring.push(i, point(v)));
    // Values are stored as Float32.
    expect(recentMedian(ring, "latencyP99", 4)).toBeCloseTo(0.003, 6);
    expect(recentMedian(ring, "latencyP99", 2)).toBeCloseTo(0.003, 6);
    expect(recentMedian(new HistoryRing(3), "latencyP99", 5)).toBeNull();
  });
});

describe("medianOfNewest", () => {
  /** The plain definition: newest n, finite values only, sorted, the middle (or the mean of two). */
  const naive = (xs: (number | null)[], n: number): number | null => {
    const v = xs
      .slice(Math.max(0, xs.length - n))
      .filter((x): x is number => x !== null && Number.isFinite(x))
      .sort((a, b) => a - b);
    if (v.length === 0) return null;
    const mid = v.length >> 1;
    return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  };

  it("is the median of the newest n finite values, whatever the values and n", () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constant(null),
      fc.constantFrom(Infinity, -Infinity, -0, 0),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.integer({ min: 0, max: 45 }), (xs, n) => {
        expect(medianOfNewest(xs, n, (x) => x)).toBe(naive(xs, n));
      }),
    );
  });

  it("skips what is not a finite number, and answers null when nothing is left", () => {
    expect(medianOfNewest([1, NaN, 3, Infinity, null], 5, (x) => x)).toBe(2);
    expect(medianOfNewest([NaN, null], 2, (x) => x)).toBeNull();
    expect(medianOfNewest([5, 1, 9], 0, (x) => x)).toBeNull();
  });
});
