import "server-only";
import type https from "node:https";
import { PassThrough, Writable } from "node:stream";
import { PortForward, type KubeConfig } from "@kubernetes/client-node";
import { statusBodyMessage } from "@/lib/errors";
import { FetchTextError, getText } from "@/lib/http/get-text";
import { plainGet } from "@/lib/http/plain-get";
import { PortForwardRefused, ReasonedWebSocketHandler } from "./portforward-socket";
import type { CachePod } from "@/lib/k8s/types";

/** How the dashboard reads a pod's /metrics. */
export type TransportKind = "direct" | "proxy" | "portforward";
export const TRANSPORT_KINDS: readonly TransportKind[] = ["direct", "proxy", "portforward"];

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** Aborts the read (the collector stopping). */
  signal?: AbortSignal;
}

/** Reads the exposition text of one pod's metrics port. Throws FetchTextError with an operator-facing reason. */
export type MetricsFetcher = (pod: CachePod, limits: FetchLimits) => Promise<string>;

/** All three transports, keyed by kind, as the collector takes them. */
export function metricsFetchers(kc: KubeConfig): Record<TransportKind, MetricsFetcher> {
  return { direct: directFetcher(), proxy: proxyFetcher(kc), portforward: portForwardFetcher(kc) };
}

/** node-local-dns runs on the host network, so podIP:9253 is the node's metrics port (in-cluster, or a flat network). */
export function directFetcher(): MetricsFetcher {
  return async (pod, limits) => {
    if (!pod.podIP) throw new FetchTextError("the pod has no IP yet", "network");
    const res = await plainGet(pod.podIP, pod.metricsPort, "/metrics", limits);
    if (res.status !== 200)
      throw new FetchTextError(`metrics endpoint answered HTTP ${res.status}`, "http", res.status);
    return res.body;
  };
}

/** Through the API server: GET /api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy/metrics (needs "get" on pods/proxy). */
export function proxyFetcher(kc: KubeConfig): MetricsFetcher {
  return async (pod, limits) => {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new FetchTextError("the kubeconfig has no API server", "network");
    const requestOptions: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(requestOptions);
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}:${pod.metricsPort}/proxy/metrics`;
    const res = await getText(server.replace(/\/$/, "") + path, { ...limits, requestOptions });
    if (res.status !== 200) {
      throw new FetchTextError(
        `API server pod proxy answered ${res.status}: ${statusBodyMessage(res.body)}`,
        "http",
        res.status,
      );
    }
    return res.body;
  };
}

/**
 * Over a WebSocket port-forward (needs "create"/"get" on pods/portforward). Speaks HTTP/1.0 through the
 * tunnel so the response ends with the connection or its Content-Length, never chunked.
 *
 * The request stream stays open until the response is in: ending it makes client-node close the whole
 * WebSocket on `v4.channel.k8s.io` (what kubelets speak for port-forward; it cannot half-close a
 * stream), and half-close the connection on v5, which many HTTP servers answer by closing too. Either
 * way a response slower than that round trip (a loaded node) was lost.
 */
export function portForwardFetcher(kc: KubeConfig): MetricsFetcher {
  const handler = new ReasonedWebSocketHandler(kc);
  return (pod, limits) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      let closeSocket: () => void = () => {};
      const input = new PassThrough();
      const finish = (err: Error | null, body?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        closeSocket();
        input.end();
        if (err) reject(err);
        else resolve(body ?? "");
      };
      const timer = setTimeout(
        () =>
          finish(
            new FetchTextError(`timed out after ${limits.timeoutMs} ms over the port-forward`, "timeout"),
          ),
        limits.timeoutMs,
      );
      if (limits.signal?.aborted)
        return finish(new FetchTextError("scrape cancelled: the collector stopped", "aborted"));
      limits.signal?.addEventListener(
        "abort",
        () => finish(new FetchTextError("scrape cancelled: the collector stopped", "aborted")),
        { once: true },
      );
      const tryComplete = (ended: boolean) => {
        const buf = Buffer.concat(chunks);
        const parsed = parseHttpResponse(buf);
        if (!parsed) {
          if (ended)
            finish(new FetchTextError("port-forward closed before an HTTP response arrived", "network"));
          return;
        }
        if (parsed.status !== 200) {
          finish(
            new FetchTextError(`metrics endpoint answered HTTP ${parsed.status}`, "http", parsed.status),
          );
        } else if (parsed.contentLength !== null && parsed.body.length >= parsed.contentLength) {
          finish(null, parsed.body.subarray(0, parsed.contentLength).toString("utf8"));
        } else if (ended) {
          finish(null, parsed.body.toString("utf8"));
        }
      };
      const output = new Writable({
        write(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > limits.maxBytes)
            finish(new FetchTextError(`body larger than the ${limits.maxBytes}-byte limit`, "too-large"));
          else {
            chunks.push(chunk);
            tryComplete(false);
          }
          cb();
        },
      });
      const errors = new Writable({
        write(chunk: Buffer, _enc, cb) {
          // The first frame on the error channel only carries the port number, which client-node strips.
          const text = chunk.toString("utf8").trim();
          if (text) finish(new FetchTextError(`port-forward error: ${text}`, "network"));
          cb();
        },
      });
      // Written, not ended: see above. finish() ends it once the tunnel is closed.
      input.write(
        `GET /metrics HTTP/1.0\r\nHost: ${pod.podIP ?? "localhost"}:${pod.metricsPort}\r\nAccept: text/plain\r\n\r\n`,
      );
      new PortForward(kc, true, handler)
        .portForward(pod.namespace, pod.name, [pod.metricsPort], output, errors, input)
        .then((ws) => {
          const socket = typeof ws === "function" ? ws() : ws;
          if (!socket) return finish(new FetchTextError("port-forward did not open", "network"));
          closeSocket = () => socket.close();
          if (settled) socket.close();
          socket.on("close", () => tryComplete(true));
        })
        .catch((err: unknown) =>
          finish(
            err instanceof PortForwardRefused
              ? new FetchTextError(`cannot open a port-forward: ${err.message}`, "http", err.status)
              : new FetchTextError(`cannot open a port-forward: ${portForwardReason(err)}`, "network"),
          ),
        );
    });
}

function parseHttpResponse(
  buf: Buffer,
): { status: number; contentLength: number | null; body: Buffer } | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head[0] ?? "")?.[1] ?? 0);
  const lengthHeader = head.find((h) => /^content-length:/i.test(h));
  const contentLength = lengthHeader ? Number(lengthHeader.split(":")[1]) : null;
  return { status, contentLength, body: buf.subarray(end + 4) };
}

function portForwardReason(err: unknown): string {
  // A refused upgrade carries the API server's own reason (portforward-socket.ts).
  if (err && typeof err === "object" && "message" in err) return String((err as Error).message);
  return String(err);
}
