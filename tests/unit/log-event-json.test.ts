/**
 * The SSE encoding of log lines: the hand-written JSON of lib/logs/event-json.ts is JSON.stringify's
 * text for every line the parser returns; a filter that takes every line says so.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logLineEventJson } from "@/lib/logs/event-json";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { parseCorednsLogLine } from "@/lib/logs/parse";
import { SharedLogLine } from "@/lib/logs/shared-line";
import type { LogLineEvent } from "@/lib/logs/types";
import { FIXTURES_DIR } from "../support/fixtures";

const fixtureLines = readdirSync(FIXTURES_DIR)
  .filter((f) => /^logs-.*\.txt$/.test(f))
  .flatMap((f) => readFileSync(path.join(FIXTURES_DIR, f), "utf8").split("\n"));

/** Pieces of query lines, with everything JSON escapes mixed in. */
const piece = fc.constantFrom(
  "[INFO] ",
  "10.0.0.1:5353 - 42 ",
  "[::1]:50759 - 7 ",
  '"A IN ',
  '"AAAA IN ',
  "example.org. ",
  'a\\"b.svc. ',
  "x\\\\y. ",
  "é.",
  "\u2028",
  "\ud800",
  "\u0001",
  "\t",
  '"',
  "udp 47 false 512",
  "tcp 60 - -",
  '" NOERROR qr,aa,rd 140 0.000379726s',
  '" - - 0 5.000000001s',
  ' "QUERY"',
  " ",
);
const queryish = fc.array(piece, { maxLength: 14 }).map((ps) => ps.join(""));
/** Fully formed query lines whose name, client and rcode carry awkward characters. */
const awkward = fc.string({
  unit: fc.constantFrom("a", '"', "\\", "é", "\u0000", "\u2028", "\udc00", "."),
  maxLength: 6,
});
const formed = fc
  .tuple(awkward, awkward, awkward, fc.boolean())
  .map(
    ([name, client, rcode, combined]) =>
      `[INFO] ${client.replace(/[ :]/g, "") || "c"}:53 - 1 "A IN ${name.replace(/ /g, "") || "."} udp 40 false 512" ${rcode.replace(/ /g, "") || "-"} qr 60 0.5s${combined ? ' "QUERY"' : ""}`,
  );

function eventOf(
  text: string,
  node = "node-1",
  time: string | null = "2026-12-02T00:00:00.000Z",
): LogLineEvent {
  return { node, pod: `node-local-dns-${node}`, time, line: parseCorednsLogLine(text) };
}

describe("logLineEventJson", () => {
  it("is JSON.stringify's text for every line of the real logs", () => {
    let queries = 0;
    for (const text of fixtureLines) {
      const event = eventOf(text);
      if (event.line.kind === "query") queries++;
      expect(logLineEventJson(event)).toBe(JSON.stringify(event));
    }
    expect(queries).toBeGreaterThan(100);
  });

  it("is JSON.stringify's text for any line, query or not, with escapes anywhere", () => {
    fc.assert(
      fc.property(
        fc.oneof(queryish, formed, fc.string({ unit: "binary", maxLength: 200 })),
        fc.constantFrom("node-1", 'odd"node', "n\u0000"),
        fc.constantFrom(null, "2026-12-02T00:00:00Z", 'x"y'),
        (text, node, time) => {
          const event = eventOf(text, node, time);
          expect(logLineEventJson(event)).toBe(JSON.stringify(event));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("reaches query lines whose strings need escaping", () => {
    const event = eventOf('[INFO] 10.0.0.1:53 - 1 "A IN a\\"b.\u2028é. udp 40 false 512" NOERROR qr 60 0.5s');
    expect(event.line.kind).toBe("query");
    expect(logLineEventJson(event)).toBe(JSON.stringify(event));
  });
});

describe("SharedLogLine.sseBytes", () => {
  it("is the event's JSON.stringify text as an SSE frame, in UTF-8", () => {
    fc.assert(
      fc.property(fc.oneof(formed, queryish), (text) => {
        const line = new SharedLogLine({ node: "n", pod: "p", time: null, text });
        const expected = `event: line\ndata: ${JSON.stringify(line.event)}\n\n`;
        expect(Buffer.from(line.sseBytes()).toString("utf8")).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("a filter that takes every line", () => {
  const filters = [
    {},
    { node: "a,b" },
    { errors: "true" },
    { name: "x" },
    { type: "A" },
    { rcode: "NXDOMAIN" },
    { client: "10." },
    { minDuration: "1" },
    { errors: "0" },
  ] as const;

  it("says so exactly when it matches every line, so the line is not parsed to decide", () => {
    const lines = fixtureLines.map((text) => parseCorednsLogLine(text));
    for (const input of filters) {
      const filter = compileLogFilter(logFilterSchema.parse(input));
      const all = lines.every((l) => filter.matches(l));
      expect(filter.matchesEvery, JSON.stringify(input)).toBe(all);
      const shared = new SharedLogLine({ node: "n", pod: "p", time: null, text: fixtureLines[0] as string });
      expect(shared.matches(filter)).toBe(filter.matches(shared.event.line));
    }
  });
});
