import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAgo, formatBytes, formatCount, formatPercent, formatRate, formatSeconds } from "@/lib/format";
import { readCount } from "../support/pod-metrics";

describe("format", () => {
  it.each([
    [0, "0"],
    [9999, "9,999"],
    [12_345, "12.3k"],
    [1_234_567, "1.23M"],
    [null, "—"],
    [NaN, "—"],
  ])("formatCount(%s) = %s", (n, s) => expect(formatCount(n)).toBe(s));
  it("formats ratios, rates, durations and sizes", () => {
    expect(formatPercent(0.8766)).toBe("87.7%");
    expect(formatRate(0)).toBe("0/s");
    expect(formatRate(0.05)).toBe("3.0/min");
    expect(formatRate(42.42)).toBe("42/s");
    expect(formatSeconds(0.000232824)).toBe("233 µs");
    expect(formatSeconds(0.0123)).toBe("12.3 ms");
    expect(formatBytes(31_457_280)).toBe("30.0 MiB");
  });
  it("says how long ago", () => {
    const now = Date.parse("2026-11-21T12:00:00Z");
    expect(formatAgo("2026-11-21T11:59:48Z", now)).toBe("12s ago");
    expect(formatAgo("2026-11-21T11:57:00Z", now)).toBe("3m ago");
    expect(formatAgo(null, now)).toBe("never");
  });
});

describe("readCount (the browser tests' reading of a count cell)", () => {
  it("reads back every count formatCount prints, within the rounding it says", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5e15 }), (n) => {
        const { value, slack } = readCount(formatCount(n));
        expect(Math.abs(value - n)).toBeLessThanOrEqual(slack * 1.000001);
      }),
      { numRuns: 2000 },
    );
    expect(readCount("12.3k")).toEqual({ value: 12_300, slack: 50 });
    expect(readCount("9,999")).toEqual({ value: 9999, slack: 0.5 });
  });
  it("refuses what is not a count instead of reading NaN", () => {
    for (const t of ["—", "", "12.3 k", "1,2345", "NaN"]) expect(() => readCount(t)).toThrow(/not a count/);
  });
});
