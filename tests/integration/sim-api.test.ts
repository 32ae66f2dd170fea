/**
 * The simulated API server against @kubernetes/client-node 1.4, as the dashboard uses it: status
 * codes and Status bodies, RBAC, optimistic concurrency, patch types, watches, dry-run, SSAR and the
 * pod subresource hooks.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  ListWatch,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Pod,
} from "@kubernetes/client-node";
import { apiServerHost } from "@/sim/addresses";
import { ObjectStore, RESOURCES, type KubeObject } from "@/sim/k8s/store";
import { createApiServer, type ApiServer } from "@/sim/k8s/server";
import { selfSignedCert } from "@/sim/objects/self-signed-cert";
import { startTlsFront, type TlsFront } from "@/sim/objects/tls-front";
import { waitFor } from "../support/ports";

const NS = "kube-system";
let store: ObjectStore;
let server: ApiServer;
let front: TlsFront;
let caPem: string;
let admin: KubeConfig;
let jane: KubeConfig;
const deleteRequested: string[] = [];

/** A kubeconfig as the cluster wiring writes it: https through the TLS front, the CA, a token. */
function config(token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "sim",
        server: `https://${server.host}:${front.port}`,
        caData: Buffer.from(caPem).toString("base64"),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: "u", token }],
    contexts: [{ name: "sim", cluster: "sim", user: "u" }],
    currentContext: "sim",
  });
  return kc;
}

/** The Status body of a failed call, parsed. */
async function failure(p: Promise<unknown>): Promise<{
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

const daemonSet = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "node-local-dns", namespace: NS, labels: { "k8s-app": "node-local-dns" } },
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
});

beforeAll(async () => {
  store = new ObjectStore({ watchWindow: 50 });
  server = await createApiServer({
    store,
    host: apiServerHost(70),
    port: 0,
    tokens: {
      "admin-token": { name: "admin", groups: ["system:masters"] },
      "jane-token": { name: "jane", groups: [] },
    },
    hooks: {
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
  caPem = cert.certPem;
  front = await startTlsFront({
    host: server.host,
    port: 0,
    backend: { host: server.host, port: server.port },
    cert,
  });
  admin = config("admin-token");
  jane = config("jane-token");
  store.create(RESOURCES.daemonsets, daemonSet());
  store.create(RESOURCES.configmaps, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "node-local-dns", namespace: NS },
    data: { Corefile: ".:53 {\n    cache 30\n}\n" },
  });
  store.create(RESOURCES.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "node-local-dns-abcde", namespace: NS, labels: { "k8s-app": "node-local-dns" } },
    spec: {
      nodeName: "node-1",
      containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28" }],
    },
  });
  // jane may read pods and their logs in kube-system, nothing else.
  store.create(RESOURCES.roles, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "pod-reader", namespace: NS },
    rules: [
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
    ],
  });
  store.create(RESOURCES.rolebindings, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "jane-reads-pods", namespace: NS },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "jane" }],
  });
});

afterAll(async () => {
  await front?.close();
  await server?.close();
});

