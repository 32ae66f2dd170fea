import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "@/lib/config/history";
import {
  changesBetween,
  decodeHistoryData,
  encodeHistoryRecord,
  historyKey,
  HISTORY_MAX_BYTES,
  mergeHistories,
  withHistoryRecord,
} from "@/lib/config/history-log";
import {
  lateNote,
  logOffPlanOf,
  LOG_OFF_ANNOTATION,
  samePlan,
  encodeLogOffPlan,
} from "@/lib/config/log-off-plan";
import { alreadyRecorded, outsideChange } from "@/lib/config/outside-change";
import { corefileManagerOf } from "@/lib/k8s/configmap";

const BEFORE = ".:53 {\n    errors\n    cache 30\n}\n";
const AFTER = ".:53 {\n    log\n    errors\n    cache 30\n}\n";

const record = (id: string, at: string, over: Partial<ChangeRecord> = {}): ChangeRecord => ({
  id,
  at,
  user: "alice",
  action: "apply",
  summary: "log on in .:53",
  diff: "",
  resourceVersionBefore: "1",
  resourceVersionAfter: "2",
  corefileBefore: BEFORE,
  corefileAfter: AFTER,
  restarted: false,
  source: "dashboard",
  fieldManager: null,
  rollbackOf: null,
  note: null,
  ...over,
});
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

describe("history ConfigMap data (withHistoryRecord / decodeHistoryData)", () => {
  it("stores one key per change without the diff, and reads it back with the diff recomputed", () => {
    const { data } = withHistoryRecord({}, record("a", at(1), { diff: "anything" }));
    expect(Object.keys(data)).toEqual([historyKey("a")]);
    expect(JSON.parse(data[historyKey("a")]!)).not.toHaveProperty("diff");
    const { records, unreadable } = decodeHistoryData(data);
    expect(unreadable).toEqual([]);
    expect(records[0]?.diff).toMatch(/^\+ {4}log$/m);
  });

  it("keeps at most maxChanges, dropping the oldest", () => {
    let data: Record<string, string> = {};
    for (let i = 0; i < 5; i++)
      data = withHistoryRecord(data, record(`c${i}`, at(i)), { maxChanges: 3, maxBytes: 1e6 }).data;
    expect(decodeHistoryData(data).records.map((r) => r.id)).toEqual(["c4", "c3", "c2"]);
  });

  it("keeps the data under maxBytes, dropping the oldest, never the new one", () => {
    const size = historyKey("c0").length + encodeHistoryRecord(record("c0", at(0))).length;
    let data: Record<string, string> = {};
    const bounds = { maxChanges: 100, maxBytes: size * 2 + 10 };
    for (let i = 0; i < 4; i++) data = withHistoryRecord(data, record(`c${i}`, at(i)), bounds).data;
    expect(decodeHistoryData(data).records.map((r) => r.id)).toEqual(["c3", "c2"]);
    const total = Object.entries(data).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(total).toBeLessThanOrEqual(bounds.maxBytes);
  });

  it("drops unreadable entries first and leaves keys that are not changes alone", () => {
    const { data, dropped } = withHistoryRecord(
      {
        README: "kept",
        [historyKey("bad")]: "{not json",
        [historyKey("old")]: encodeHistoryRecord(record("old", at(0))),
      },
      record("new", at(5)),
      { maxChanges: 2, maxBytes: 1e6 },
    );
    expect(dropped).toEqual([historyKey("bad")]);
    expect(data.README).toBe("kept");
    expect(decodeHistoryData(data).records.map((r) => r.id)).toEqual(["new", "old"]);
  });

  it("refuses a record larger than the bound instead of writing an object the API server would refuse", () => {
    const huge = "x".repeat(HISTORY_MAX_BYTES);
    expect(() => withHistoryRecord({}, record("big", at(0), { corefileAfter: huge }))).toThrow(/too large/);
  });

  it("reports what cannot be read, by key, and reads records written before source/fieldManager existed", () => {
    const legacy = { ...record("legacy", at(0)) } as Partial<ChangeRecord>;
    delete legacy.source;
    delete legacy.fieldManager;
    delete legacy.rollbackOf;
    delete legacy.note;
    const { records, unreadable } = decodeHistoryData({
      [historyKey("legacy")]: JSON.stringify(legacy),
      [historyKey("broken")]: JSON.stringify({ id: "broken" }),
    });
    expect(records[0]).toMatchObject({ id: "legacy", source: "dashboard", fieldManager: null, note: null });
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatch(/change-broken\.json/);
  });
});

describe("mergeHistories / changesBetween", () => {
  it("merges the ConfigMap's and the Events' records, unique by id, newest first", () => {
    const a = record("a", at(1));
    const b = record("b", at(2));
    expect(mergeHistories([a], [b, { ...a, summary: "event copy" }]).map((r) => [r.id, r.summary])).toEqual([
      ["b", "log on in .:53"],
      ["a", "log on in .:53"],
    ]);
  });

  it("follows resourceVersionBefore from the current version back to the one an edit was based on", () => {
    const one = record("one", at(1), { resourceVersionBefore: "10", resourceVersionAfter: "11" });
    const two = record("two", at(2), { resourceVersionBefore: "11", resourceVersionAfter: "15" });
    const other = record("other", at(3), { resourceVersionBefore: "99", resourceVersionAfter: "100" });
    expect(changesBetween([other, two, one], "10", "15").map((r) => r.id)).toEqual(["two", "one"]);
    // A version with no record (an annotation-only write) ends the chain: who is known so far is kept.
    expect(changesBetween([two], "10", "15").map((r) => r.id)).toEqual(["two"]);
    expect(changesBetween([one], "10", "12")).toEqual([]);
    // Opaque versions: "9" is not "before" "10", only the chain says so.
    const loop = record("loop", at(4), { resourceVersionBefore: "20", resourceVersionAfter: "20" });
    expect(changesBetween([loop], "1", "20").map((r) => r.id)).toEqual(["loop"]);
  });
});

