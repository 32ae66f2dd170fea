/**
 * Refreshes of the overview (lib/overview/publisher.ts on the server, lib/overview/apply.ts in the
 * browser) over random sequences of rounds — nodes added, removed, numbers moving a little or a lot:
 * a browser that merges every answer holds exactly the rows on screen, and off screen what the
 * server published, each cell within its dead band of the truth; one that falls behind gets a full
 * load and is right again.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { overviewAnswer } from "@/lib/overview/answer";
import { applyOverview, type OverviewState } from "@/lib/overview/apply";
import { BANDS, OverviewPublisher, quantize } from "@/lib/overview/publisher";
import { formatBytes, formatCount, formatRate, formatSeconds } from "@/lib/format";
import { summarizeCluster } from "@/lib/overview/summary";
import { FIELDS, flatten, overviewRow, type Cell, type OverviewRow } from "@/lib/overview/wire";
import { overviewRowArb, overviewRowsArb } from "../support/overview-arbitraries";
import { syntheticMeta } from "../support/synthetic-cluster";

/** A round's change: rows removed, added, replaced, and numbers moved by a factor. */
const stepArb = fc.record({
  remove: fc.array(fc.boolean(), { maxLength: 40 }),
  add: overviewRowsArb,
  replace: fc.array(fc.option(overviewRowArb, { freq: 4 }), { maxLength: 40 }),
  wobble: fc.array(fc.double({ min: 0.7, max: 1.4, noNaN: true }), { maxLength: 40 }),
  /** Which browsers ask this round. */
  asks: fc.record({ behind: fc.boolean(), partial: fc.boolean() }),
  window: fc.array(fc.boolean(), { maxLength: 40 }),
});

function wobbled(r: OverviewRow, f: number): OverviewRow {
  const next = structuredClone(r);
  if (next.cache) {
    next.cache.hits = Math.round(next.cache.hits * Math.max(1, f));
    next.cache.hitRatio =
      next.cache.hits + next.cache.misses > 0
        ? next.cache.hits / (next.cache.hits + next.cache.misses)
        : null;
  }
  if (next.rates) {
    next.rates.queriesPerSecond *= f;
    if (next.rates.latencyP99 !== null) next.rates.latencyP99 *= f;
  }
  if (next.memoryBytes !== null) next.memoryBytes = Math.round(next.memoryBytes * f);
  return next;
}

function apply(state: OverviewState | null, res: ReturnType<typeof overviewAnswer>): OverviewState {
  // Through JSON, as the browser gets it.
  const wire = JSON.parse(JSON.stringify(res)) as typeof res;
  const next = applyOverview(state, wire);
  expect(next, "a refresh of the version held applies").not.toBeNull();
  return next as OverviewState;
}

const byName = (rows: readonly OverviewRow[]) => new Map(rows.map((r) => [r.node, r]));

/** Off screen, each cell is the truth or within its band of it (and shows the same null-ness). */
function withinBand(held: readonly Cell[], truth: readonly Cell[]): void {
  FIELDS.forEach((f, i) => {
    const h = held[i];
    const t = truth[i];
    const band = BANDS[f.name];
    if (!band || typeof h !== "number" || typeof t !== "number") {
      expect(h, f.name).toEqual(t);
      return;
    }
    if ("ms" in band) return;
    const ok = band.format(h) === band.format(t) || Math.abs(t - h) <= band.rel * Math.abs(h);
    expect(ok, `${f.name}: held ${h}, truth ${t}`).toBe(true);
  });
}

