import { describe, expect, it } from "vitest";
import { BoundedQueue } from "@/lib/logs/bounded-queue";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { parseCorednsLogLine } from "@/lib/logs/parse";

const lines = {
  nx: '[INFO] 127.0.0.1:45426 - 8271 "A IN example.org.default.svc.cluster.local. tcp 55 false 65535" NXDOMAIN qr,aa,rd 148 0.000669045s',
  ok: '[INFO] 10.244.1.7:50851 - 3715 "AAAA IN example.com. udp 40 true 1232" NOERROR qr,aa,rd 56 0.02026874s',
  failed:
    '[INFO] 127.0.0.1:55934 - 12004 "A IN svc0.ns0.svc.cluster.local. udp 44 false 512" - - 0 1.001097883s',
  err: "[ERROR] plugin/errors: 2 svc0.ns0.svc.cluster.local. A: dial tcp 127.0.0.2:53: connect: connection refused",
  reload: "[INFO] Reloading",
};
const parsed = Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, parseCorednsLogLine(v)]));
const matching = (q: Record<string, string>) => {
  const f = compileLogFilter(logFilterSchema.parse(q));
  return Object.keys(parsed).filter((k) => f.matches(parsed[k]!));
};

describe("log filters", () => {
  it("no filter passes everything", () => expect(matching({})).toEqual(Object.keys(lines)));
  it("name as substring (case-insensitive) or /regex/", () => {
    expect(matching({ name: "EXAMPLE" })).toEqual(["nx", "ok"]);
    expect(matching({ name: "/^svc0\\./" })).toEqual(["failed", "err"]);
  });
  it("type, rcode (with '-' for no response), client prefix, minimum duration", () => {
    expect(matching({ type: "aaaa" })).toEqual(["ok"]);
    expect(matching({ rcode: "NXDOMAIN,-" })).toEqual(["nx", "failed"]);
    expect(matching({ client: "10.244." })).toEqual(["ok"]);
    expect(matching({ minDuration: "10" })).toEqual(["ok", "failed"]);
  });
  it("errors only", () => expect(matching({ errors: "true" })).toEqual(["failed", "err"]));
  it("node list", () =>
    expect([...compileLogFilter(logFilterSchema.parse({ node: "a, b" })).nodes!]).toEqual(["a", "b"]));
  it("a bad regex is a clear error", () => {
    expect(() => compileLogFilter(logFilterSchema.parse({ name: "/(/" }))).toThrow(
      /is not a regular expression this filter runs: missing closing \)/,
    );
  });
});

describe("BoundedQueue", () => {
  it("keeps at most its capacity and counts the rest as dropped", () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 0; i < 10; i++) q.push(i);
    expect(q.drain()).toEqual({ dropped: 7, items: [0, 1, 2] });
    expect(q.drain()).toEqual({ dropped: 0, items: [] });
  });
  it("wakes a waiting reader on push", async () => {
    const q = new BoundedQueue<string>(2);
    const waiting = q.wait();
    q.push("x");
    await waiting;
    expect(q.drain().items).toEqual(["x"]);
  });
  it("wakes a reader waiting for a batch only once the batch is there (or the stream closes)", async () => {
    const q = new BoundedQueue<number>(10);
    let woke = false;
    const batch = q.waitForSize(3).then(() => (woke = true));
    q.push(1);
    q.push(2);
    // Let any wrongly resolved promise run before looking.
    await Promise.resolve();
    expect(woke).toBe(false);
    q.push(3);
    await batch;
    expect(woke).toBe(true);
    await q.waitForSize(3); // already there: resolves at once
    const closing = q.waitForSize(100);
    q.wakeAll();
    await closing;
    expect(q.drain().items).toEqual([1, 2, 3]);
  });
});

describe("regular expressions in the name filter run in linear time (RE2 semantics)", () => {
  const matcher = (name: string) => compileLogFilter(logFilterSchema.parse({ name }));
  const query = (name: string) =>
    parseCorednsLogLine(
      `[INFO] 10.0.0.7:53211 - 4242 "A IN ${name} udp 50 false 512" NOERROR qr,rd,ra 50 0.000101s`,
    );

  it("a catastrophic-backtracking pattern (/(a+)+$/) against a long name answers at once", () => {
    // A backtracking engine takes 2^n steps here; with n = 5,000 it would never finish.
    const f = matcher("/(a+)+$/");
    const long = `${"a".repeat(5000)}.example.com.`;
    expect(f.matches(query(long))).toBe(false);
    expect(f.matches(query("aaaa"))).toBe(true);
  });

  it("refuses backreferences and lookarounds with a 400-ready message naming the construct", () => {
    expect(() => matcher("/(a)\\1/")).toThrow(/invalid escape sequence: `\\1`.*RE2 syntax/);
    expect(() => matcher("/foo(?=bar)/")).toThrow(/unsupported Perl syntax: `\(\?=`/);
  });

  it("keeps the flags: /EXAMPLE\\.com\\.$/i matches case-insensitively", () => {
    expect(matcher("/EXAMPLE\\.com\\.$/i").matches(query("www.example.com."))).toBe(true);
    expect(matcher("/EXAMPLE\\.com\\.$/").matches(query("www.example.com."))).toBe(false);
  });

  it("streams with the same filter share one key, different filters do not", () => {
    expect(matcher("/a/").key).toBe(matcher("/a/").key);
    expect(matcher("/a/").key).not.toBe(matcher("/b/").key);
  });
});
