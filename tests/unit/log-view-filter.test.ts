import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isNarrowerOrEqual, viewFilterOf, type ViewFilter } from "@/components/logs/view-filter";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { parseCorednsLogLine } from "@/lib/logs/parse";

const lines = [
  '[INFO] 127.0.0.1:45426 - 8271 "A IN example.org.default.svc.cluster.local. tcp 55 false 65535" NXDOMAIN qr,aa,rd 148 0.000669045s',
  '[INFO] 10.244.1.7:50851 - 3715 "AAAA IN example.com. udp 40 true 1232" NOERROR qr,aa,rd 56 0.02026874s',
  '[INFO] 10.244.2.9:55934 - 12004 "A IN svc0.ns0.svc.cluster.local. udp 44 false 512" - - 0 1.001097883s',
  '[INFO] 10.244.1.8:40000 - 1 "PTR IN 1.0.0.10.in-addr.arpa. udp 44 false 512" SERVFAIL qr,rd 44 0.2s',
  "[ERROR] plugin/errors: 2 svc0.ns0.svc.cluster.local. A: dial tcp 127.0.0.2:53: connect: connection refused",
  "[INFO] Reloading",
].map((l) => parseCorednsLogLine(l));
const rows = lines.flatMap((line) => ["node-1", "node-2"].map((node) => ({ node, line })));

const vf = (q: Record<string, string>): ViewFilter => {
  const v = viewFilterOf(q);
  if ("error" in v) throw new Error(v.error);
  return v;
};

describe("the Logs page's filter in the browser", () => {
  it("matches exactly what the server's filter matches, plus the node list", () => {
    const q = { name: "/^svc0\\./", node: "node-2" };
    const server = compileLogFilter(logFilterSchema.parse(q));
    const shown = rows.filter((r) => vf(q).matchesRow(r));
    expect(shown).toEqual(rows.filter((r) => r.node === "node-2" && server.matches(r.line)));
    expect(shown).toHaveLength(2);
  });

  it("a regex RE2 does not run is refused with the server's own message", () => {
    const v = viewFilterOf({ name: "/(a)\\1/" });
    expect("error" in v && v.error).toMatch(
      /^name filter \/\(a\)\\1\/ is not a regular expression this filter runs/,
    );
  });
});

describe("isNarrowerOrEqual", () => {
  const narrower = (next: Record<string, string>, prev: Record<string, string>) =>
    isNarrowerOrEqual(vf(next).filter, vf(prev).filter);

  it("knows the common narrowings", () => {
    expect(narrower({ name: "svc" }, {})).toBe(true);
    expect(narrower({ name: "svc0.ns" }, { name: "SVC0" })).toBe(true);
    expect(narrower({ node: "a" }, { node: "a,b" })).toBe(true);
    expect(narrower({ type: "A" }, { type: "a,aaaa" })).toBe(true);
    expect(narrower({ client: "10.244.1." }, { client: "10.244." })).toBe(true);
    expect(narrower({ minDuration: "20", errors: "true" }, { minDuration: "10" })).toBe(true);
    expect(narrower({ name: "/^a/" }, { name: "/^a/" })).toBe(true);
  });

  it("calls anything else wider", () => {
    expect(narrower({}, { name: "svc" })).toBe(false);
    expect(narrower({ node: "a,c" }, { node: "a,b" })).toBe(false);
    expect(narrower({ name: "/^ab/" }, { name: "/^a/" })).toBe(false);
    expect(narrower({ minDuration: "5" }, { minDuration: "10" })).toBe(false);
    expect(narrower({}, { errors: "true" })).toBe(false);
  });

  it("is sound: when it says narrower, every line the new filter shows the old one showed too", () => {
    const field = <T extends string>(...xs: T[]) => fc.option(fc.constantFrom(...xs), { nil: undefined });
    const filter = fc.record({
      node: field("node-1", "node-2", "node-1,node-2"),
      name: field("svc", "svc0", "example", "/^svc0\\./", "/example/"),
      type: field("A", "AAAA", "A,PTR"),
      rcode: field("NXDOMAIN", "SERVFAIL,-", "NOERROR"),
      client: field("10.244.", "10.244.1.", "127."),
      minDuration: field("0", "10", "500"),
      errors: field("true", "false"),
    });
    const defined = (q: Record<string, string | undefined>) =>
      Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
    fc.assert(
      fc.property(filter, filter, (a, b) => {
        const next = vf(defined(a));
        const prev = vf(defined(b));
        if (!isNarrowerOrEqual(next.filter, prev.filter)) return;
        for (const r of rows) if (next.matchesRow(r)) expect(prev.matchesRow(r)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
