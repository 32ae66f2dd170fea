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
      /not a valid regular expression/,
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
});
