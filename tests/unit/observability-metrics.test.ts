import { describe, expect, it } from "vitest";
import { FetchTextError } from "@/lib/http/get-text";
import { parsePrometheusText, PrometheusParseError, ScrapeLimitError } from "@/lib/prometheus-text/parse";
import { createDashboardMetrics, renderMetrics } from "@/lib/observability/metrics";
import { Counter, Histogram, Registry } from "prom-client";
import { withRequestMetrics } from "@/lib/observability/request-metrics";
import { scrapeErrorKind } from "@/lib/observability/scrape-error-kind";

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return parsePrometheusText(text).samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe("the dashboard's own /metrics", () => {
  it("prints every family with HELP and TYPE, and parses back with our parser", async () => {
    const m = createDashboardMetrics({ defaults: false });
    m.setSources({ nodes: () => 7, cachePods: () => 6, apiServerProblem: () => true, sseClients: () => 2 });
    m.scrapeRounds.inc();
    m.scrapeRoundSeconds.observe({}, 0.3);
    m.scrapes.inc({ transport: "direct", result: "success" }, 5);
    m.scrapes.inc({ transport: "proxy", result: "failure" });
    m.scrapeErrors.inc({ kind: "timeout" });
    m.logLinesSent.inc({}, 40);
    m.logLinesDropped.inc({}, 3);
    m.httpRequestSeconds.observe({ route: "/api/nodes", method: "GET", status: "200" }, 0.02);

    const text = await renderMetrics(m);
    const parsed = parsePrometheusText(text);
    expect([...parsed.families.keys()].sort()).toEqual([
      "nodelocaldns_dashboard_api_server_problem",
      "nodelocaldns_dashboard_cache_pods",
      "nodelocaldns_dashboard_http_request_duration_seconds",
      "nodelocaldns_dashboard_log_lines_dropped_total",
      "nodelocaldns_dashboard_log_lines_sent_total",
      "nodelocaldns_dashboard_nodes",
      "nodelocaldns_dashboard_scrape_errors_total",
      "nodelocaldns_dashboard_scrape_round_duration_seconds",
      "nodelocaldns_dashboard_scrape_rounds_total",
      "nodelocaldns_dashboard_scrapes_total",
      "nodelocaldns_dashboard_sse_clients",
    ]);
    for (const f of parsed.families.values()) expect(f.help).not.toBe("");
    expect(parsed.families.get("nodelocaldns_dashboard_scrape_round_duration_seconds")?.type).toBe(
      "HISTOGRAM",
    );
    expect(value(text, "nodelocaldns_dashboard_nodes")).toBe(7);
    expect(value(text, "nodelocaldns_dashboard_cache_pods")).toBe(6);
    expect(value(text, "nodelocaldns_dashboard_api_server_problem")).toBe(1);
    expect(value(text, "nodelocaldns_dashboard_sse_clients")).toBe(2);
    expect(
      value(text, "nodelocaldns_dashboard_scrapes_total", { transport: "direct", result: "success" }),
    ).toBe(5);
    expect(value(text, "nodelocaldns_dashboard_scrape_errors_total", { kind: "timeout" })).toBe(1);
    expect(value(text, "nodelocaldns_dashboard_log_lines_dropped_total")).toBe(3);
    expect(value(text, "nodelocaldns_dashboard_scrape_round_duration_seconds_bucket", { le: "0.25" })).toBe(
      0,
    );
    expect(value(text, "nodelocaldns_dashboard_scrape_round_duration_seconds_bucket", { le: "0.5" })).toBe(1);
    expect(
      value(text, "nodelocaldns_dashboard_http_request_duration_seconds_count", {
        route: "/api/nodes",
        status: "200",
      }),
    ).toBe(1);
  });

  it("gauges read 0 before the dashboard has started, counters start at 0", async () => {
    const text = await renderMetrics(createDashboardMetrics());
    expect(value(text, "nodelocaldns_dashboard_nodes")).toBe(0);
    expect(value(text, "nodelocaldns_dashboard_scrape_rounds_total")).toBe(0);
  });
});

describe("prom-client output read by our parser", () => {
  it("carries the standard process and Node.js metrics operators scrape from every service", async () => {
    const text = await renderMetrics(createDashboardMetrics());
    const names = new Set(parsePrometheusText(text).families.keys());
    for (const n of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ])
      expect(names.has(n), n).toBe(true);
  });

  it("histogram buckets are cumulative and end in +Inf = count", async () => {
    const r = new Registry();
    const h = new Histogram({
      name: "h_seconds",
      help: "help",
      labelNames: ["route"],
      buckets: [0.1, 1],
      registers: [r],
    });
    for (const v of [0.05, 0.5, 0.5, 3]) h.observe({ route: "/x" }, v);
    const samples = parsePrometheusText(await r.metrics()).samples;
    const buckets = samples.filter((s) => s.name === "h_seconds_bucket").map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      ["0.1", 1],
      ["1", 3],
      ["+Inf", 4],
    ]);
    expect(samples.find((s) => s.name === "h_seconds_sum")?.value).toBeCloseTo(4.05);
  });

  it("label values with quotes, backslashes and newlines survive the round trip", async () => {
    const r = new Registry();
    const c = new Counter({ name: "c_total", help: "help", labelNames: ["route"], registers: [r] });
    c.inc({ route: 'a"b\\c\nd' });
    expect(parsePrometheusText(await r.metrics()).samples[0]?.labels.route).toBe('a"b\\c\nd');
  });
});

describe("withRequestMetrics", () => {
  it("records route pattern, method and status, also when the handler throws", async () => {
    const r = new Registry();
    const h = new Histogram({
      name: "d",
      help: "help",
      labelNames: ["route", "method", "status"] as const,
      buckets: [1],
      registers: [r],
    });
    const ok = withRequestMetrics(
      "/api/nodes/[node]",
      async () => new Response("x", { status: 404 }),
      () => h,
    );
    expect((await ok(new Request("http://127.0.0.1/api/nodes/n1"))).status).toBe(404);
    const boom = withRequestMetrics(
      "/api/cluster",
      () => Promise.reject(new Error("boom")),
      () => h,
    );
    await expect(boom(new Request("http://127.0.0.1/api/cluster"))).rejects.toThrow("boom");
    const text = await r.metrics();
    expect(value(text, "d_count", { route: "/api/nodes/[node]", method: "GET", status: "404" })).toBe(1);
    expect(value(text, "d_count", { route: "/api/cluster", status: "500" })).toBe(1);
    expect(text).not.toContain("/api/nodes/n1");
  });
});

describe("scrapeErrorKind", () => {
  it("maps each failure to a fixed kind", () => {
    expect(scrapeErrorKind(new FetchTextError("t", "timeout"))).toBe("timeout");
    expect(scrapeErrorKind(new FetchTextError("r", "refused"))).toBe("refused");
    expect(scrapeErrorKind(new FetchTextError("h", "http", 500))).toBe("http");
    expect(scrapeErrorKind(new FetchTextError("b", "too-large"))).toBe("too-large");
    expect(scrapeErrorKind(new FetchTextError("n", "network"))).toBe("network");
    expect(scrapeErrorKind(new PrometheusParseError(3, "bad"))).toBe("parse");
    expect(scrapeErrorKind(ScrapeLimitError.tooManySamples(10))).toBe("limit");
    expect(scrapeErrorKind(new Error("?"))).toBe("other");
  });
});