describe("published numbers", () => {
  it("are the coarsest value the table shows as it shows the exact one", () => {
    expect(quantize(123_456, formatCount)).toBe(123_000);
    expect(quantize(1234, formatCount)).toBe(1234);
    expect(quantize(0.001234567, formatSeconds)).toBe(0.00123);
    expect(quantize(31_457_280, formatBytes)).toBe(31_500_000);
    for (const format of [formatCount, formatRate, formatSeconds, formatBytes]) {
      fc.assert(
        fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (x) => {
          const q = quantize(x, format);
          expect(format(q)).toBe(format(x));
          expect(String(q).length).toBeLessThanOrEqual(String(x).length);
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe("overview refreshes", () => {
  it("merged answers give the rows on screen exactly and the rest within their bands", () => {
    fc.assert(
      fc.property(overviewRowsArb, fc.array(stepArb, { minLength: 1, maxLength: 12 }), (initial, steps) => {
        // Few versions kept, so a browser that falls behind also meets the full-load path.
        const publisher = new OverviewPublisher(3);
        let rows = initial;
        let t = Date.parse("2026-12-01T12:00:00.000Z");
        let all: OverviewState | null = null;
        let behind: OverviewState | null = null;
        let partial: OverviewState | null = null;
        for (const step of [null, ...steps]) {
          if (step) {
            const names = new Set(rows.map((r) => r.node));
            rows = rows
              .filter((_, i) => !step.remove[i])
              .map((r, i) => {
                const re = step.replace[i];
                return re ? { ...re, node: r.node } : wobbled(r, step.wobble[i] ?? 1);
              })
              .concat(step.add.filter((r) => !names.has(r.node)));
          }
          t += 5000;
          const names = rows.map((r) => r.node);
          // A browser with every row on screen: it holds exactly the server's rows.
          const res = overviewAnswer(syntheticMeta(t), rows, publisher, {
            since: all?.meta.version,
            window: names,
          });
          all = apply(all, res);
          expect(byName(all.rows)).toEqual(byName(rows.map(overviewRow)));
          expect(res.summary).toEqual(summarizeCluster(rows));
          // A browser with nothing on screen that asks only now and then: what was published.
          if (!step || step.asks.behind) {
            behind = apply(
              behind,
              overviewAnswer(syntheticMeta(t), rows, publisher, { since: behind?.meta.version }),
            );
            const truth = byName(rows);
            expect([...behind.byName.keys()].sort()).toEqual([...truth.keys()].sort());
            for (const [name, held] of behind.byName) withinBand(held.cells, flatten(truth.get(name)!));
          }
          // A browser with some rows on screen: those exact.
          if (!step || step.asks.partial) {
            const shown = names.filter((_, i) => step?.window[i]);
            partial = apply(
              partial,
              overviewAnswer(syntheticMeta(t), rows, publisher, {
                since: partial?.meta.version,
                window: shown,
              }),
            );
            const truth = byName(rows.map(overviewRow));
            for (const n of shown) expect(partial.byName.get(n)?.row).toEqual(truth.get(n));
            expect(partial.rows.length).toBe(rows.length);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it("a version from another server, or one too old, gets a full load", () => {
    const publisher = new OverviewPublisher(2);
    const row = overviewRow({ ...fc.sample(overviewRowArb, 1)[0]!, node: "node-1" });
    const first = overviewAnswer(syntheticMeta(0), [row], publisher);
    expect(first.kind).toBe("full");
    expect(overviewAnswer(syntheticMeta(1), [row], publisher, { since: first.version }).kind).toBe("delta");
    expect(overviewAnswer(syntheticMeta(2), [row], publisher, { since: "deadbeef.1" }).kind).toBe("full");
    for (let i = 0; i < 3; i++) {
      overviewAnswer(syntheticMeta(3 + i), [{ ...row, restarts: row.restarts + i + 1 }], publisher);
    }
    const stale = overviewAnswer(syntheticMeta(9), [row], publisher, { since: first.version });
    expect(stale.kind).toBe("full");
    // And a browser holding another version than the refresh is for does not apply it.
    const held = applyOverview(null, first)!;
    const other = overviewAnswer(syntheticMeta(10), [row], publisher, { since: stale.version });
    expect(other.kind).toBe("delta");
    expect(applyOverview(held, other)).toBeNull();
  });

  it("a round with nothing new is the same version, its refresh carries no row and changes nothing", () => {
    const publisher = new OverviewPublisher();
    const row = overviewRow({ ...fc.sample(overviewRowArb, 1)[0]!, node: "node-1" });
    const a = overviewAnswer(syntheticMeta(0), [row], publisher, { window: [row.node] });
    const b = overviewAnswer(syntheticMeta(5000), [structuredClone(row)], publisher, {
      since: a.version,
      window: [row.node],
    });
    expect(b.version).toBe(a.version);
    expect(b.table.n).toBe(0);
    expect(b.removed.n).toBe(0);
    // The browser keeps the same rows (the table need not sort again); a change makes new ones.
    const held = applyOverview(null, a)!;
    expect(applyOverview(held, b)!.rows).toBe(held.rows);
    const moved = { ...row, restarts: row.restarts + 1 };
    const c = overviewAnswer(syntheticMeta(10_000), [moved], publisher, { since: b.version, window: [] });
    const after = applyOverview(applyOverview(held, b), c)!;
    expect(after.rows).not.toBe(held.rows);
    expect(after.rows[0]!.restarts).toBe(moved.restarts);
  });
});
