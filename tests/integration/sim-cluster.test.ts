/**
 * The simulated cluster end to end through @kubernetes/client-node, as the dashboard reaches it:
 * pods Ready on every node, DaemonSet status, pods/log (follow), pods/proxy and pods/portforward
 * scrapes of /metrics, the cluster description.
 */
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { PassThrough, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, Log, PortForward, type V1Pod } from "@kubernetes/client-node";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { waitFor } from "../support/ports";

let cluster: SimCluster;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: 3,
    addressBase: 80,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-sim-cluster",
    timing: { backoffBaseMs: 200, configSyncMs: 200, containerStartMs: 300, readyTimeoutMs: 30_000 },
  });
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await cluster?.stop();
});

/** One GET on its own connection (Connection: close), so the forwarded socket ends with it. */
function getOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** GET on the API server over its HTTPS, trusting the cluster's CA, as the admin. */
function apiGet(path: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(
        `${cluster.apiUrl}${path}`,
        { ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.tokens.admin}` } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers["content-type"] ?? ""),
              body,
            }),
          );
        },
      )
      .on("error", reject);
  });
}

async function cachePods(): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace: "kube-system",
    labelSelector: "k8s-app=node-local-dns",
  });
  return list.items;
}

function ready(p: V1Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

describe("the simulated cluster", () => {
  it("runs a Ready node-local-dns pod on every node, with the node's IP", async () => {
    const pods = await waitFor(
      "3 ready pods",
      async () => {
        const items = (await cachePods()).filter(ready);
        return items.length === 3 ? items : undefined;
      },
      60_000,
    );
    const nodes = (await core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name)).toEqual(["node-1", "node-2", "node-3"]);
    for (const n of nodes) {
      const ip = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
      const pod = pods.find((p) => p.spec?.nodeName === n.metadata?.name);
      expect(pod?.status?.podIP).toBe(ip);
      expect(pod?.status?.phase).toBe("Running");
      expect(pod?.status?.containerStatuses?.[0]).toMatchObject({
        name: "node-cache",
        ready: true,
        started: true,
        restartCount: 0,
      });
    }
  });

  it("reports DaemonSet status as kubectl rollout status reads it", async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const ds = await waitFor(
      "DS available",
      async () => {
        const d = await apps.readNamespacedDaemonSet({ namespace: "kube-system", name: "node-local-dns" });
        return d.status?.numberAvailable === 3 ? d : undefined;
      },
      60_000,
    );
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
      observedGeneration: ds.metadata?.generation,
    });
    expect(ds.spec?.updateStrategy?.type).toBe("RollingUpdate");
  });

  it("describes every node in cluster.json", () => {
    const onDisk = JSON.parse(fs.readFileSync(cluster.descriptionPath, "utf8")) as SimCluster["description"];
    expect(onDisk).toEqual(cluster.description);
    expect(onDisk.nodes).toHaveLength(3);
    for (const n of onDisk.nodes) {
      expect(n.pod).toMatch(/^node-local-dns-/);
      expect(n.dns.port).toBeGreaterThan(0);
      expect(n.metrics).toBe(`http://${n.nodeIP}:9253/metrics`);
    }
  });

  it("streams a container log with client-node's Log (follow, timestamps)", async () => {
    const pod = (await cachePods())[0]!;
    let text = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString("utf8");
        cb();
      },
    });
    const req = await new Log(kc).log("kube-system", pod.metadata!.name!, "node-cache", sink, {
      follow: true,
      timestamps: true,
      tailLines: 50,
    });
    try {
      await waitFor("log lines", () => (text.split("\n").length > 2 ? true : undefined), 10_000, 50);
    } finally {
      req.abort();
    }
    const first = text.split("\n")[0]!;
    expect(first).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z /);
    expect(text).toContain("CoreDNS-1.11.3");
  });

  it("rejects a log request for a container the pod does not have", async () => {
    const pod = (await cachePods())[0]!;
    const res = await apiGet(`/api/v1/namespaces/kube-system/pods/${pod.metadata!.name}/log?container=foo`);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { message: string }).message).toBe(
      `container foo is not valid for pod ${pod.metadata!.name}`,
    );
  });

  it("proxies /metrics through pods/proxy, by port number and by port name", async () => {
    const pod = (await cachePods())[0]!;
    for (const port of ["9253", "metrics"]) {
      const res = await apiGet(
        `/api/v1/namespaces/kube-system/pods/${pod.metadata!.name}:${port}/proxy/metrics`,
      );
      expect(res.status).toBe(200);
      expect(res.contentType).toContain("text/plain");
      expect(res.body).toContain("coredns_build_info");
    }
  });

  it("answers 503 with the dialer's words when nothing listens on the proxied port", async () => {
    const pod = (await cachePods())[0]!;
    const res = await apiGet(`/api/v1/namespaces/kube-system/pods/${pod.metadata!.name}:9999/proxy/`);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body) as { kind: string; message: string };
    expect(body.kind).toBe("Status");
    expect(body.message).toBe(
      `error trying to reach service: dial tcp ${pod.status!.podIP}:9999: connect: connection refused`,
    );
  });

  it("scrapes /metrics through client-node's PortForward", async () => {
    const pod = (await cachePods())[1]!;
    const forward = new PortForward(kc);
    const server = net.createServer((socket) => {
      void forward.portForward("kube-system", pod.metadata!.name!, [9253], socket, null, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const res = await getOnce(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.body).toContain("coredns_build_info");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("port-forwards with the raw channel protocol: port frames first, then the HTTP answer", async () => {
    const pod = (await cachePods())[2]!;
    const out = new PassThrough();
    const input = new PassThrough();
    let received = Buffer.alloc(0);
    out.on("data", (c: Buffer) => (received = Buffer.concat([received, c])));
    const ws = await new PortForward(kc).portForward(
      "kube-system",
      pod.metadata!.name!,
      [9253],
      out,
      null,
      input,
    );
    input.write(`GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await waitFor(
      "HTTP answer",
      () => (received.includes("coredns_build_info") ? true : undefined),
      10_000,
      50,
    );
    expect(received.subarray(0, 15).toString()).toBe("HTTP/1.1 200 OK");
    const socket = typeof ws === "function" ? ws() : ws;
    socket?.close();
  });

  // Last: it changes the cluster's configuration.
  it("a bad Corefile stalls a rollout on its first node in CrashLoopBackOff; restoring it lets the rollout finish", async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const cm = await core.readNamespacedConfigMap({ namespace: "kube-system", name: "node-local-dns" });
    const good = cm.data!.Corefile!;
    await core.replaceNamespacedConfigMap({
      namespace: "kube-system",
      name: "node-local-dns",
      body: { ...cm, data: { Corefile: good.replace("cache 30", "cache -5") } },
    });
    const ds = await apps.readNamespacedDaemonSet({ namespace: "kube-system", name: "node-local-dns" });
    ds.spec!.template.metadata!.annotations = {
      ...ds.spec!.template.metadata!.annotations,
      "kubectl.kubernetes.io/restartedAt": new Date().toISOString(),
    };
    await apps.replaceNamespacedDaemonSet({ namespace: "kube-system", name: "node-local-dns", body: ds });

    const crashing = await waitFor(
      "a pod in CrashLoopBackOff",
      async () =>
        (await cachePods()).find(
          (p) =>
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff" &&
            (p.status.containerStatuses[0].restartCount ?? 0) >= 1,
        ),
      60_000,
    );
    const name = crashing.metadata!.name!;
    const previous = await apiGet(`/api/v1/namespaces/kube-system/pods/${name}/log?previous=true`);
    expect(previous.status).toBe(200);
    expect(previous.body).toContain("cache TTL can not be zero or negative: -5");
    const status = (await apps.readNamespacedDaemonSet({ namespace: "kube-system", name: "node-local-dns" }))
      .status!;
    expect(status.updatedNumberScheduled).toBe(1);
    expect(status.numberAvailable).toBe(2);
    expect(status.numberUnavailable).toBe(1);

    const fresh = await core.readNamespacedConfigMap({ namespace: "kube-system", name: "node-local-dns" });
    await core.replaceNamespacedConfigMap({
      namespace: "kube-system",
      name: "node-local-dns",
      body: { ...fresh, data: { Corefile: good } },
    });
    await waitFor(
      "rollout finished",
      async () => {
        const d = await apps.readNamespacedDaemonSet({ namespace: "kube-system", name: "node-local-dns" });
        const s = d.status!;
        return s.observedGeneration === d.metadata!.generation &&
          s.updatedNumberScheduled === 3 &&
          s.numberAvailable === 3
          ? true
          : undefined;
      },
      60_000,
    );
    const pods = await cachePods();
    expect(pods.filter(ready)).toHaveLength(3);
    // cluster.json follows the replaced pods.
    await waitFor(
      "description updated",
      () =>
        cluster.description.nodes.every((n) =>
          pods.some((p) => p.metadata!.name === n.pod && p.spec!.nodeName === n.name),
        )
          ? true
          : undefined,
      60_000,
    );
    expect(
      pods.find((p) => p.metadata!.name === name)?.status?.containerStatuses?.[0]?.restartCount,
    ).toBeGreaterThanOrEqual(1);
  });
});
