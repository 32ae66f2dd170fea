import "server-only";
/**
 * What route handlers and lib/dashboard.ts use: the process's metrics and logger bound into the
 * pure helpers next to this file.
 */
import { log } from "./log";
import { dashboardMetrics } from "./metrics";
import { withRequestMetrics } from "./request-metrics";
import type { LogStreamHooks } from "@/lib/logs/sse";

export { log, type Logger } from "./log";
export { dashboardMetrics, metricsContentType, renderMetrics, type GaugeSources } from "./metrics";
export { scrapeObserver } from "./scrape-observer";

/** A route handler timed into nodelocaldns_dashboard_http_request_duration_seconds{route=...}. */
export function timedRoute<A extends unknown[]>(
  route: string,
  handler: (request: Request, ...rest: A) => Promise<Response> | Response,
): (request: Request, ...rest: A) => Promise<Response> {
  return withRequestMetrics(route, handler, () => dashboardMetrics().httpRequestSeconds);
}

/** Hooks that count a log stream into the log line metrics and log when it connects and ends. */
export function observedLogStream(fields: Record<string, unknown>): LogStreamHooks {
  const m = dashboardMetrics();
  const started = Date.now();
  let sent = 0;
  let dropped = 0;
  log.info("log stream connected", fields);
  return {
    sent(lines) {
      sent += lines;
      m.logLinesSent.inc(lines);
    },
    dropped(lines) {
      dropped += lines;
      m.logLinesDropped.inc(lines);
    },
    closed() {
      log.info("log stream disconnected", {
        ...fields,
        seconds: (Date.now() - started) / 1000,
        sent,
        dropped,
      });
    },
  };
}
