import type { CoreV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "@/lib/config/diff";
import {
  CHANGE_ANNOTATION,
  CHANGE_EVENT_REASON,
  ChangeRecordError,
  changeEvent,
  changeFromEvent,
  changeMessage,
  historyFromEvents,
  MAX_ANNOTATIONS_BYTES,
  truncateUtf8,
  type ChangeRecord,
} from "@/lib/config/history";
import { describeEdit, summarizeChange } from "@/lib/config/summary";

const BEFORE = ".:53 {\n    errors\n    cache 30\n}\n";
const AFTER = ".:53 {\n    log\n    errors\n    cache 30\n}\n";

const record = (over: Partial<ChangeRecord> = {}): ChangeRecord => ({
  id: "01HZX0000000000000000000AA",
  at: "2026-03-01T12:00:00.000Z",
  user: "alice@example.com",
  action: "apply",
  summary: "log on in .:53",
  diff: unifiedDiff(BEFORE, AFTER),
  resourceVersionBefore: "1041",
  resourceVersionAfter: "1057",
  corefileBefore: BEFORE,
  corefileAfter: AFTER,
  restarted: true,
  source: "dashboard",
  fieldManager: null,
  rollbackOf: null,
  note: null,
  ...over,
});

/** What the API server hands back: the event with a name added. */
const stored = (ev: CoreV1Event, name: string): CoreV1Event => ({
  ...ev,
  metadata: { ...ev.metadata, name },
});

describe("changeEvent / changeFromEvent", () => {
  it("builds an Event with reason, a readable message and the full record in an annotation", () => {
    const ev = changeEvent(record());
    expect(ev.reason).toBe(CHANGE_EVENT_REASON);
    expect(ev.type).toBe("Normal");
    expect(ev.message).toBe("alice@example.com changed the Corefile: log on in .:53 (rollout restart)");
    expect(ev.firstTimestamp).toEqual(new Date("2026-03-01T12:00:00Z"));
    expect(JSON.parse(ev.metadata.annotations?.[CHANGE_ANNOTATION] ?? "")).toEqual(record());
  });

  it("round-trips every field through JSON, as the API server stores it", () => {
    for (const r of [
      record(),
      record({ action: "rollback", restarted: false }),
      record({ action: "log-auto-off" }),
    ]) {
      const wire = JSON.parse(JSON.stringify(stored(changeEvent(r), "node-local-dns.1"))) as CoreV1Event;
      expect(changeFromEvent(wire)).toEqual(r);
    }
  });

  it("ignores Events that are not ours", () => {
    expect(changeFromEvent({ metadata: {}, involvedObject: {}, reason: "Killing" })).toBeNull();
    expect(
      changeFromEvent({ metadata: { annotations: {} }, involvedObject: {}, reason: CHANGE_EVENT_REASON }),
    ).toBeNull();
  });

  it("names the Event whose annotation cannot be read", () => {
    const bad = (value: string): CoreV1Event => ({
      metadata: { name: "node-local-dns.17f", annotations: { [CHANGE_ANNOTATION]: value } },
      involvedObject: {},
      reason: CHANGE_EVENT_REASON,
    });
    expect(() => changeFromEvent(bad("{"))).toThrow(
      new ChangeRecordError(`Event node-local-dns.17f: the ${CHANGE_ANNOTATION} annotation is not JSON`),
    );
    expect(() => changeFromEvent(bad(JSON.stringify({ ...record(), action: "delete" })))).toThrow(
      /^Event node-local-dns\.17f: the recorded change is not readable \(action: /,
    );
    expect(() => changeFromEvent(bad(JSON.stringify({ ...record(), at: "yesterday" })))).toThrow(/\(at: /);
  });

  it("refuses a record with an invalid time", () => {
    expect(() => changeEvent(record({ at: "never" }))).toThrow(ChangeRecordError);
  });

  it("drops the diff of an oversized record and recomputes it on reading", () => {
    const big = "x".repeat(60 * 1024);
    const before = `${big}\n.:53 {\n}\n`;
    const after = `${big}\n.:53 {\n    log\n}\n`;
    const lines = Array.from({ length: 1200 }, (_, i) => `    # line ${i} ${"y".repeat(40)}`).join("\n");
    const r = record({
      corefileBefore: before + lines,
      corefileAfter: after + lines,
      diff: "z".repeat(120 * 1024),
    });
    const ev = changeEvent(r);
    const json = ev.metadata.annotations?.[CHANGE_ANNOTATION] ?? "";
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_ANNOTATIONS_BYTES);
    expect(JSON.parse(json)).not.toHaveProperty("diff");
    expect(changeFromEvent(ev)?.diff).toBe(unifiedDiff(r.corefileBefore, r.corefileAfter));
  });

  it("refuses a record too large for an annotation even without its diff", () => {
    const huge = "x".repeat(200 * 1024);
    expect(() => changeEvent(record({ corefileBefore: huge, corefileAfter: huge }))).toThrow(
      /too large to record in an Event/,
    );
  });
});

describe("changeMessage", () => {
  it("says who did what, and keeps under 1 KB without splitting a character", () => {
    expect(
      changeMessage({ user: "bob", action: "rollback", summary: "to change 01HZX", restarted: false }),
    ).toBe("bob rolled the Corefile back: to change 01HZX");
    expect(
      changeMessage({ user: "bob", action: "log-auto-off", summary: "log off in .:53", restarted: false }),
    ).toBe("the dashboard turned timed query logging off: log off in .:53");
    const long = changeMessage({ user: "bob", action: "apply", summary: "é".repeat(2000), restarted: false });
    expect(Buffer.byteLength(long)).toBeLessThan(1024);
    expect(long.endsWith("…")).toBe(true);
    expect(long).not.toContain("\uFFFD");
  });

  it("truncateUtf8 leaves short text alone and cuts long text at a character boundary", () => {
    expect(truncateUtf8("abc", 3)).toBe("abc");
    expect(truncateUtf8("abcdef", 5)).toBe("ab…");
    expect(truncateUtf8("😀😀😀", 9)).toBe("😀…");
  });
});

describe("historyFromEvents", () => {
  it("lists readable records newest first, once each, and reports unreadable ones", () => {
    const a = record({ id: "a", at: "2026-03-01T12:00:00Z" });
    const b = record({ id: "b", at: "2026-03-01T13:00:00Z" });
    const broken: CoreV1Event = {
      metadata: { name: "x", annotations: { [CHANGE_ANNOTATION]: "nope" } },
      involvedObject: {},
      reason: CHANGE_EVENT_REASON,
    };
    const other: CoreV1Event = { metadata: { name: "y" }, involvedObject: {}, reason: "Created" };
    const h = historyFromEvents([changeEvent(a), other, broken, changeEvent(b), changeEvent(a)]);
    expect(h.records.map((r) => r.id)).toEqual(["b", "a"]);
    expect(h.unreadable).toEqual([`Event x: the ${CHANGE_ANNOTATION} annotation is not JSON`]);
  });
});

describe("summarizeChange", () => {
  it("describes each edit in the operator's words", () => {
    expect(describeEdit({ op: "setLog", block: "*", on: true })).toBe("log on in every block");
    expect(describeEdit({ op: "setLog", block: ".:53", on: false })).toBe("log off in .:53");
    expect(describeEdit({ op: "setCacheTtl", block: ".:53", ttl: 60 })).toBe("cache TTL 60 s in .:53");
    expect(
      describeEdit({
        op: "setCache",
        block: "cluster.local:53",
        tier: "denial",
        capacity: 1000,
        maxTtl: 5,
        minTtl: 1,
      }),
    ).toBe("denial cache in cluster.local:53: capacity 1000, max TTL 5 s, min TTL 1 s");
  });

  it("joins edits, adds a timed log's duration, and counts a raw edit's lines", () => {
    const change = {
      edits: [
        { op: "setLog" as const, block: ".:53", on: true },
        { op: "setCache" as const, block: ".:53", tier: "success" as const, capacity: 5000 },
      ],
    };
    expect(summarizeChange(change, BEFORE, AFTER, { minutes: 15 })).toBe(
      "log on in .:53; success cache in .:53: capacity 5000 (logging for 15 min)",
    );
    expect(summarizeChange({ corefile: AFTER }, BEFORE, AFTER)).toBe("raw Corefile edit (+1 −0 line)");
    expect(summarizeChange({ corefile: BEFORE }, AFTER, BEFORE.replace("30", "60"))).toBe(
      "raw Corefile edit (+1 −2 lines)",
    );
    expect(summarizeChange({ corefile: BEFORE }, BEFORE, BEFORE)).toBe("raw Corefile edit (no change)");
  });
});
