/**
 * The port-forward transport against a metrics endpoint that takes its time, as a loaded node's
 * CoreDNS does: the dashboard must keep the tunnel open until the response has arrived.
 *
 * A real kubelet's WebSocket port-forward speaks `v4.channel.k8s.io`, which has no way to half-close
 * a stream: a client that closes its side after sending the request closes the whole tunnel, and the
 * response is lost (issue 14: "port-forward closed before an HTTP response arrived" under load).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { ObjectStore, RESOURCES, StoreError } from "@/sim/k8s/store";
import { createApiServer, type ApiServer } from "@/sim/k8s/server";
import { PortForwarder, type PortResolver } from "@/sim/k8s/portforward";
import { PORTFORWARD_PROTOCOLS } from "@/sim/k8s/portforward-frames";
import { selfSignedCert } from "@/sim/objects/self-signed-cert";
import { startTlsFront, type TlsFront } from "@/sim/objects/tls-front";
import type { CachePod } from "@/lib/k8s/types";
import { portForwardFetcher } from "@/lib/metrics/transports";

// The metrics endpoint on 127.48.0.1, the API server on 127.49.0.1: this file's range is 48–49.
const BASE = 48;
const API_HOST = "127.49.0.1";
const NS = "kube-system";
const POD = "node-local-dns-slow1";
const BODY = '# TYPE coredns_build_info gauge\ncoredns_build_info{version="1.11.3"} 1\n';

let server: ApiServer;
let front: TlsFront;
let forwarder: PortForwarder;
let metrics: http.Server;
let kc: KubeConfig;
/** How long the metrics endpoint waits before it answers, per request. */
let delayMs = 0;
/** The WebSocket subprotocols the simulated kubelet agrees to (the real kubelet: v4 only). */
let protocols: readonly string[] = PORTFORWARD_PROTOCOLS;
/** When set, the API server cannot reach the node's kubelet and answers the upgrade with this. */
let kubeletDown: string | null = null;

beforeAll(async () => {
  metrics = http.createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, {
        "Content-Type": "text/plain; version=0.0.4",
        "Content-Length": Buffer.byteLength(BODY),
      });
      res.end(BODY);
    }, delayMs);
  });
  await new Promise<void>((r) => metrics.listen(0, `127.${BASE}.0.1`, r));
  const target = { host: `127.${BASE}.0.1`, port: (metrics.address() as AddressInfo).port };
  const resolve: PortResolver = (port) => (port === 9253 ? target : undefined);
  forwarder = new PortForwarder();
  const store = new ObjectStore();
  store.create(RESOURCES.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: POD, namespace: NS },
    spec: { containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1" }] },
  });
  server = await createApiServer({
    store,
    host: API_HOST,
    port: 0,
    tokens: { "admin-token": { name: "admin", groups: ["system:masters"] } },
    hooks: {
      podPortForward: ({ req, socket, head, ports }) => {
        if (kubeletDown) throw new StoreError(500, "InternalError", kubeletDown);
        // Offer the client only what this kubelet speaks.
        const offered = String(req.headers["sec-websocket-protocol"] ?? "")
          .split(",")
          .map((p) => p.trim())
          .filter((p) => protocols.includes(p));
        req.headers["sec-websocket-protocol"] = offered.join(", ");
        forwarder.handleUpgrade(req, socket, head, ports, resolve, `${POD}_${NS}`);
      },
    },
  });
  const cert = selfSignedCert("sim-apiserver", [server.host]);
  front = await startTlsFront({
    host: server.host,
    port: 0,
    backend: { host: server.host, port: server.port },
    cert,
  });
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "sim",
        server: `https://${server.host}:${front.port}`,
        caData: Buffer.from(cert.certPem).toString("base64"),
      },
    ],
    users: [{ name: "admin", token: "admin-token" }],
    contexts: [{ name: "sim", cluster: "sim", user: "admin" }],
    currentContext: "sim",
  });
});

afterAll(async () => {
  await front?.close();
  await forwarder?.close();
  await server?.close();
  await new Promise((r) => metrics?.close(r));
});

const pod: CachePod = {
  name: POD,
  namespace: NS,
  nodeName: "node-1",
  podIP: `127.${BASE}.0.1`,
  phase: "Running",
  ready: true,
  status: "Running",
  restarts: 0,
  startedAt: null,
  createdAt: null,
  image: null,
  metricsPort: 9253,
  deleting: false,
} as CachePod;

describe("port-forward scrape of a slow metrics endpoint", () => {
  for (const [name, speaks] of [
    ["v4.channel.k8s.io (what a kubelet speaks)", ["v4.channel.k8s.io"]],
    ["v5.channel.k8s.io (half-close supported)", ["v5.channel.k8s.io"]],
  ] as const) {
    it(`reads the whole response that comes 400 ms after the request, over ${name}`, async () => {
      protocols = speaks;
      delayMs = 400;
      const text = await portForwardFetcher(kc)(pod, { timeoutMs: 10_000, maxBytes: 1 << 20 });
      expect(text).toBe(BODY);
    });
  }

  it("still times out with its own reason when the endpoint never answers in time", async () => {
    protocols = PORTFORWARD_PROTOCOLS;
    delayMs = 3000;
    await expect(portForwardFetcher(kc)(pod, { timeoutMs: 500, maxBytes: 1 << 20 })).rejects.toThrow(
      /timed out after 500 ms over the port-forward/,
    );
  });

  it("a refused upgrade says the API server's reason, not only its status", async () => {
    protocols = PORTFORWARD_PROTOCOLS;
    delayMs = 0;
    kubeletDown = `error dialing backend: dial tcp 127.${BASE}.0.1:10250: connect: connection refused`;
    try {
      const err = await portForwardFetcher(kc)(pod, { timeoutMs: 10_000, maxBytes: 1 << 20 }).then(
        () => null,
        (e: unknown) => e as Error & { status?: number },
      );
      expect(err?.message).toBe(`cannot open a port-forward: API server answered 500: ${kubeletDown}`);
    } finally {
      kubeletDown = null;
    }
    // A pod that is gone: the API server's 404 names it.
    await expect(
      portForwardFetcher(kc)(
        { ...pod, name: "node-local-dns-gone" },
        { timeoutMs: 10_000, maxBytes: 1 << 20 },
      ),
    ).rejects.toThrow(
      'cannot open a port-forward: API server answered 404: pods "node-local-dns-gone" not found',
    );
  });
});
