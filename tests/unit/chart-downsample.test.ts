import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsample, type Point } from "@/lib/client/downsample";

describe("charts downsampled to their width", () => {
  it("keeps short series as they are", () => {
    const pts = [
      { t: 1, a: 1 },
      { t: 2, a: 2 },
    ];
    expect(downsample(pts, ["a"], 400)).toEqual(pts);
  });

  it("never more points than asked, keeps every bucket's min and max (spikes survive), in time order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }), {
          minLength: 1,
          maxLength: 3000,
        }),
        fc.integer({ min: 4, max: 500 }),
        (values, max) => {
          const pts: Point[] = values.map((v, i) => ({ t: i * 5000, a: v }));
          const out = downsample(pts, ["a"], max);
          expect(out.length).toBeLessThanOrEqual(Math.max(max, pts.length <= max ? pts.length : 0));
          for (let i = 1; i < out.length; i++) expect(out[i]!.t).toBeGreaterThanOrEqual(out[i - 1]!.t);
          const finite = values.filter((v): v is number => v !== null);
          const kept = out.map((p) => p.a).filter((v): v is number => v !== null);
          if (finite.length) {
            expect(Math.max(...kept)).toBe(Math.max(...finite));
            expect(Math.min(...kept)).toBe(Math.min(...finite));
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
