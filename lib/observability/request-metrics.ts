/**
 * Times the dashboard's HTTP API handlers into nodelocaldns_dashboard_http_request_duration_seconds.
 * `route` is the route's pattern (`/api/nodes/[node]`), never the concrete path, so a node name or a
 * scanner's random URLs cannot create new series.
 */
import type { Histogram } from "prom-client";

/** Wrap a route handler: its latency (to the Response; for streams, to the first byte) by status. */
export function withRequestMetrics<A extends unknown[]>(
  route: string,
  handler: (request: Request, ...rest: A) => Promise<Response> | Response,
  histogram: () => Histogram<"route" | "method" | "status">,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    const started = performance.now();
    let status = "500";
    try {
      const res = await handler(request, ...rest);
      status = String(res.status);
      return res;
    } finally {
      histogram().observe({ route, method: request.method, status }, (performance.now() - started) / 1000);
    }
  };
}
