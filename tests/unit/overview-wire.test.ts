/**
 * The overview's compact wire form (lib/overview/columns.ts, wire.ts): every encoding decodes to
 * exactly what was encoded, for any rows the server can hold.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeDict,
  decodeNames,
  decodeNumbers,
  decodeTokens,
  encodeDict,
  encodeNames,
  encodeNumbers,
  encodeTokens,
  numberToken,
  UNCHANGED,
  WireError,
} from "@/lib/overview/columns";
import { decodeTable, encodeTable, flatten, overviewRow, unflatten } from "@/lib/overview/wire";
import type { NodeRow } from "@/lib/api-types";
import { dnsName, overviewRowsArb, time } from "../support/overview-arbitraries";

const PROPS = { numRuns: 300 };

describe("column encodings", () => {
  it("a number token reads back as exactly the number", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true }),
          fc.integer(),
          fc.nat().map((n) => n * 1000),
        ),
        (n) => {
          const t = numberToken(n);
          expect(t).not.toMatch(/[,*~]/);
          expect(Object.is(Number(t), n) || (n === 0 && Number(t) === 0)).toBe(true);
        },
      ),
      PROPS,
    );
    expect(numberToken(123_000_000)).toBe("123e6");
    expect(numberToken(0.00123)).toBe(".00123");
    expect(numberToken(-0.5)).toBe("-.5");
  });

  it("token columns, with runs and unchanged cells, decode to what was encoded", () => {
    const cell = fc.oneof(fc.constant(UNCHANGED), fc.constant(null), fc.constantFrom(0, 1, 2.5, 1e-7, 123e6));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 60 }), (cells) => {
        expect(decodeNumbers(encodeNumbers(cells), cells.length)).toEqual(cells);
      }),
      PROPS,
    );
    expect(encodeTokens(["0", "0", "0", "1"])).toBe("0*3,1");
    expect(decodeTokens("0*3,1", 4)).toEqual(["0", "0", "0", "1"]);
  });

  it("front-coded names decode to the names, whatever their order", () => {
    const cell = fc.oneof(fc.constant(UNCHANGED), fc.constant(null), dnsName);
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 60 }), (cells) => {
        expect(decodeNames(encodeNames(cells), cells.length)).toEqual(cells);
      }),
      PROPS,
    );
    expect(encodeNames(["node-1233", "node-1234", "node-1235", "other"])).toBe("node-1233,8:4,5,0:other");
  });

  it("dictionaries hold each distinct value once", () => {
    const col = encodeDict([null, "a", "a", ["x"], ["x"], UNCHANGED]);
    expect(col.v).toEqual([null, "a", ["x"]]);
    expect(decodeDict(col, 6)).toEqual([null, "a", "a", ["x"], ["x"], UNCHANGED]);
  });

  it("refuses a column that does not hold one cell per row", () => {
    expect(() => decodeTokens("1,2", 3)).toThrow(WireError);
    expect(() => decodeNames("a,b", 1)).toThrow(WireError);
    expect(() => decodeNames("99:x", 1)).toThrow(WireError);
    expect(() => decodeNumbers("x", 1)).toThrow(WireError);
  });
});

describe("rows as a table", () => {
  it("a table of rows decodes to exactly the rows (every field the overview reads)", () => {
    fc.assert(
      fc.property(overviewRowsArb, time, (rows, at) => {
        const decoded = decodeTable(JSON.parse(JSON.stringify(encodeTable(rows.map(flatten), at))));
        expect(decoded.map((c) => unflatten(c as ReturnType<typeof flatten>))).toEqual(rows);
      }),
      PROPS,
    );
  });

  it("cells left unchanged come back unchanged, and a column nobody changed is left out", () => {
    fc.assert(
      fc.property(overviewRowsArb, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (rows, keep) => {
        const partial = rows.map((r) => flatten(r).map((c, i) => (i > 0 && keep[i] ? UNCHANGED : c)));
        const table = encodeTable(partial, 0);
        expect(decodeTable(table)).toEqual(partial);
        if (rows.length > 0 && keep[5]) expect(table.restarts).toBeUndefined();
      }),
      PROPS,
    );
  });

  it("the overview's part of a full /api/nodes row is what the table carries of it", () => {
    const full: NodeRow = {
      node: "node-1",
      nodeReady: true,
      nodeConditions: ["DiskPressure=True"],
      internalIP: "10.0.0.1",
      pod: "node-local-dns-abcde",
      podReady: true,
      podStatus: "Running",
      restarts: 2,
      corednsVersion: "1.11.3",
      image: "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1",
      cache: {
        hits: 900,
        misses: 100,
        entries: 42,
        entriesSuccess: 40,
        entriesDenial: 2,
        hitRatio: 0.9,
        requests: 1000,
      },
      rates: {
        intervalSeconds: 5,
        reset: false,
        queriesPerSecond: 12.5,
        hitsPerSecond: 10,
        missesPerSecond: 2.5,
        hitsSuccessPerSecond: 10,
        hitsDenialPerSecond: 0,
        hitRatio: 0.8,
        evictionsPerSecond: 0,
        prefetchesPerSecond: 0,
        servedStalePerSecond: 0,
        responsesPerSecondByRcode: { NOERROR: 12, SERVFAIL: 0.5 },
        upstreamPerSecond: 2.5,
        upstreamHealthcheckFailuresPerSecond: 0,
        latencyP50: 0.001,
        latencyP90: 0.002,
        latencyP99: 0.004,
        upstreamLatencyP99: 0.01,
      },
      memoryBytes: 31_457_280,
      transport: "direct",
      lastScrapeAt: "2026-12-01T12:00:00.123Z",
      error: null,
      oddOneOut: ["p99 latency"],
      health: { state: "healthy", reasons: [], since: "2026-12-01T11:00:00.000Z" },
      reachability: "transparent",
      redirectPolicy: null,
    };
    const row = overviewRow(full);
    expect(row.rates).toEqual({
      queriesPerSecond: 12.5,
      evictionsPerSecond: 0,
      latencyP99: 0.004,
      responsesPerSecondByRcode: { SERVFAIL: 0.5 },
    });
    expect(
      unflatten(decodeTable(encodeTable([flatten(row)], Date.now()))[0] as ReturnType<typeof flatten>),
    ).toEqual(row);
  });
});
