/** The pod's two HTTP endpoints: `prometheus` (/metrics) and `health` (/health). */
import http from "node:http";

/** Content type the Prometheus client library sends for the text format 0.0.4. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface HttpEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

function listen(
  host: string,
  port: number,
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  closeAfterResponse = false,
): Promise<HttpEndpoint> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(
      closeAfterResponse
        ? (req, res) => {
            // Scrapers that keep a connection per target (Prometheus) would hold a socket per pod.
            res.setHeader("Connection", "close");
            handle(req, res);
          }
        : handle,
    );
    // CoreDNS's metrics server (plugin/metrics/metrics.go) closes a connection idle for 5 s
    // (http.Server IdleTimeout); scraped every 10 s, a connection is never reused there either.
    server.keepAliveTimeout = 5000;
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", reject);
      const addr = server.address();
      const realPort = typeof addr === "object" && addr ? addr.port : port;
      resolve({
        host,
        port: realPort,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function notFound(res: http.ServerResponse): void {
  // Go's http.NotFound.
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  res.end("404 page not found\n");
}

/** GET /metrics → render(). */
export function startMetricsEndpoint(
  host: string,
  port: number,
  render: () => string,
  opts: { closeAfterResponse?: boolean } = {},
): Promise<HttpEndpoint> {
  return listen(
    host,
    port,
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path !== "/metrics") return notFound(res);
      const body = render();
      res.writeHead(200, { "Content-Type": METRICS_CONTENT_TYPE, "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    },
    opts.closeAfterResponse,
  );
}

/** GET /health → 200 "OK" (text/plain; charset=utf-8), the health plugin's only answer while running. */
export function startHealthEndpoint(host: string, port: number): Promise<HttpEndpoint> {
  return listen(host, port, (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/health") return notFound(res);
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": 2 });
    res.end("OK");
  });
}
