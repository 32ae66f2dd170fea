import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isMarker, LogStore, REORDER_WINDOW_MS, type TableRow } from "@/components/logs/log-store";
import { viewFilterOf, type ViewFilter } from "@/components/logs/view-filter";
import type { LogLineEvent } from "@/lib/api-types";
import { parseCorednsLogLine } from "@/lib/logs/parse";

const query = (name: string, id: number) =>
  parseCorednsLogLine(
    `[INFO] 10.244.1.7:50851 - ${id} "A IN ${name}. udp 40 false 512" NOERROR qr,rd 56 0.001s`,
  );
const line = (node: string, time: string, name: string, id = 1): LogLineEvent => ({
  node,
  pod: `nld-${node}`,
  time,
  line: query(name, id),
});
const vf = (q: Record<string, string>): ViewFilter => {
  const v = viewFilterOf(q);
  if ("error" in v) throw new Error(v.error);
  return v;
};
const names = (rows: readonly TableRow[]) =>
  rows.map((r) => (isMarker(r) ? "—" : (r.line as { name: string }).name));

let now = 0;
beforeEach(() => {
  vi.useFakeTimers();
  now = 1_000_000;
});
afterEach(() => vi.useRealTimers());
const advance = (ms: number) => {
  now += ms;
  vi.advanceTimersByTime(ms);
};

describe("the log buffer", () => {
  it("shows lines from different pods in kubelet-timestamp order, within the reorder window", () => {
    const s = new LogStore(() => now);
    s.setFilter(vf({}));
    s.addLine(line("node-2", "2026-12-01T10:00:00.300Z", "b.example"));
    s.addLine(line("node-2", "2026-12-01T10:00:00.400Z", "c.example"));
    advance(200);
    s.addLine(line("node-1", "2026-12-01T10:00:00.100Z", "a.example"));
    expect(s.rows).toHaveLength(0);
    expect(s.pendingCount).toBe(3);
    advance(REORDER_WINDOW_MS);
    expect(names(s.rows)).toEqual(["a.example.", "b.example.", "c.example."]);
    // Later than the window: still put in its place.
    s.addLine(line("node-3", "2026-12-01T10:00:00.200Z", "late.example"));
    advance(REORDER_WINDOW_MS);
    expect(names(s.rows)).toEqual(["a.example.", "late.example.", "b.example.", "c.example."]);
  });

  it("a narrower filter refines the lines on screen and a wider one brings them back, saying what is missing", () => {
    const s = new LogStore(() => now);
    s.setFilter(vf({}));
    s.addLine(line("node-1", "2026-12-01T10:00:00.1Z", "svc.cluster.local"));
    s.addLine(line("node-2", "2026-12-01T10:00:00.2Z", "example.com"));
    advance(REORDER_WINDOW_MS);
    s.setFilter(vf({ name: "svc" }));
    expect(names(s.rows)).toEqual(["svc.cluster.local."]);
    expect(s.coverage?.since).toBeNull();
    s.setFilter(vf({ name: "svc", node: "node-2" }));
    expect(s.rows).toHaveLength(0);
    s.setFilter(vf({}));
    expect(names(s.rows)).toEqual(["svc.cluster.local.", "example.com."]);
    expect(s.coverage?.since).toBe(new Date(now).toISOString());
    expect(s.bufferedCount).toBe(2);
  });

  it("drops a line a reopened stream replays, keeps one that only looks alike", () => {
    const s = new LogStore(() => now);
    s.addLine(line("node-1", "2026-12-01T10:00:00.1Z", "a.example", 7));
    s.addLine(line("node-1", "2026-12-01T10:00:00.100000000Z", "a.example", 7));
    s.addLine(line("node-1", "2026-12-01T10:00:00.1Z", "a.example", 8));
    advance(REORDER_WINDOW_MS);
    expect(s.rows).toHaveLength(2);
    expect(s.duplicates).toBe(1);
  });

  it("paused: nothing joins the table, everything waits and joins on resume in order", () => {
    const s = new LogStore(() => now);
    s.addLine(line("node-1", "2026-12-01T10:00:00.5Z", "first.example"));
    advance(REORDER_WINDOW_MS);
    s.pause();
    s.addLine(line("node-1", "2026-12-01T10:00:00.9Z", "c.example"));
    s.addLine(line("node-2", "2026-12-01T10:00:00.7Z", "b.example"));
    advance(REORDER_WINDOW_MS * 3);
    expect(names(s.rows)).toEqual(["first.example."]);
    expect(s.pendingCount).toBe(2);
    s.resume();
    expect(names(s.rows)).toEqual(["first.example.", "b.example.", "c.example."]);
  });

  it("joins released lines in batches (each merge copies the buffer), not one merge per line", () => {
    const s = new LogStore(() => now);
    const seen = new Set<unknown>();
    for (let i = 0; i < 2000; i++) {
      s.addLine(line("node-1", new Date(Date.UTC(2026, 11, 1, 10) + i).toISOString(), `n${i}.example`, i));
      advance(1);
      seen.add(s.rows);
    }
    advance(REORDER_WINDOW_MS + 200);
    expect(s.rows).toHaveLength(2000);
    // Releases start after the first second, at most every 100 ms.
    expect(seen.size).toBeLessThanOrEqual(13);
  });
});
