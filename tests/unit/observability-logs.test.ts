import { describe, expect, it } from "vitest";
import type { ScrapeFailure } from "@/lib/metrics/collector";
import { createLogger, formatLogLine } from "@/lib/observability/log";
import { createDashboardMetrics, renderMetrics } from "@/lib/observability/metrics";
import { scrapeObserver } from "@/lib/observability/scrape-observer";
import { countSseChunk, countSseStream } from "@/lib/observability/sse-counter";
import { FetchTextError } from "@/lib/http/get-text";

const fail = (message: string): ScrapeFailure => ({
  message,
  at: "2024-01-01T00:00:00.000Z",
  transport: "direct",
});

function setup() {
  const lines: string[] = [];
  const logger = createLogger(
    (l) => lines.push(l),
    () => new Date("2024-05-01T10:00:00.000Z"),
  );
  const metrics = createDashboardMetrics();
  return {
    lines,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    metrics,
    obs: scrapeObserver(metrics, logger),
  };
}

describe("structured logs", () => {
  it("one JSON object per line with time, level, msg first; reserved keys cannot be overridden", () => {
    const line = formatLogLine(
      "warn",
      "hello",
      { node: "n1", msg: "spoof", err: new Error("why") },
      new Date(0),
    );
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      time: "1970-01-01T00:00:00.000Z",
      level: "warn",
      msg: "hello",
      node: "n1",
      err: "why",
    });
    expect(Object.keys(JSON.parse(line) as object).slice(0, 3)).toEqual(["time", "level", "msg"]);
  });

  it("a node's scrape failures are logged once per run, and the recovery once", () => {
    const { parsed, obs } = setup();
    obs.nodeResult("n1", fail("timed out"));
    obs.nodeResult("n1", fail("timed out"));
    obs.nodeResult("n2", fail("refused"));
    obs.nodeResult("n1", fail("timed out"));
    obs.nodeResult("n1", null);
    obs.nodeResult("n1", null);
    obs.nodeResult("n1", fail("again"));
    expect(parsed().map((l) => [l.level, l.msg, l.node, l.error])).toEqual([
      ["warn", "scrape failing", "n1", "timed out"],
      ["warn", "scrape failing", "n2", "refused"],
      ["info", "scrape recovered", "n1", undefined],
      ["warn", "scrape failing", "n1", "again"],
    ]);
  });

  it("an API server problem is logged once per run of failing rounds, and on recovery; rounds are counted", async () => {
    const { parsed, obs, metrics } = setup();
    obs.round({ durationMs: 100, nodes: 3, pods: 3, apiProblem: null });
    obs.round({ durationMs: 100, nodes: 3, pods: 3, apiProblem: "cannot list/watch nodes: refused" });
    obs.round({ durationMs: 100, nodes: 3, pods: 3, apiProblem: "cannot list/watch nodes: refused" });
    obs.round({ durationMs: 100, nodes: 3, pods: 3, apiProblem: null });
    expect(parsed().map((l) => [l.level, l.msg])).toEqual([
      ["error", "API server problem"],
      ["info", "API server recovered"],
    ]);
    expect(await renderMetrics(metrics)).toContain("nodelocaldns_dashboard_scrape_rounds_total 4\n");
  });

  it("attempts are counted by transport, result and error kind", async () => {
    const { obs, metrics } = setup();
    obs.attempt("n1", "direct", new FetchTextError("t", "timeout"));
    obs.attempt("n1", "proxy", null);
    const text = await renderMetrics(metrics);
    expect(text).toContain('nodelocaldns_dashboard_scrapes_total{transport="direct",result="failure"} 1');
    expect(text).toContain('nodelocaldns_dashboard_scrapes_total{transport="proxy",result="success"} 1');
    expect(text).toContain('nodelocaldns_dashboard_scrape_errors_total{kind="timeout"} 1');
  });
});

describe("log stream counting", () => {
  const chunk =
    'event: notice\ndata: {"kind":"following"}\n\nevent: dropped\ndata: {"dropped":12}\n\n' +
    'event: line\ndata: {"raw":"event: line"}\n\nevent: line\ndata: {}\n\n';

  it("counts line events and dropped markers, not text inside data", () => {
    expect(countSseChunk(chunk)).toEqual({ lines: 2, dropped: 12 });
    expect(countSseChunk(": heartbeat\n\n")).toEqual({ lines: 0, dropped: 0 });
  });

  it("passes the stream through unchanged and reports its end once", async () => {
    const enc = new TextEncoder();
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(chunk));
        c.enqueue(enc.encode(chunk));
        c.close();
      },
    });
    let lines = 0;
    let closes = 0;
    const out = countSseStream(
      source,
      (c) => (lines += c.lines),
      () => (closes += 1),
    );
    const text = await new Response(out).text();
    expect(text).toBe(chunk + chunk);
    expect(lines).toBe(4);
    expect(closes).toBe(1);
  });

  it("reports the end when the browser goes away (cancel)", async () => {
    const source = new ReadableStream<Uint8Array>({ pull() {} });
    let closes = 0;
    const out = countSseStream(
      source,
      () => {},
      () => (closes += 1),
    );
    await out.cancel();
    expect(closes).toBe(1);
  });
});
