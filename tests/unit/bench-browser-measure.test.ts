import { describe, expect, it } from "vitest";
import { topSelfTime, workAfterResponses, type TraceEvent } from "../../bench/browser-measure";

const main = { pid: 1, tid: 7 };
const task = (atMs: number, durMs: number, where = main): TraceEvent => ({
  name: "RunTask",
  ph: "X",
  ...where,
  ts: atMs * 1000,
  dur: durMs * 1000,
});
const request = (id: string, url: string, sentMs: number, arrivedMs: number): TraceEvent[] => [
  {
    name: "ResourceSendRequest",
    ph: "I",
    ...main,
    ts: sentMs * 1000,
    args: { data: { url, requestId: id } },
  },
  {
    name: "ResourceReceiveResponse",
    ph: "I",
    ...main,
    ts: arrivedMs * 1000,
    args: { data: { requestId: id } },
  },
];

describe("workAfterResponses (the bench's per-refresh main-thread work)", () => {
  it("counts the tasks that follow each response closely, and not a later timer or another thread", () => {
    const events = [
      ...request("a", "http://x/api/overview?since=1", 0, 100),
      ...request("b", "http://x/api/cluster?since=1", 0, 150),
      ...request("c", "http://x/api/overview?since=2", 2000, 2100),
      task(90, 20), // straddles the arrival: only its 10 ms after it count
      task(120, 30), // 10 ms after the previous one ended
      task(160, 5, { pid: 1, tid: 8 }), // another thread
      task(170, 15), // 20 ms gap: still the same chain
      task(300, 40), // 115 ms later: the page's clock, not this refresh
      task(2100, 12),
    ];
    const work = workAfterResponses(events, "/api/overview");
    expect(work).toEqual([10 + 30 + 15, 12]);
  });

  it("answers nothing when no request of that URL was traced", () => {
    expect(workAfterResponses([task(0, 10)], "/api/overview")).toEqual([]);
  });
});

describe("topSelfTime", () => {
  it("adds each sample's interval to the function it landed in, largest first", () => {
    const frame = (functionName: string, lineNumber: number) => ({
      functionName,
      url: "http://x/a.js",
      lineNumber,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("render", 0) },
        { id: 2, callFrame: { ...frame("", 0), columnNumber: 16157 } },
      ],
      samples: [1, 2, 1, 1],
      timeDeltas: [0, 1000, 2000, 3000],
    };
    expect(topSelfTime(profile)).toEqual([
      { fn: "render a.js:1", ms: 4 },
      { fn: "(anonymous) a.js:1:16158", ms: 2 },
    ]);
  });
});