describe("outsideChange (a watched version the dashboard did not write)", () => {
  const seen = { resourceVersion: "5", corefile: BEFORE };
  const observed = (manager: string | null, time: string | null = "2026-01-01T12:00:07Z") => ({
    resourceVersion: "6",
    corefile: AFTER,
    corefileManager: manager ? { manager, operation: "Update", time } : null,
  });
  const detected = new Date("2026-01-01T12:00:09.500Z");

  it("is recorded with the field manager owning data.Corefile, its time, and the diff", () => {
    const c = outsideChange(seen, observed("kubectl-edit"), "nodelocal-dns-dashboard", detected);
    expect(c).toMatchObject({
      action: "outside",
      source: "outside",
      user: "kubectl-edit",
      fieldManager: "kubectl-edit",
      at: "2026-01-01T12:00:07.000Z",
      resourceVersionBefore: "5",
      resourceVersionAfter: "6",
      corefileBefore: BEFORE,
      corefileAfter: AFTER,
      summary: "kubectl-edit edited the Corefile outside the dashboard (+1 −0 line)",
    });
    expect(c?.diff).toMatch(/^\+ {4}log$/m);
  });

  it("is none for the dashboard's own write, for the same text, or before anything was seen", () => {
    expect(
      outsideChange(seen, observed("nodelocal-dns-dashboard"), "nodelocal-dns-dashboard", detected),
    ).toBeNull();
    expect(outsideChange(seen, { ...observed("kubectl-edit"), corefile: BEFORE }, "x", detected)).toBeNull();
    expect(outsideChange(null, observed("kubectl-edit"), "x", detected)).toBeNull();
  });

  it("without managedFields: who is unknown, the time is when it was seen", () => {
    const c = outsideChange(seen, observed(null), "nodelocal-dns-dashboard", detected);
    expect(c?.user).toBe("unknown (no managedFields)");
    expect(c?.fieldManager).toBeNull();
    expect(c?.at).toBe(detected.toISOString());
  });

  it("alreadyRecorded: another replica's record of the same version counts", () => {
    const c = outsideChange(seen, observed("kubectl-edit"), "d", detected)!;
    expect(alreadyRecorded([{ ...c, id: "theirs" }], c)).toBe(true);
    expect(alreadyRecorded([{ ...c, resourceVersionAfter: "7" }], c)).toBe(false);
  });
});

describe("corefileManagerOf (managedFields → who changed the Corefile last)", () => {
  it("is the entry owning f:data.f:Corefile, not the newest entry", () => {
    const cm = {
      data: { Corefile: "x" },
      metadata: {
        managedFields: [
          {
            manager: "kubectl-create",
            operation: "Update",
            time: new Date("2026-01-01T10:00:00Z"),
            fieldsV1: { "f:data": { ".": {} } },
          },
          {
            manager: "kubectl-replace",
            operation: "Update",
            time: new Date("2026-01-01T10:05:00Z"),
            fieldsV1: { "f:data": { "f:Corefile": {} } },
          },
          {
            manager: "kubectl-label",
            operation: "Update",
            time: new Date("2026-01-01T10:09:00Z"),
            fieldsV1: { "f:metadata": { "f:labels": { "f:x": {} } } },
          },
        ],
      },
    };
    expect(corefileManagerOf(cm)).toEqual({
      manager: "kubectl-replace",
      operation: "Update",
      time: "2026-01-01T10:05:00.000Z",
    });
    expect(corefileManagerOf({ data: { Corefile: "x" } })).toBeNull();
  });
});

describe("the timed log-off annotation", () => {
  const plan = { at: "2026-01-01T12:15:00.000Z", blocks: [".:53"], requestedBy: "alice" };

  it("round-trips, and reports an unreadable annotation instead of throwing", () => {
    expect(logOffPlanOf({ [LOG_OFF_ANNOTATION]: encodeLogOffPlan(plan) })).toEqual({ plan, problem: null });
    expect(logOffPlanOf({})).toEqual({ plan: null, problem: null });
    expect(logOffPlanOf({ [LOG_OFF_ANNOTATION]: "soon" }).problem).toMatch(/not JSON/);
    expect(logOffPlanOf({ [LOG_OFF_ANNOTATION]: JSON.stringify({ ...plan, blocks: [] }) }).problem).toMatch(
      /not readable/,
    );
  });

  it("samePlan: a watch event for an unrelated write keeps the timer; a new deadline replaces it", () => {
    expect(samePlan(plan, { ...plan })).toBe(true);
    expect(samePlan(plan, { ...plan, at: "2026-01-01T12:20:00.000Z" })).toBe(false);
    expect(samePlan(plan, null)).toBe(false);
  });

  it("lateNote: on time (within a minute) says nothing; later says the deadline passed with no dashboard", () => {
    expect(lateNote(plan, new Date("2026-01-01T12:15:30Z"))).toBeNull();
    expect(lateNote(plan, new Date("2026-01-01T14:15:00Z"))).toBe(
      "the deadline (2026-01-01T12:15:00.000Z) passed while no dashboard was running; turned off 120 min late, when a dashboard started",
    );
  });
});
