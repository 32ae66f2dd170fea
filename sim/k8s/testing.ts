/**
 * A ready API server for tests: a store seeded with the node-local-dns DaemonSet, ConfigMap and one
 * pod, users `admin` (system:masters) and `jane` (may read pods and port-forward in kube-system),
 * stub runtime hooks that record what reached them, and the TLS front real clients need.
 */
import { ApiException, KubeConfig } from "@kubernetes/client-node";
import { apiServerHost } from "../addresses";
import { selfSignedCert } from "../objects/self-signed-cert";
import { startTlsFront } from "../objects/tls-front";
import { createApiServer, type ApiServer } from "./server";
import { ObjectStore, RESOURCES } from "./store";
import type { KubeObject } from "./types";

export const TEST_NS = "kube-system";

export interface TestApiServer {
  store: ObjectStore;
  server: ApiServer;
  /** https://host:port of the TLS front. */
  url: string;
  admin: KubeConfig;
  jane: KubeConfig;
  /** A client-node config for any token (unknown tokens give 401s). */
  config(token: string): KubeConfig;
  /** Pod names the graceful-deletion hook was called for. */
  deleteRequested: string[];
  /** Every authorised resource request, in order. */
  requests: { verb: string; resource: string }[];
  close(): Promise<void>;
}

/** The upstream node-local-dns DaemonSet, reduced to what the API server validates. */
export function testDaemonSet(name = "node-local-dns"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: TEST_NS, labels: { "k8s-app": "node-local-dns" } },
    spec: {
      selector: { matchLabels: { "k8s-app": "node-local-dns" } },
      template: {
        metadata: { labels: { "k8s-app": "node-local-dns" } },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: "node-cache",
              image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28",
              args: ["-localip", "169.254.20.10"],
            },
          ],
        },
      },
    },
  };
}

function seed(store: ObjectStore): void {
  store.create(RESOURCES.daemonsets, testDaemonSet());
  store.create(RESOURCES.configmaps, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "node-local-dns", namespace: TEST_NS },
    data: { Corefile: ".:53 {\n    cache 30\n}\n" },
  });
  store.create(RESOURCES.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "node-local-dns-abcde", namespace: TEST_NS, labels: { "k8s-app": "node-local-dns" } },
    spec: {
      nodeName: "node-1",
      containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28" }],
    },
  });
  store.create(RESOURCES.roles, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "pod-reader", namespace: TEST_NS },
    rules: [
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
    ],
  });
  store.create(RESOURCES.rolebindings, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "jane-reads-pods", namespace: TEST_NS },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "jane" }],
  });
}

/** Starts the server on apiServerHost(base) (default 70), port 0, with stub hooks. */
export async function startTestApiServer(
  opts: { base?: number; watchWindow?: number; bookmarkIntervalMs?: number } = {},
): Promise<TestApiServer> {
  const store = new ObjectStore({ watchWindow: opts.watchWindow ?? 50 });
  const deleteRequested: string[] = [];
  const requests: { verb: string; resource: string }[] = [];
  const server = await createApiServer({
    store,
    host: apiServerHost(opts.base ?? 70),
    port: 0,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    tokens: {
      "admin-token": { name: "admin", groups: ["system:masters"] },
      "jane-token": { name: "jane", groups: [] },
    },
    hooks: {
      onResourceRequest: (verb, resource) => void requests.push({ verb, resource }),
      onPodDeleteRequested: (pod) => deleteRequested.push(pod.metadata.name),
      podLog: ({ res, query }) => {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end(`log of ${query.get("container") ?? "default"}\n`);
      },
      podProxy: ({ port, pathAndQuery, res }) => {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end(`proxied to ${port}${pathAndQuery}`);
      },
      podPortForward: ({ ports, socket }) => {
        socket.end(
          `HTTP/1.1 101 Switching Protocols\r\nX-Ports: ${ports.join(",")}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
        );
      },
    },
  });
  const cert = selfSignedCert("sim-apiserver", [server.host]);
  const front = await startTlsFront({
    host: server.host,
    port: 0,
    backend: { host: server.host, port: server.port },
    cert,
  });
  const url = `https://${server.host}:${front.port}`;
  const config = (token: string): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: "sim",
          server: url,
          caData: Buffer.from(cert.certPem).toString("base64"),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: "u", token }],
      contexts: [{ name: "sim", cluster: "sim", user: "u" }],
      currentContext: "sim",
    });
    return kc;
  };
  seed(store);
  return {
    store,
    server,
    url,
    admin: config("admin-token"),
    jane: config("jane-token"),
    config,
    deleteRequested,
    requests,
    close: async () => {
      await front.close();
      await server.close();
    },
  };
}

/** A failed client-node call's HTTP code and parsed Status body; throws if the call succeeded. */
export async function failure(p: Promise<unknown>): Promise<{
  code: number;
  body: { reason?: string; message?: string; code?: number; details?: Record<string, unknown> };
}> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const e = err as ApiException<unknown>;
    const body = typeof e.body === "string" && e.body ? JSON.parse(e.body) : (e.body ?? {});
    return { code: e.code, body };
  }
  throw new Error("expected the call to fail");
}
