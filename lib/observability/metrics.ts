import "server-only";
/**
 * The dashboard's own Prometheus metrics (README "The dashboard's own metrics"): one set per server
 * process, kept on globalThis like lib/dashboard.ts's state so dev-server reloads and separately
 * bundled routes all count into the same registry.
 */
import { formatPrometheusText } from "@/lib/prometheus-text/format";
import { Counter, Gauge, Histogram, Registry, SECONDS_BUCKETS } from "./registry";

/** Live values read when /metrics is scraped. */
export interface GaugeSources {
  nodes(): number;
  cachePods(): number;
  apiServerProblem(): boolean;
  sseClients(): number;
}

/** Every metric the dashboard exports about itself. */
export interface DashboardMetrics {
  readonly registry: Registry;
  scrapeRounds: Counter;
  scrapeRoundSeconds: Histogram;
  scrapes: Counter<"transport" | "result">;
  scrapeErrors: Counter<"kind">;
  logLinesSent: Counter;
  logLinesDropped: Counter;
  httpRequestSeconds: Histogram<"route" | "method" | "status">;
  /** Point the gauges at the running dashboard (lib/dashboard.ts does, once it has started). */
  setSources(sources: GaugeSources): void;
}

const P = "nodelocaldns_dashboard_";

/** A fresh set of metrics (tests make their own; the server uses `dashboardMetrics()`). */
export function createDashboardMetrics(): DashboardMetrics {
  const registry = new Registry();
  let sources: GaugeSources | null = null;
  const read = (f: (s: GaugeSources) => number | boolean) => () => (sources ? Number(f(sources)) : 0);
  const m: DashboardMetrics = {
    registry,
    scrapeRounds: registry.register(
      new Counter(`${P}scrape_rounds_total`, "Scrape rounds completed (every node-local-dns pod once).", []),
    ),
    scrapeRoundSeconds: registry.register(
      new Histogram(
        `${P}scrape_round_duration_seconds`,
        "How long a scrape round took.",
        [],
        SECONDS_BUCKETS,
      ),
    ),
    scrapes: registry.register(
      new Counter(`${P}scrapes_total`, "Scrape attempts of a pod's /metrics, by transport and result.", [
        "transport",
        "result",
      ]),
    ),
    scrapeErrors: registry.register(
      new Counter(`${P}scrape_errors_total`, "Failed scrape attempts by kind of failure.", ["kind"]),
    ),
    logLinesSent: registry.register(
      new Counter(`${P}log_lines_sent_total`, "CoreDNS log lines sent to browsers over the log stream.", []),
    ),
    logLinesDropped: registry.register(
      new Counter(
        `${P}log_lines_dropped_total`,
        "Log stream events dropped because a browser read slower than they arrived.",
        [],
      ),
    ),
    httpRequestSeconds: registry.register(
      new Histogram(
        `${P}http_request_duration_seconds`,
        "Time to answer the dashboard's HTTP API (to the first byte for streams), by route and status.",
        ["route", "method", "status"],
        SECONDS_BUCKETS,
      ),
    ),
    setSources(s) {
      sources = s;
    },
  };
  registry.register(
    new Gauge(
      `${P}nodes`,
      "Nodes in the cluster, as last listed.",
      read((s) => s.nodes()),
    ),
  );
  registry.register(
    new Gauge(
      `${P}cache_pods`,
      "node-local-dns pods known, as last listed.",
      read((s) => s.cachePods()),
    ),
  );
  registry.register(
    new Gauge(
      `${P}api_server_problem`,
      "1 while listing/watching the cluster fails, else 0.",
      read((s) => s.apiServerProblem()),
    ),
  );
  registry.register(
    new Gauge(
      `${P}sse_clients`,
      "Browsers connected to the log stream.",
      read((s) => s.sseClients()),
    ),
  );
  return m;
}

const holder = ((
  globalThis as { __nodelocalDnsDashboardMetrics?: { m?: DashboardMetrics } }
).__nodelocalDnsDashboardMetrics ??= {});

/** The process's one set of metrics. */
export function dashboardMetrics(): DashboardMetrics {
  holder.m ??= createDashboardMetrics();
  return holder.m;
}

/** The exposition text for GET /metrics. */
export function renderMetrics(m: DashboardMetrics = dashboardMetrics()): string {
  return formatPrometheusText(m.registry.collect());
}
