import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareOrdered,
  mergeSorted,
  ReorderWindow,
  sortKeyOf,
  type Ordered,
} from "@/components/logs/log-order";

const row = (time: string, seq: number): Ordered & { time: string } => ({
  time,
  seq,
  sortKey: sortKeyOf(time, ""),
});

describe("time order of log rows", () => {
  it("orders kubelet timestamps by time whatever their fraction digits (RFC3339Nano trims zeros)", () => {
    const times = [
      "2026-12-01T10:00:00.5Z",
      "2026-12-01T10:00:00Z",
      "2026-12-01T10:00:00.123456789Z",
      "2026-12-01T10:00:00.12Z",
    ];
    const sorted = mergeSorted(
      [],
      times.map((t, i) => row(t, i)),
    ).map((r) => r.time);
    expect(sorted).toEqual([
      "2026-12-01T10:00:00Z",
      "2026-12-01T10:00:00.12Z",
      "2026-12-01T10:00:00.123456789Z",
      "2026-12-01T10:00:00.5Z",
    ]);
  });

  it("keeps arrival order between rows of the same timestamp", () => {
    const t = "2026-12-01T10:00:01.000000001Z";
    const merged = mergeSorted([row(t, 1), row(t, 3)], [row(t, 2), row("2026-12-01T10:00:00Z", 4)]);
    expect(merged.map((r) => r.seq)).toEqual([4, 1, 2, 3]);
  });

  it("merging batches in any split gives the one sorted order", () => {
    const ms = fc.integer({ min: 0, max: 5000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(ms, fc.boolean()), { maxLength: 60 }), (items) => {
        let seq = 0;
        const rows = items.map(([m, cut]) => ({
          ...row(new Date(Date.UTC(2026, 11, 1) + m).toISOString(), seq++),
          cut,
        }));
        let acc: typeof rows = [];
        let batch: typeof rows = [];
        for (const r of rows) {
          batch.push(r);
          if (r.cut) {
            acc = mergeSorted(acc, batch);
            batch = [];
          }
        }
        acc = mergeSorted(acc, batch);
        expect(acc.map((r) => r.seq)).toEqual(
          rows
            .slice()
            .sort(compareOrdered)
            .map((r) => r.seq),
        );
      }),
    );
  });

  it("a row with no timestamp sorts where it arrived (the newest key so far)", () => {
    expect(sortKeyOf(null, "2026-12-01T10:00:00.000000000Z")).toBe("2026-12-01T10:00:00.000000000Z");
  });
});

describe("the reorder window", () => {
  it("holds rows for the window's length, in arrival order, and says when the next is due", () => {
    const w = new ReorderWindow<string>(1000);
    w.push("a", 0);
    w.push("b", 400);
    expect(w.nextDue()).toBe(1000);
    expect(w.release(999)).toEqual([]);
    expect(w.release(1000)).toEqual(["a"]);
    expect(w.size).toBe(1);
    expect(w.release(1200, true)).toEqual(["b"]);
    expect(w.nextDue()).toBeNull();
  });
});
