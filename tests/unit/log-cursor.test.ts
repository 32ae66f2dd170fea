import { describe, expect, it } from "vitest";
import { LogCursor, normalizeTimestamp } from "@/lib/logs/cursor";

describe("LogCursor", () => {
  it("delivers a resumed stream with no duplicate and no gap", () => {
    const c = new LogCursor();
    const first = [
      "2026-11-21T10:00:00.100000000Z",
      "2026-11-21T10:00:01.200000000Z",
      "2026-11-21T10:00:01.200000000Z",
    ];
    expect(first.map((t) => c.accept(t))).toEqual([true, true, true]);
    expect(c.resumeSinceTime()).toBe("2026-11-21T10:00:01Z");
    c.beginResume();
    // The server replays from the whole second: one older line, the two already seen, then a new one
    // with the same timestamp and a later one.
    const replay = [
      "2026-11-21T10:00:01.100000000Z",
      "2026-11-21T10:00:01.200000000Z",
      "2026-11-21T10:00:01.200000000Z",
      "2026-11-21T10:00:01.200000000Z",
      "2026-11-21T10:00:02.000000000Z",
    ];
    expect(replay.map((t) => c.accept(t))).toEqual([false, false, false, true, true]);
  });
  it("lines without a timestamp always pass", () => {
    expect(new LogCursor().accept(null)).toBe(true);
  });
  it("normalizes fractions so timestamps compare as text", () => {
    expect(normalizeTimestamp("2026-11-21T22:34:59.5Z")).toBe("2026-11-21T22:34:59.500000000Z");
    expect(normalizeTimestamp("2026-11-21T22:34:59Z")).toBe("2026-11-21T22:34:59.000000000Z");
    expect(normalizeTimestamp("2026-11-21T23:34:59.1+01:00")).toBe("2026-11-21T22:34:59.100000000Z");
  });
});
