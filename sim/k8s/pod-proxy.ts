/**
 * `/api/v1/namespaces/{ns}/pods/{name}[:port]/proxy/{path}`: the API server dials the pod IP and
 * relays the HTTP exchange, streaming the answer back with its status and content type. A dial
 * failure is a 503 Status with the Go dialer's wording, as from a real API server.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { StoreError } from "./errors";
import { writeStatus } from "./status";

/** Headers that belong to one hop, plus the caller's credentials, which must not reach the pod. */
const DROP_REQUEST = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "authorization",
  "host",
]);
const DROP_RESPONSE = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"]);

/** `error trying to reach service: dial tcp 127.80.0.1:9253: connect: connection refused` */
export function dialError(host: string, port: number, err: NodeJS.ErrnoException): StoreError {
  const reason =
    err.code === "ECONNREFUSED"
      ? "connect: connection refused"
      : err.code === "ETIMEDOUT"
        ? "i/o timeout"
        : err.code === "EHOSTUNREACH"
          ? "connect: no route to host"
          : err.message;
  return new StoreError(
    503,
    "ServiceUnavailable",
    `error trying to reach service: dial tcp ${host}:${port}: ${reason}`,
  );
}

/**
 * Relays `req` to http://host:port/path?query and the answer to `res`.
 * `pathAndQuery` is what follows `/proxy` in the URL (starting with `/`, or empty for the root).
 */
export function proxyToPod(
  target: { host: string; port: number },
  pathAndQuery: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers))
    if (!DROP_REQUEST.has(k) && v !== undefined) headers[k] = v;
  headers.host = `${target.host}:${target.port}`;
  const upstream = http.request({
    host: target.host,
    port: target.port,
    method: req.method,
    path: pathAndQuery || "/",
    headers,
    agent: false,
  });
  upstream.on("response", (answer) => {
    const out: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(answer.headers))
      if (!DROP_RESPONSE.has(k) && v !== undefined) out[k] = v;
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
    answer.on("error", () => res.destroy());
  });
  upstream.on("error", (err: NodeJS.ErrnoException) => {
    if (res.headersSent) res.destroy();
    else writeStatus(res, dialError(target.host, target.port, err));
  });
  // The caller went away: stop the pod-side request too.
  res.on("close", () => upstream.destroy());
  req.pipe(upstream);
}
