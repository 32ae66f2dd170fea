import "server-only";
/**
 * The dashboard's own Prometheus metrics (README "The dashboard's own metrics"), on prom-client: one
 * registry per server process, kept on globalThis like lib/dashboard.ts's state so dev-server reloads
 * and separately bundled routes all count into the same registry. Besides the dashboard's own
 * families it carries prom-client's standard `process_*` and `nodejs_*` metrics (CPU, RSS, heap,
 * event-loop lag), which operators scrape from every service.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

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

/** Latency buckets from 5 ms to 30 s: a scrape round and an API answer both fall inside. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * A fresh set of metrics (tests make their own; the server uses `dashboardMetrics()`).
 * `defaults: false` leaves out the process and Node.js metrics (tests that list families).
 */
export function createDashboardMetrics(opts: { defaults?: boolean } = {}): DashboardMetrics {
  const registry = new Registry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
  let sources: GaugeSources | null = null;
  const registers = [registry];
  const gauge = (name: string, help: string, read: (s: GaugeSources) => number | boolean) =>
    new Gauge({
      name: `${P}${name}`,
      help,
      registers,
      collect() {
        this.set(sources ? Number(read(sources)) : 0);
      },
    });
  gauge("nodes", "Nodes in the cluster, as last listed.", (s) => s.nodes());
  gauge("cache_pods", "node-local-dns pods known, as last listed.", (s) => s.cachePods());
  gauge("api_server_problem", "1 while listing/watching the cluster fails, else 0.", (s) =>
    s.apiServerProblem(),
  );
  gauge("sse_clients", "Browsers connected to the log stream.", (s) => s.sseClients());
  return {
    registry,
    scrapeRounds: new Counter({
      name: `${P}scrape_rounds_total`,
      help: "Scrape rounds completed (every node-local-dns pod once).",
      registers,
    }),
    scrapeRoundSeconds: new Histogram({
      name: `${P}scrape_round_duration_seconds`,
      help: "How long a scrape round took.",
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    scrapes: new Counter({
      name: `${P}scrapes_total`,
      help: "Scrape attempts of a pod's /metrics, by transport and result.",
      labelNames: ["transport", "result"] as const,
      registers,
    }),
    scrapeErrors: new Counter({
      name: `${P}scrape_errors_total`,
      help: "Failed scrape attempts by kind of failure.",
      labelNames: ["kind"] as const,
      registers,
    }),
    logLinesSent: new Counter({
      name: `${P}log_lines_sent_total`,
      help: "CoreDNS log lines sent to browsers over the log stream.",
      registers,
    }),
    logLinesDropped: new Counter({
      name: `${P}log_lines_dropped_total`,
      help: "Log lines a browser never received because it read slower than they arrived (or stalled).",
      registers,
    }),
    httpRequestSeconds: new Histogram({
      name: `${P}http_request_duration_seconds`,
      help: "Time to answer the dashboard's HTTP API (to the first byte for streams), by route and status.",
      labelNames: ["route", "method", "status"] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    setSources(s) {
      sources = s;
    },
  };
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
export function renderMetrics(m: DashboardMetrics = dashboardMetrics()): Promise<string> {
  return m.registry.metrics();
}

/** The Content-Type of that text. */
export function metricsContentType(m: DashboardMetrics = dashboardMetrics()): string {
  return m.registry.contentType;
}
