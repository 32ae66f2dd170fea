/**
 * Watches (client-node Watch and ListWatch, 410 after compaction, named watches), the pod subresource
 * hooks (log, proxy, portforward upgrade) and server-side Tables of the simulated API server.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CoreV1Api,
  ListWatch,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Pod,
} from "@kubernetes/client-node";
import { RESOURCES, type KubeObject } from "@/sim/k8s/store";
import { TEST_NS, startTestApiServer, type TestApiServer } from "@/sim/k8s/testing";
import { waitFor } from "../support/ports";

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
});
afterAll(async () => {
  await t?.close();
});

describe("watch", () => {
  it("delivers ADDED, MODIFIED and DELETED for matching objects", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    const ctrl = await new Watch(t.admin).watch(
      `/api/v1/namespaces/${TEST_NS}/configmaps`,
      { labelSelector: "watched=yes" },
      (type, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: TEST_NS,
        body: { metadata: { name: "w1", labels: { watched: "yes" } }, data: { a: "1" } },
      });
      await core.patchNamespacedConfigMap(
        { name: "w1", namespace: TEST_NS, body: { data: { a: "2" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: "w1", namespace: TEST_NS });
      await waitFor("watch events", () => (seen.length >= 3 ? seen : undefined), 10_000, 20);
      expect(seen).toEqual(["ADDED w1", "MODIFIED w1", "DELETED w1"]);
    } finally {
      ctrl.abort();
    }
  });

  it("keeps a client-node ListWatch (the dashboard's informer) in sync", async () => {
    const core = t.admin.makeApiClient(CoreV1Api);
    const lw = new ListWatch<V1Pod>(
      `/api/v1/namespaces/${TEST_NS}/pods`,
      new Watch(t.admin),
      () => core.listNamespacedPod({ namespace: TEST_NS, labelSelector: "informer=yes" }),
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
      metadata: { name, namespace: TEST_NS, labels: { informer: "yes" } },
      spec: { containers: [{ name: "c", image: "x:1" }] },
    });
    t.store.create(RESOURCES.pods, pod("inf-1"));
    await lw.start();
    try {
      expect(lw.list(TEST_NS).map((p) => p.metadata?.name)).toEqual(["inf-1"]);
      t.store.create(RESOURCES.pods, pod("inf-2"));
      t.store.mutate(RESOURCES.pods, TEST_NS, "inf-1", (o) => void (o.status = { phase: "Running" }), {
        subresource: "status",
      });
      t.store.delete(RESOURCES.pods, TEST_NS, "inf-2");
      await waitFor("informer events", () => (events.length >= 4 ? events : undefined), 10_000, 20);
      expect(events).toEqual(["add inf-1", "add inf-2", "update inf-1 Running", "delete inf-2"]);
      expect(lw.list(TEST_NS).map((p) => p.metadata?.name)).toEqual(["inf-1"]);
    } finally {
      await lw.stop();
    }
  });

  it("a watch on a named object sees only that object, and ends at timeoutSeconds", async () => {
    const res = await fetch(
      `${t.server.url}/api/v1/namespaces/${TEST_NS}/configmaps/node-local-dns?watch=true&timeoutSeconds=1`,
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
      t.store.mutate(
        RESOURCES.configmaps,
        TEST_NS,
        "node-local-dns",
        (o) => void (o.data = { n: String(i) }),
      );
    const res = await fetch(
      `${t.server.url}/api/v1/namespaces/${TEST_NS}/configmaps?watch=true&resourceVersion=1`,
      {
        headers: { Authorization: "Bearer admin-token" },
      },
    );
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
    const core = t.admin.makeApiClient(CoreV1Api);
    expect(
      await core.readNamespacedPodLog({
        name: "node-local-dns-abcde",
        namespace: TEST_NS,
        container: "node-cache",
      }),
    ).toBe("log of node-cache\n");
    const res = await fetch(
      `${t.server.url}/api/v1/namespaces/${TEST_NS}/pods/node-local-dns-abcde:9253/proxy/metrics?x=1`,
      { headers: { Authorization: "Bearer admin-token" } },
    );
    expect(await res.text()).toBe("proxied to 9253/metrics?x=1");
  });

  it("hands an authorized pods/portforward upgrade to the runtime; `create` on it also covers the GET upgrade", async () => {
    const upgrade = (token: string) =>
      new Promise<{ status: number; ports?: string }>((resolve, reject) => {
        const req = http.request(
          `${t.server.url}/api/v1/namespaces/${TEST_NS}/pods/node-local-dns-abcde/portforward?ports=9253&ports=8080`,
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
    t.store.mutate(
      RESOURCES.daemonsets,
      TEST_NS,
      "node-local-dns",
      (o) => void (o.status = { numberReady: 3 }),
      {
        subresource: "status",
      },
    );
    const res = await fetch(`${t.server.url}/apis/apps/v1/namespaces/${TEST_NS}/daemonsets`, {
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
