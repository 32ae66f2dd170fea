/**
 * The simulated API server's errors and writes through @kubernetes/client-node 1.4, as the dashboard
 * uses it: Status bodies (404/409/415/422), dry-run, patches and generation, pod deletion through the
 * kubelet hook, garbage collection, finalizers, namespace admission, list paging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from "@kubernetes/client-node";
import { RESOURCES, type KubeObject } from "@/sim/k8s/store";
import { TEST_NS, failure, startTestApiServer, testDaemonSet, type TestApiServer } from "@/sim/k8s/testing";
import { waitFor } from "../support/ports";

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
});
afterAll(async () => {
  await t?.close();
});

describe("errors", () => {
  it("404 for a missing object", async () => {
    const r = await failure(
      t.admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: "nope", namespace: TEST_NS }),
    );
    expect(r.code).toBe(404);
    expect(r.body).toMatchObject({
      reason: "NotFound",
      message: 'configmaps "nope" not found',
      details: { name: "nope", kind: "configmaps" },
    });
  });

  it("409 Conflict on a stale resourceVersion", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: TEST_NS });
    const fresh = await core.replaceNamespacedConfigMap({
      name: "node-local-dns",
      namespace: TEST_NS,
      body: { ...cm, data: { Corefile: "changed" } },
    });
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    const r = await failure(
      core.replaceNamespacedConfigMap({
        name: "node-local-dns",
        namespace: TEST_NS,
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
          namespace: TEST_NS,
          body: { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { x: "y" } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(p.code).toBe(409);
  });

  it("415 for a patch in an unknown content type", async () => {
    const r = await failure(
      t.admin
        .makeApiClient(CoreV1Api)
        .patchNamespacedConfigMap(
          { name: "node-local-dns", namespace: TEST_NS, body: { data: { a: "b" } } },
          setHeaderOptions("Content-Type", "application/json"),
        ),
    );
    expect(r.code).toBe(415);
    // negotiation.NewUnsupportedMediaTypeError: the message and nothing else (no details).
    expect(r.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
      reason: "UnsupportedMediaType",
      code: 415,
    });
  });

  it("415 for a create body no serializer reads, with the real message and no details", async () => {
    const r = await raw("POST", CM_PATH, "text/plain", "data: {}");
    expect(r).toEqual({
      status: 415,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        reason: "UnsupportedMediaType",
        code: 415,
      },
    });
    // YAML is read, and a charset parameter is ignored.
    const yaml = await raw(
      "POST",
      CM_PATH,
      "application/yaml; charset=utf-8",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n",
    );
    expect(yaml.status).toBe(201);
    await t.admin
      .makeApiClient(CoreV1Api)
      .deleteNamespacedConfigMap({ name: "from-yaml", namespace: TEST_NS });
  });

  it("422 for invalid objects, with causes", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    const r = await failure(
      core.createNamespacedConfigMap({
        namespace: TEST_NS,
        body: { metadata: { name: "bad", labels: { app: "not valid!" } }, data: {} },
      }),
    );
    expect(r.code).toBe(422);
    expect(r.body.reason).toBe("Invalid");
    expect(r.body.message).toMatch(
      /^ConfigMap "bad" is invalid: metadata\.labels: Invalid value: "not valid!": /,
    );
    const ds = testDaemonSet();
    ds.metadata.name = "mismatch";
    (ds.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = {
      other: "x",
    };
    const d = await failure(
      t.admin.makeApiClient(AppsV1Api).createNamespacedDaemonSet({ namespace: TEST_NS, body: ds as never }),
    );
    expect(d.code).toBe(422);
    expect(d.body.message).toBe(
      'DaemonSet.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"other":"x"}: `selector` does not match template `labels`',
    );
  });

  it("422 when a JSON patch test operation fails", async () => {
    const r = await failure(
      t.admin.makeApiClient(CoreV1Api).patchNamespacedConfigMap(
        {
          name: "node-local-dns",
          namespace: TEST_NS,
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
    const core = t.admin.makeApiClient(CoreV1Api);
    const before = t.store.resourceVersion();
    const created: V1ConfigMap = await core.createNamespacedConfigMap({
      namespace: TEST_NS,
      dryRun: "All",
      body: { metadata: { name: "dry" }, data: { a: "b" } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect((await failure(core.readNamespacedConfigMap({ name: "dry", namespace: TEST_NS }))).code).toBe(404);
    await core.patchNamespacedConfigMap(
      { name: "node-local-dns", namespace: TEST_NS, dryRun: "All", body: { data: { dry: "run" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(t.store.get(RESOURCES.configmaps, TEST_NS, "node-local-dns")?.data).not.toHaveProperty("dry");
    expect(t.store.resourceVersion()).toBe(before);
  });

  it("a strategic merge patch of the pod template annotation bumps generation and keeps containers", async () => {
    const apps = t.admin.makeApiClient(AppsV1Api);
    const before = await apps.readNamespacedDaemonSet({ name: "node-local-dns", namespace: TEST_NS });
    const patched = await apps.patchNamespacedDaemonSet(
      {
        name: "node-local-dns",
        namespace: TEST_NS,
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
      { name: "node-local-dns", namespace: TEST_NS, body: { status: { numberReady: 3 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(st.metadata?.generation).toBe(patched.metadata?.generation);
    expect(st.status?.numberReady).toBe(3);
  });

  it("a pod update may change the image only; omitted defaults are not changes", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    const minimal = (image: string, extra: Record<string, unknown> = {}) => ({
      metadata: { name: "node-local-dns-abcde", namespace: TEST_NS, labels: { "k8s-app": "node-local-dns" } },
      spec: { nodeName: "node-1", containers: [{ name: "node-cache", image, ...extra }] },
    });
    const updated = await core.replaceNamespacedPod({
      name: "node-local-dns-abcde",
      namespace: TEST_NS,
      body: minimal("registry.k8s.io/dns/k8s-dns-node-cache:1.22.29"),
    });
    expect(updated.spec?.containers[0]?.image).toBe("registry.k8s.io/dns/k8s-dns-node-cache:1.22.29");
    expect(updated.spec?.restartPolicy).toBe("Always");
    const r = await failure(
      core.replaceNamespacedPod({
        name: "node-local-dns-abcde",
        namespace: TEST_NS,
        body: minimal("x:1", { args: ["-conf", "/etc/Corefile"] }),
      }),
    );
    expect(r.code).toBe(422);
    expect(r.body.message).toMatch(
      /^Pod "node-local-dns-abcde" is invalid: spec: Forbidden: pod updates may not change fields other than/,
    );
  });

  it("deleting a pod marks it terminating and asks the kubelet hook", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    const pod = await core.deleteNamespacedPod({ name: "node-local-dns-abcde", namespace: TEST_NS });
    expect(pod.metadata?.deletionTimestamp).toBeTruthy();
    expect(t.deleteRequested).toEqual(["node-local-dns-abcde"]);
    expect(t.store.get(RESOURCES.pods, TEST_NS, "node-local-dns-abcde")).toBeDefined();
    t.store.delete(RESOURCES.pods, TEST_NS, "node-local-dns-abcde");
    t.store.create(RESOURCES.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "node-local-dns-abcde", namespace: TEST_NS },
      spec: { nodeName: "node-1", containers: [{ name: "node-cache", image: "x:1" }] },
    });
  });
});

/** A raw request to the plain-HTTP API server behind the TLS front, as admin. */
async function raw(
  method: string,
  path: string,
  contentType: string,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://${t.server.host}:${t.server.port}${path}`, {
    method,
    headers: { Authorization: "Bearer admin-token", "Content-Type": contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const CM_PATH = `/api/v1/namespaces/${TEST_NS}/configmaps`;

describe("server-side apply over HTTP", () => {
  it("requires fieldManager: 422 on PatchOptions, as ValidatePatchOptions answers", async () => {
    const r = await raw(
      "PATCH",
      `${CM_PATH}/applied`,
      "application/apply-patch+yaml",
      "apiVersion: v1\nkind: ConfigMap\n",
    );
    expect(r).toEqual({
      status: 422,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        reason: "Invalid",
        details: {
          group: "meta.k8s.io",
          kind: "PatchOptions",
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: is required for apply patch",
              field: "fieldManager",
            },
          ],
        },
        code: 422,
      },
    });
  });

  it("creates from a YAML body (201), then answers a conflicting apply with the real 409 Status", async () => {
    const yaml = (corefile: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ${TEST_NS}\ndata:\n  Corefile: ${JSON.stringify(corefile)}\n`;
    const created = await raw(
      "PATCH",
      `${CM_PATH}/applied?fieldManager=gitops`,
      "application/apply-patch+yaml",
      yaml("a"),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      data: { Corefile: "a" },
      metadata: {
        managedFields: [
          { manager: "gitops", operation: "Apply", fieldsV1: { "f:data": { "f:Corefile": {} } } },
        ],
      },
    });
    // The dashboard (an Update through client-node) changes the Corefile.
    const core = t.admin.makeApiClient(CoreV1Api);
    await core.patchNamespacedConfigMap(
      {
        name: "applied",
        namespace: TEST_NS,
        body: { data: { Corefile: "b" } },
        fieldManager: "nodelocal-dns-dashboard",
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const conflict = await raw(
      "PATCH",
      `${CM_PATH}/applied?fieldManager=gitops`,
      "application/apply-patch+yaml",
      yaml("a"),
    );
    expect(conflict).toEqual({
      status: 409,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          'Apply failed with 1 conflict: conflict with "nodelocal-dns-dashboard" using v1: .data.Corefile',
        reason: "Conflict",
        details: {
          causes: [
            {
              reason: "FieldManagerConflict",
              message: 'conflict with "nodelocal-dns-dashboard" using v1',
              field: ".data.Corefile",
            },
          ],
        },
        code: 409,
      },
    });
    // JSON is YAML too; force takes the field back.
    const forced = await raw(
      "PATCH",
      `${CM_PATH}/applied?fieldManager=gitops&force=true`,
      "application/apply-patch+yaml",
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "applied" },
        data: { Corefile: "a" },
      }),
    );
    expect(forced.status).toBe(200);
    expect((forced.body.data as Record<string, string>).Corefile).toBe("a");
    await core.deleteNamespacedConfigMap({ name: "applied", namespace: TEST_NS });
  });

  it("force is refused on other patch types; a wrong apiVersion is 400", async () => {
    const r = await raw(
      "PATCH",
      `${CM_PATH}/node-local-dns?force=true`,
      "application/merge-patch+json",
      "{}",
    );
    expect(r.status).toBe(422);
    expect(r.body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    const v = await raw(
      "PATCH",
      `${CM_PATH}/node-local-dns?fieldManager=x`,
      "application/apply-patch+yaml",
      "apiVersion: v2\nkind: ConfigMap\n",
    );
    expect(v.status).toBe(400);
    expect(v.body.message).toBe(
      "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1",
    );
  });
});

describe("pods/binding (what the scheduler sends)", () => {
  it("binds an unbound pod to its node with PodScheduled=True, once; a second binding is 409", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    t.store.create(RESOURCES.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "unbound", namespace: TEST_NS },
      spec: { containers: [{ name: "node-cache", image: "x:1" }] },
    });
    const binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "unbound" },
      target: { apiVersion: "v1", kind: "Node", name: "node-2" },
    };
    await core.createNamespacedPodBinding({ name: "unbound", namespace: TEST_NS, body: binding });
    const pod = await core.readNamespacedPod({ name: "unbound", namespace: TEST_NS });
    expect(pod.spec?.nodeName).toBe("node-2");
    expect(pod.status?.conditions).toContainEqual(
      expect.objectContaining({ type: "PodScheduled", status: "True" }),
    );
    const again = await failure(
      core.createNamespacedPodBinding({
        name: "unbound",
        namespace: TEST_NS,
        body: { ...binding, target: { kind: "Node", name: "node-3" } },
      }),
    );
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on pods/binding "unbound": pod unbound is already assigned to node "node-2"',
    });
    const wrongKind = await failure(
      core.createNamespacedPodBinding({
        name: "unbound",
        namespace: TEST_NS,
        body: { ...binding, target: { kind: "Pod", name: "x" } },
      }),
    );
    expect(wrongKind.code).toBe(422);
    const missing = await failure(
      core.createNamespacedPodBinding({
        name: "nope",
        namespace: TEST_NS,
        body: { ...binding, metadata: { name: "nope" } },
      }),
    );
    expect(missing.code).toBe(404);
    t.store.delete(RESOURCES.pods, TEST_NS, "unbound");
  });
});

describe("lifecycle", () => {
  it("garbage-collects the pods of a deleted DaemonSet, unless told to orphan them", async () => {
    const apps = t.admin.makeApiClient(AppsV1Api);
    const owned = (dsName: string, uid: string, pod: string): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: pod,
        namespace: TEST_NS,
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
      const ds = testDaemonSet();
      ds.metadata.name = name;
      const created = t.store.create(RESOURCES.daemonsets, ds);
      t.store.create(RESOURCES.pods, owned(name, created.metadata.uid ?? "", `${name}-pod`));
    }
    const status = await apps.deleteNamespacedDaemonSet({ name: "gc-me", namespace: TEST_NS });
    expect(status).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "gc-me", group: "apps", kind: "daemonsets" },
    });
    await waitFor(
      "the owned pod to be terminating",
      () => (t.deleteRequested.includes("gc-me-pod") ? true : undefined),
      10_000,
      20,
    );
    expect(t.store.get(RESOURCES.pods, TEST_NS, "gc-me-pod")?.metadata.deletionTimestamp).toBeTruthy();
    await apps.deleteNamespacedDaemonSet({
      name: "orphan-me",
      namespace: TEST_NS,
      propagationPolicy: "Orphan",
    });
    expect(t.store.get(RESOURCES.pods, TEST_NS, "orphan-me-pod")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("finalizers hold a deleted object until they are removed", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: TEST_NS,
      body: { metadata: { name: "held", finalizers: ["example.com/keep"] } },
    });
    await core.deleteNamespacedConfigMap({ name: "held", namespace: TEST_NS });
    const held = await core.readNamespacedConfigMap({ name: "held", namespace: TEST_NS });
    expect(held.metadata?.deletionTimestamp).toBeTruthy();
    const more = await failure(
      core.patchNamespacedConfigMap(
        {
          name: "held",
          namespace: TEST_NS,
          body: { metadata: { finalizers: ["example.com/keep", "example.com/more"] } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(more.code).toBe(422);
    await core.patchNamespacedConfigMap(
      { name: "held", namespace: TEST_NS, body: { metadata: { finalizers: null } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect((await failure(core.readNamespacedConfigMap({ name: "held", namespace: TEST_NS }))).code).toBe(
      404,
    );
  });

  it("refuses objects in a namespace that does not exist", async () => {
    const r = await failure(
      t.admin
        .makeApiClient(CoreV1Api)
        .createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "x" } } }),
    );
    expect(r.code).toBe(404);
    expect(r.body.message).toBe('namespaces "nope" not found');
  });

  it("pages lists with limit and continue", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    for (const n of ["page-a", "page-b", "page-c"]) {
      t.store.create(RESOURCES.configmaps, {
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