describe("authentication and authorization", () => {
  it("answers 401 without a token and with an unknown token", async () => {
    const res = await fetch(`${server.url}/api/v1/namespaces/${NS}/pods`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    const bad = await failure(config("nope").makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS }));
    expect(bad.code).toBe(401);
  });

  it("serves health and version to anonymous callers, nothing else", async () => {
    expect(await (await fetch(`${server.url}/readyz`)).text()).toBe("ok");
    expect(((await (await fetch(`${server.url}/version`)).json()) as { gitVersion: string }).gitVersion).toBe(
      "v1.32.4",
    );
    expect((await fetch(`${server.url}/api`)).status).toBe(401);
  });

  it("impersonates only when RBAC allows it", async () => {
    const asJane = { headers: { Authorization: "Bearer admin-token", "Impersonate-User": "jane" } };
    expect((await fetch(`${server.url}/api/v1/namespaces/${NS}/configmaps`, asJane)).status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/namespaces/${NS}/pods`, asJane)).status).toBe(200);
    const res = await fetch(`${server.url}/api/v1/namespaces/${NS}/pods`, {
      headers: { Authorization: "Bearer jane-token", "Impersonate-User": "admin" },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toBe(
      'users "admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it("answers 403 with the real message for a user lacking RBAC", async () => {
    const core = jane.makeApiClient(CoreV1Api);
    expect((await core.listNamespacedPod({ namespace: NS })).items).toHaveLength(1);
    const list = await failure(core.listNamespacedConfigMap({ namespace: NS }));
    expect(list.code).toBe(403);
    expect(list.body.message).toBe(
      'configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "kube-system"',
    );
    const log = await failure(core.readNamespacedPodLog({ name: "node-local-dns-abcde", namespace: NS }));
    expect(log.body.message).toBe(
      'pods "node-local-dns-abcde" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "kube-system"',
    );
    const nodes = await failure(core.listNode());
    expect(nodes.body).toMatchObject({ reason: "Forbidden", code: 403, details: { kind: "nodes" } });
    expect(nodes.body.message).toBe(
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });

  it("answers SelfSubjectAccessReviews with the RBAC decision and reason", async () => {
    const review = (kc: KubeConfig, verb: string, resource: string) =>
      kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { namespace: NS, verb, resource } },
        },
      });
    const allowed = await review(jane, "watch", "pods");
    expect(allowed.status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "jane-reads-pods/kube-system" of Role "pod-reader" to User "jane"',
    });
    expect((await review(jane, "delete", "pods")).status?.allowed).toBe(false);
    expect((await review(admin, "delete", "pods")).status?.allowed).toBe(true);
  });
});

describe("errors", () => {
  it("404 for a missing object", async () => {
    const r = await failure(
      admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: "nope", namespace: NS }),
    );
    expect(r.code).toBe(404);
    expect(r.body).toMatchObject({
      reason: "NotFound",
      message: 'configmaps "nope" not found',
      details: { name: "nope", kind: "configmaps" },
    });
  });

  it("409 Conflict on a stale resourceVersion", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: NS });
    const fresh = await core.replaceNamespacedConfigMap({
      name: "node-local-dns",
      namespace: NS,
      body: { ...cm, data: { Corefile: "changed" } },
    });
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    const r = await failure(
      core.replaceNamespacedConfigMap({
        name: "node-local-dns",
        namespace: NS,
        body: { ...cm, data: { Corefile: "stale" } },
      }),
    );
    expect(r.code).toBe(409);
    expect(r.body.message).toBe(
      'Operation cannot be fulfilled on configmaps "node-local-dns": the object has been modified; please apply your changes to the latest version and try again',
    );
    // A resourceVersion inside a patch is a precondition too.
    const p = await failure(
      core.patchNamespacedConfigMap(
        {
          name: "node-local-dns",
          namespace: NS,
          body: { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { x: "y" } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(p.code).toBe(409);
  });

  it("415 for a patch in an unknown content type", async () => {
    const r = await failure(
      admin
        .makeApiClient(CoreV1Api)
        .patchNamespacedConfigMap(
          { name: "node-local-dns", namespace: NS, body: { data: { a: "b" } } },
          setHeaderOptions("Content-Type", "application/json"),
        ),
    );
    expect(r.code).toBe(415);
    expect(r.body.message).toBe(
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
    );
  });

  it("422 for invalid objects, with causes", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const r = await failure(
      core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "bad", labels: { app: "not valid!" } }, data: {} },
      }),
    );
    expect(r.code).toBe(422);
    expect(r.body.reason).toBe("Invalid");
    expect(r.body.message).toMatch(
      /^ConfigMap "bad" is invalid: metadata\.labels: Invalid value: "not valid!": /,
    );
    const ds = daemonSet();
    ds.metadata.name = "mismatch";
    (ds.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = {
      other: "x",
    };
    const d = await failure(
      admin.makeApiClient(AppsV1Api).createNamespacedDaemonSet({ namespace: NS, body: ds as never }),
    );
    expect(d.code).toBe(422);
    expect(d.body.message).toBe(
      'DaemonSet.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"other":"x"}: `selector` does not match template `labels`',
    );
  });

  it("422 when a JSON patch test operation fails", async () => {
    const r = await failure(
      admin.makeApiClient(CoreV1Api).patchNamespacedConfigMap(
        {
          name: "node-local-dns",
          namespace: NS,
          body: [{ op: "test", path: "/data/Corefile", value: "something else" }],
        },
        setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
      ),
    );
    expect(r.code).toBe(422);
  });
});

describe("writes", () => {
  it("dryRun=All validates and returns the result but stores nothing", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const before = store.resourceVersion();
    const created: V1ConfigMap = await core.createNamespacedConfigMap({
      namespace: NS,
      dryRun: "All",
      body: { metadata: { name: "dry" }, data: { a: "b" } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect((await failure(core.readNamespacedConfigMap({ name: "dry", namespace: NS }))).code).toBe(404);
    await core.patchNamespacedConfigMap(
      { name: "node-local-dns", namespace: NS, dryRun: "All", body: { data: { dry: "run" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(store.get(RESOURCES.configmaps, NS, "node-local-dns")?.data).not.toHaveProperty("dry");
    expect(store.resourceVersion()).toBe(before);
  });

  it("a strategic merge patch of the pod template annotation bumps generation and keeps containers", async () => {
    const apps = admin.makeApiClient(AppsV1Api);
    const before = await apps.readNamespacedDaemonSet({ name: "node-local-dns", namespace: NS });
    const patched = await apps.patchNamespacedDaemonSet(
      {
        name: "node-local-dns",
        namespace: NS,
        body: {
          spec: {
            template: {
              metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z" } },
              spec: {
                containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.29" }],
              },
            },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
    const c = patched.spec?.template.spec?.containers[0];
    expect(c?.image).toBe("registry.k8s.io/dns/k8s-dns-node-cache:1.22.29");
    expect(c?.args).toEqual(["-localip", "169.254.20.10"]);
    // A status write does not change generation.
    const st = await apps.patchNamespacedDaemonSetStatus(
      { name: "node-local-dns", namespace: NS, body: { status: { numberReady: 3 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(st.metadata?.generation).toBe(patched.metadata?.generation);
    expect(st.status?.numberReady).toBe(3);
  });

  it("a pod update may change the image only; omitted defaults are not changes", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const minimal = (image: string, extra: Record<string, unknown> = {}) => ({
      metadata: { name: "node-local-dns-abcde", namespace: NS, labels: { "k8s-app": "node-local-dns" } },
      spec: { nodeName: "node-1", containers: [{ name: "node-cache", image, ...extra }] },
    });
    const updated = await core.replaceNamespacedPod({
      name: "node-local-dns-abcde",
      namespace: NS,
      body: minimal("registry.k8s.io/dns/k8s-dns-node-cache:1.22.29"),
    });
    expect(updated.spec?.containers[0]?.image).toBe("registry.k8s.io/dns/k8s-dns-node-cache:1.22.29");
    expect(updated.spec?.restartPolicy).toBe("Always");
    const r = await failure(
      core.replaceNamespacedPod({
        name: "node-local-dns-abcde",
        namespace: NS,
        body: minimal("x:1", { args: ["-conf", "/etc/Corefile"] }),
      }),
    );
    expect(r.code).toBe(422);
    expect(r.body.message).toMatch(
      /^Pod "node-local-dns-abcde" is invalid: spec: Forbidden: pod updates may not change fields other than/,
    );
  });

  it("deleting a pod marks it terminating and asks the kubelet hook", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const pod = await core.deleteNamespacedPod({ name: "node-local-dns-abcde", namespace: NS });
    expect(pod.metadata?.deletionTimestamp).toBeTruthy();
    expect(deleteRequested).toEqual(["node-local-dns-abcde"]);
    expect(store.get(RESOURCES.pods, NS, "node-local-dns-abcde")).toBeDefined();
    store.delete(RESOURCES.pods, NS, "node-local-dns-abcde");
    store.create(RESOURCES.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "node-local-dns-abcde", namespace: NS },
      spec: { nodeName: "node-1", containers: [{ name: "node-cache", image: "x:1" }] },
    });
  });
});

describe("lifecycle", () => {
  it("garbage-collects the pods of a deleted DaemonSet, unless told to orphan them", async () => {
    const apps = admin.makeApiClient(AppsV1Api);
    const owned = (dsName: string, uid: string, pod: string): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: pod,
        namespace: NS,
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            name: dsName,
            uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { nodeName: "node-2", containers: [{ name: "c", image: "x:1" }] },
    });
    for (const name of ["gc-me", "orphan-me"]) {
      const ds = daemonSet();
      ds.metadata.name = name;
      const created = store.create(RESOURCES.daemonsets, ds);
      store.create(RESOURCES.pods, owned(name, created.metadata.uid ?? "", `${name}-pod`));
    }
    const status = await apps.deleteNamespacedDaemonSet({ name: "gc-me", namespace: NS });
    expect(status).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "gc-me", group: "apps", kind: "daemonsets" },
    });
    await waitFor(
      "the owned pod to be terminating",
      () => (deleteRequested.includes("gc-me-pod") ? true : undefined),
      10_000,
      20,
    );
    expect(store.get(RESOURCES.pods, NS, "gc-me-pod")?.metadata.deletionTimestamp).toBeTruthy();
    await apps.deleteNamespacedDaemonSet({ name: "orphan-me", namespace: NS, propagationPolicy: "Orphan" });
    expect(store.get(RESOURCES.pods, NS, "orphan-me-pod")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("finalizers hold a deleted object until they are removed", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "held", finalizers: ["example.com/keep"] } },
    });
    await core.deleteNamespacedConfigMap({ name: "held", namespace: NS });
    const held = await core.readNamespacedConfigMap({ name: "held", namespace: NS });
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    const more = await failure(
      core.patchNamespacedConfigMap(
        {
          name: "held",
          namespace: NS,
          body: { metadata: { finalizers: ["example.com/keep", "example.com/more"] } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(more.code).toBe(422);
    await core.patchNamespacedConfigMap(
      { name: "held", namespace: NS, body: { metadata: { finalizers: null } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect((await failure(core.readNamespacedConfigMap({ name: "held", namespace: NS }))).code).toBe(404);
  });

  it("refuses objects in a namespace that does not exist", async () => {
    const r = await failure(
      admin
        .makeApiClient(CoreV1Api)
        .createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "x" } } }),
    );
    expect(r.code).toBe(404);
    expect(r.body.message).toBe('namespaces "nope" not found');
  });

  it("pages lists with limit and continue", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    for (const n of ["page-a", "page-b", "page-c"]) {
      store.create(RESOURCES.configmaps, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: n, namespace: "default", labels: { paged: "yes" } },
      });
    }
    const first = await core.listNamespacedConfigMap({
      namespace: "default",
      labelSelector: "paged=yes",
      limit: 2,
    });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(["page-a", "page-b"]);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const rest = await core.listNamespacedConfigMap({
      namespace: "default",
      labelSelector: "paged=yes",
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(rest.items.map((i) => i.metadata?.name)).toEqual(["page-c"]);
    expect(rest.metadata?._continue).toBeUndefined();
  });
});

describe("watch", () => {
  it("delivers ADDED, MODIFIED and DELETED for matching objects", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    const ctrl = await new Watch(admin).watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      { labelSelector: "watched=yes" },
      (type, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "w1", labels: { watched: "yes" } }, data: { a: "1" } },
      });
      await core.patchNamespacedConfigMap(
        { name: "w1", namespace: NS, body: { data: { a: "2" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: "w1", namespace: NS });
      await waitFor("watch events", () => (seen.length >= 3 ? seen : undefined), 10_000, 20);
      expect(seen).toEqual(["ADDED w1", "MODIFIED w1", "DELETED w1"]);
    } finally {
      ctrl.abort();
    }
  });

  it("keeps a client-node ListWatch (the dashboard's informer) in sync", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const lw = new ListWatch<V1Pod>(
      `/api/v1/namespaces/${NS}/pods`,
      new Watch(admin),
      () => core.listNamespacedPod({ namespace: NS, labelSelector: "informer=yes" }),
      false,
      "informer=yes",
    );
    const events: string[] = [];
    lw.on("add", (p) => events.push(`add ${p.metadata?.name}`));
    lw.on("update", (p) => events.push(`update ${p.metadata?.name} ${p.status?.phase}`));
    lw.on("delete", (p) => events.push(`delete ${p.metadata?.name}`));
    const pod = (name: string): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: NS, labels: { informer: "yes" } },
      spec: { containers: [{ name: "c", image: "x:1" }] },
    });
    store.create(RESOURCES.pods, pod("inf-1"));
    await lw.start();
    try {
      expect(lw.list(NS).map((p) => p.metadata?.name)).toEqual(["inf-1"]);
      store.create(RESOURCES.pods, pod("inf-2"));
      store.mutate(RESOURCES.pods, NS, "inf-1", (o) => void (o.status = { phase: "Running" }), {
        subresource: "status",
      });
      store.delete(RESOURCES.pods, NS, "inf-2");
      await waitFor("informer events", () => (events.length >= 4 ? events : undefined), 10_000, 20);
      expect(events).toEqual(["add inf-1", "add inf-2", "update inf-1 Running", "delete inf-2"]);
      expect(lw.list(NS).map((p) => p.metadata?.name)).toEqual(["inf-1"]);
    } finally {
      await lw.stop();
    }
  });

  it("a watch on a named object sees only that object, and ends at timeoutSeconds", async () => {
    const res = await fetch(
      `${server.url}/api/v1/namespaces/${NS}/configmaps/node-local-dns?watch=true&timeoutSeconds=1`,
      {
        headers: { Authorization: "Bearer admin-token" },
      },
    );
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; object: KubeObject });
    expect(lines.map((l) => `${l.type} ${l.object.metadata.name}`)).toEqual(["ADDED node-local-dns"]);
  });

  it("reports a too-old resourceVersion as an ERROR event with a 410 Status", async () => {
    for (let i = 0; i < 60; i++)
      store.mutate(RESOURCES.configmaps, NS, "node-local-dns", (o) => void (o.data = { n: String(i) }));
    const res = await fetch(`${server.url}/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=1`, {
      headers: { Authorization: "Bearer admin-token" },
    });
    expect(res.status).toBe(200);
    const line = JSON.parse((await res.text()).trim()) as {
      type: string;
      object: { code: number; reason: string; message: string };
    };
    expect(line.type).toBe("ERROR");
    expect(line.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
    expect(line.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });
});

describe("pod subresources and tables", () => {
  it("routes pods/log and pods/proxy (with name:port) to the runtime hooks", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    expect(
      await core.readNamespacedPodLog({
        name: "node-local-dns-abcde",
        namespace: NS,
        container: "node-cache",
      }),
    ).toBe("log of node-cache\n");
    const res = await fetch(
      `${server.url}/api/v1/namespaces/${NS}/pods/node-local-dns-abcde:9253/proxy/metrics?x=1`,
      { headers: { Authorization: "Bearer admin-token" } },
    );
    expect(await res.text()).toBe("proxied to 9253/metrics?x=1");
  });

  it("hands an authorized pods/portforward upgrade to the runtime; `create` on it also covers the GET upgrade", async () => {
    const upgrade = (token: string) =>
      new Promise<{ status: number; ports?: string }>((resolve, reject) => {
        const req = http.request(
          `${server.url}/api/v1/namespaces/${NS}/pods/node-local-dns-abcde/portforward?ports=9253&ports=8080`,
          {
            headers: {
              Authorization: `Bearer ${token}`,
              Connection: "Upgrade",
              Upgrade: "websocket",
              "Sec-WebSocket-Version": "13",
              "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            },
          },
        );
        req.on("upgrade", (res, socket) => {
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, ports: String(res.headers["x-ports"]) });
        });
        req.on("response", (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0 });
        });
        req.on("error", reject);
        req.end();
      });
    expect(await upgrade("jane-token")).toEqual({ status: 101, ports: "9253,8080" });
    const other = await upgrade("nope");
    expect(other.status).toBe(401);
  });

  it("serves a meta.k8s.io Table when asked, as kubectl does", async () => {
    const res = await fetch(`${server.url}/apis/apps/v1/namespaces/${NS}/daemonsets`, {
      headers: {
        Authorization: "Bearer admin-token",
        Accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
      },
    });
    const table = (await res.json()) as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe("Table");
    expect(table.columnDefinitions.map((c) => c.name).slice(0, 8)).toEqual([
      "Name",
      "Desired",
      "Current",
      "Ready",
      "Up-to-date",
      "Available",
      "Node Selector",
      "Age",
    ]);
    expect(table.rows[0]?.cells.slice(0, 7)).toEqual(["node-local-dns", 0, 0, 3, 0, 0, "<none>"]);
  });
});
