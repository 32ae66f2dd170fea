import { describe, expect, it } from "vitest";
import type { ScrapeFailure } from "@/lib/metrics/collector";
import { createLogger, formatLogLine } from "@/lib/observability/log";
import { createDashboardMetrics, renderMetrics } from "@/lib/observability/metrics";
import { scrapeObserver } from "@/lib/observability/scrape-observer";
import type { LogSubscriber } from "@/lib/logs/hub";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { SharedLogLine } from "@/lib/logs/shared-line";
import { logEventStream } from "@/lib/logs/sse";
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
  /** A log source that hands every subscriber the lines pushed into it (the hub's contract). */
  function source() {
    const subs = new Set<LogSubscriber>();
    return {
      subscribe(sub: LogSubscriber) {
        subs.add(sub);
        return () => subs.delete(sub);
      },
      push(n: number) {
        for (let i = 0; i < n; i++) {
          const line = new SharedLogLine({ node: "n1", pod: "p1", time: null, text: `line ${i}` });
          for (const s of subs) s.onLine(line);
        }
      },
      get size() {
        return subs.size;
      },
    };
  }
  const all = compileLogFilter(logFilterSchema.parse({}));

  it("counts lines sent, lines dropped for a browser that stopped reading (when dropped), and the end once", async () => {
    const src = source();
    const ac = new AbortController();
    const counts = { sent: 0, dropped: 0, closed: 0 };
    const body = logEventStream(src, all, ac.signal, {
      capacity: 10,
      hooks: {
        sent: (n) => (counts.sent += n),
        dropped: (n) => (counts.dropped += n),
        closed: () => (counts.closed += 1),
      },
    });
    const reader = body.getReader();
    await reader.read(); // the "connected" preamble; then the browser stops reading
    src.push(25);
    // Nobody read: 10 are buffered, 15 dropped and counted already.
    expect(counts.dropped).toBe(15);
    expect(counts.sent).toBe(0);
    // When it reads again, it is told how many it missed, then gets the 10.
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text.startsWith('event: dropped\ndata: {"dropped":15}\n\n')).toBe(true);
    expect(text.match(/^event: line$/gm)?.length).toBe(10);
    expect(counts.sent).toBe(10);
    // Lines still queued when the browser goes away were never received: dropped too.
    src.push(5);
    ac.abort();
    expect(counts.dropped).toBe(20);
    await reader.cancel();
    expect(counts.closed).toBe(1);
    expect(src.size).toBe(0);
  });

  it("parses a line once and encodes it once, however many browsers receive it", () => {
    const line = new SharedLogLine({ node: "n1", pod: "p1", time: null, text: "x" });
    expect(line.sseBytes()).toBe(line.sseBytes());
    let evaluations = 0;
    const counting = {
      ...all,
      matchesEvery: false,
      matches: (l: Parameters<typeof all.matches>[0]) => (evaluations++, all.matches(l)),
    };
    for (let i = 0; i < 500; i++) line.matches(counting);
    expect(evaluations).toBe(1);
    // A filter that takes every line is not even evaluated.
    const every = { ...counting, matchesEvery: true };
    for (let i = 0; i < 500; i++) expect(line.matches(every)).toBe(true);
    expect(evaluations).toBe(1);
  });
});
