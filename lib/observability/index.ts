import "server-only";
/**
 * What route handlers and lib/dashboard.ts use: the process's metrics and logger bound into the
 * pure helpers next to this file.
 */
import { log } from "./log";
import { dashboardMetrics } from "./metrics";
import { withRequestMetrics } from "./request-metrics";
import { countSseStream } from "./sse-counter";

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

/** A log stream's body, counted into the log line metrics and logged when it connects and ends. */
export function observedLogStream(
  body: ReadableStream<Uint8Array>,
  fields: Record<string, unknown>,
): ReadableStream<Uint8Array> {
  const m = dashboardMetrics();
  const started = Date.now();
  let sent = 0;
  let dropped = 0;
  log.info("log stream connected", fields);
  return countSseStream(
    body,
    (c) => {
      sent += c.lines;
      dropped += c.dropped;
      if (c.lines) m.logLinesSent.inc({}, c.lines);
      if (c.dropped) m.logLinesDropped.inc({}, c.dropped);
    },
    () =>
      log.info("log stream disconnected", {
        ...fields,
        seconds: (Date.now() - started) / 1000,
        sent,
        dropped,
      }),
  );
}
