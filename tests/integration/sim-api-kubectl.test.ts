/**
 * The machine's real kubectl (v1.32) against the simulated API server: discovery, server-side tables,
 * RBAC denials, auth can-i, create/patch/delete and `rollout restart`. Skipped when kubectl is absent, except under CI, where that fails.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { apiServerHost } from "@/sim/addresses";
import { ObjectStore, RESOURCES, type KubeObject } from "@/sim/k8s/store";
import { createApiServer, type ApiServer } from "@/sim/k8s/server";
import { selfSignedCert } from "@/sim/objects/self-signed-cert";
import { startTlsFront, type TlsFront } from "@/sim/objects/tls-front";
import { kubectlTool } from "../support/tools";

const kubectlBin = kubectlTool();
const KUBECTL = kubectlBin.path;
const NS = "kube-system";

let store: ObjectStore;
let server: ApiServer;
let front: TlsFront;
let dir: string;

function writeKubeconfig(file: string, server: string, caPem: string, token: string): void {
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "sim",
          cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") },
        },
      ],
      users: [{ name: "u", user: { token } }],
      contexts: [{ name: "sim", context: { cluster: "sim", user: "u" } }],
      "current-context": "sim",
    }),
  );
}

/** Runs kubectl as `who`; resolves with exit code, stdout and stderr (never rejects on a non-zero exit). */
function kubectl(
  who: "admin" | "jane",
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ["--kubeconfig", path.join(dir, `kubeconfig-${who}`), "--cache-dir", path.join(dir, "cache"), ...args],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const node = (name: string, ip: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  spec: {},
  status: {
    conditions: [
      { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
    ],
    addresses: [
      { type: "InternalIP", address: ip },
      { type: "Hostname", address: name },
    ],
    nodeInfo: {
      kubeletVersion: "v1.32.4",
      osImage: "Ubuntu 24.04.1 LTS",
      kernelVersion: "6.8.0-49-generic",
      containerRuntimeVersion: "containerd://1.7.24",
    },
  },
});

beforeAll(async () => {
  if (kubectlBin.skip) return;
  kubectlBin.require();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-api-kubectl-"));
  store = new ObjectStore();
  server = await createApiServer({
    store,
    host: apiServerHost(70),
    port: 0,
    tokens: {
      "admin-token": { name: "admin", groups: ["system:masters"] },
      "jane-token": { name: "jane", groups: [] },
    },
  });
  const cert = selfSignedCert("sim-apiserver", [server.host]);
  front = await startTlsFront({
    host: server.host,
    port: 0,
    backend: { host: server.host, port: server.port },
    cert,
  });
  const url = `https://${server.host}:${front.port}`;
  writeKubeconfig(path.join(dir, "kubeconfig-admin"), url, cert.certPem, "admin-token");
  writeKubeconfig(path.join(dir, "kubeconfig-jane"), url, cert.certPem, "jane-token");

  store.create(RESOURCES.nodes, node("node-1", "127.70.0.1"));
  store.create(RESOURCES.nodes, { ...node("node-2", "127.70.0.2"), spec: { unschedulable: true } });
  store.create(RESOURCES.configmaps, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "node-local-dns", namespace: NS },
    data: { Corefile: ".:53 {\n    cache 30\n}\n" },
  });
  store.create(RESOURCES.daemonsets, {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "node-local-dns", namespace: NS },
    spec: {
      selector: { matchLabels: { "k8s-app": "node-local-dns" } },
      template: {
        metadata: { labels: { "k8s-app": "node-local-dns" } },
        spec: {
          containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28" }],
        },
      },
    },
  });
  store.create(RESOURCES.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "node-local-dns-7xk2p", namespace: NS, labels: { "k8s-app": "node-local-dns" } },
    spec: {
      nodeName: "node-1",
      hostNetwork: true,
      containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28" }],
    },
  });
  store.mutate(
    RESOURCES.pods,
    NS,
    "node-local-dns-7xk2p",
    (p) => {
      p.status = {
        phase: "Running",
        podIP: "127.70.0.1",
        containerStatuses: [
          {
            name: "node-cache",
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: "2025-01-01T00:00:00Z" } },
          },
        ],
      };
    },
    { subresource: "status" },
  );
});

afterAll(async () => {
  await front?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(kubectlBin.skip)("kubectl v1.32 against the simulated API server", () => {
  it("get nodes prints the server-side table, wide columns included", async () => {
    const r = await kubectl("admin", "get", "nodes");
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines[1]).toMatch(/^node-1\s+Ready\s+<none>\s+\d+s\s+v1\.32\.4$/);
    expect(lines[2]).toMatch(/^node-2\s+Ready,SchedulingDisabled\s+<none>/);
    const wide = await kubectl("admin", "get", "nodes", "-o", "wide");
    expect(wide.stdout.split("\n")[0]).toMatch(
      /INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/,
    );
    expect(wide.stdout).toMatch(
      /127\.70\.0\.1\s+<none>\s+Ubuntu 24\.04\.1 LTS\s+6\.8\.0-49-generic\s+containerd:\/\/1\.7\.24/,
    );
  });

  it("get pods -o wide and get ds,cm print like a cluster", async () => {
    const pods = await kubectl("admin", "get", "pods", "-n", NS, "-o", "wide");
    const [header, row] = pods.stdout.trim().split("\n");
    expect(header).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(row).toMatch(
      /^node-local-dns-7xk2p\s+1\/1\s+Running\s+0\s+\S+\s+127\.70\.0\.1\s+node-1\s+<none>\s+<none>$/,
    );
    const both = await kubectl("admin", "get", "ds,cm", "-n", NS);
    expect(both.stderr).toBe("");
    expect(both.stdout).toMatch(
      /NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE/,
    );
    expect(both.stdout).toMatch(/daemonset\.apps\/node-local-dns\s+0\s+0\s+0\s+0\s+0\s+<none>/);
    expect(both.stdout).toMatch(/configmap\/node-local-dns\s+1\s+\S+/);
  });

  it("get all, services and events print like a cluster", async () => {
    store.create(RESOURCES.services, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns-upstream", namespace: NS },
      spec: {
        clusterIP: "10.96.0.11",
        selector: { "k8s-app": "kube-dns" },
        ports: [
          { name: "dns", port: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 53, protocol: "TCP" },
        ],
      },
    });
    store.create(RESOURCES.events, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "node-local-dns-7xk2p.1", namespace: NS },
      involvedObject: { kind: "Pod", name: "node-local-dns-7xk2p", namespace: NS },
      reason: "Started",
      message: "Started container node-cache",
      type: "Normal",
      source: { component: "kubelet", host: "node-1" },
      count: 1,
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
    });
    const all = await kubectl("admin", "get", "all", "-n", NS);
    expect(all.stderr).toBe("");
    expect(all.stdout).toMatch(/^pod\/node-local-dns-7xk2p\s+1\/1\s+Running/m);
    expect(all.stdout).toMatch(
      /^service\/kube-dns-upstream\s+ClusterIP\s+10\.96\.0\.11\s+<none>\s+53\/UDP,53\/TCP\s+\S+$/m,
    );
    expect(all.stdout).toMatch(/^daemonset\.apps\/node-local-dns\s+0/m);
    const ev = await kubectl("admin", "get", "events", "-n", NS);
    expect(ev.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    expect(ev.stdout).toMatch(
      /^\S+\s+Normal\s+Started\s+pod\/node-local-dns-7xk2p\s+Started container node-cache$/m,
    );
  });

  it("reports RBAC denials and answers auth can-i", async () => {
    const denied = await kubectl("jane", "get", "pods", "-n", NS);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    expect((await kubectl("jane", "auth", "can-i", "get", "pods", "-n", NS)).stdout.trim()).toBe("no");
    const asJane = await kubectl("admin", "get", "cm", "-n", NS, "--as", "jane");
    expect(asJane.stderr.trim()).toBe(
      'Error from server (Forbidden): configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "kube-system"',
    );
    expect((await kubectl("admin", "auth", "can-i", "patch", "daemonsets", "-n", NS)).stdout.trim()).toBe(
      "yes",
    );
  });

  it("creates, patches and deletes objects, and rollout restart bumps the DaemonSet generation", async () => {
    const file = path.join(dir, "cm.yaml");
    fs.writeFileSync(
      file,
      stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "extra", namespace: NS },
        data: { a: "1" },
      }),
    );
    expect((await kubectl("admin", "create", "-f", file)).stdout.trim()).toBe("configmap/extra created");
    expect((await kubectl("admin", "create", "-f", file)).stderr).toContain(
      'Error from server (AlreadyExists): error when creating "' +
        file +
        '": configmaps "extra" already exists',
    );
    expect(
      (
        await kubectl("admin", "patch", "cm", "extra", "-n", NS, "--type=merge", "-p", '{"data":{"a":"2"}}')
      ).stdout.trim(),
    ).toBe("configmap/extra patched");
    expect(store.get(RESOURCES.configmaps, NS, "extra")?.data).toEqual({ a: "2" });
    const failedTest = await kubectl(
      "admin",
      "patch",
      "cm",
      "extra",
      "-n",
      NS,
      "--type=json",
      "-p",
      '[{"op":"test","path":"/data/a","value":"9"}]',
    );
    expect(failedTest.code).not.toBe(0);
    expect((await kubectl("admin", "delete", "cm", "extra", "-n", NS)).stdout.trim()).toBe(
      'configmap "extra" deleted',
    );
    expect(store.get(RESOURCES.configmaps, NS, "extra")).toBeUndefined();

    // Typed-client creates arrive in protobuf.
    expect(
      (
        await kubectl("admin", "create", "configmap", "literal", "-n", NS, "--from-literal=Corefile=.:53 {}")
      ).stdout.trim(),
    ).toBe("configmap/literal created");
    expect(store.get(RESOURCES.configmaps, NS, "literal")?.data).toEqual({ Corefile: ".:53 {}" });
    expect((await kubectl("admin", "create", "namespace", "monitoring")).stdout.trim()).toBe(
      "namespace/monitoring created",
    );

    const before = store.get(RESOURCES.daemonsets, NS, "node-local-dns")?.metadata.generation ?? 0;
    expect(
      (await kubectl("admin", "rollout", "restart", "daemonset/node-local-dns", "-n", NS)).stdout.trim(),
    ).toBe("daemonset.apps/node-local-dns restarted");
    const after = store.get(RESOURCES.daemonsets, NS, "node-local-dns");
    expect(after?.metadata.generation).toBe(before + 1);
    expect(JSON.stringify(after?.spec)).toContain("kubectl.kubernetes.io/restartedAt");
  });

  it("apply --server-side: creates, owns fields per manager, refuses conflicts unless forced, removes what it stops applying", async () => {
    const file = path.join(dir, "ssa.yaml");
    const write = (data: Record<string, string>) =>
      fs.writeFileSync(
        file,
        stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ssa", namespace: NS }, data }),
      );
    write({ a: "1", b: "2" });
    const created = await kubectl("admin", "apply", "--server-side", "-f", file);
    expect(created.stderr).toBe("");
    expect(created.stdout.trim()).toBe("configmap/ssa serverside-applied");
    const stored = () => store.get(RESOURCES.configmaps, NS, "ssa")!;
    expect(stored().data).toEqual({ a: "1", b: "2" });
    expect(stored().metadata.managedFields).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } },
      },
    ]);

    // Someone else changes a field kubectl applied: the next apply of the old value conflicts.
    expect(
      (await kubectl("admin", "patch", "cm", "ssa", "-n", NS, "--type=merge", "-p", '{"data":{"a":"9"}}'))
        .code,
    ).toBe(0);
    const conflict = await kubectl("admin", "apply", "--server-side", "-f", file);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a',
    );
    expect(stored().data).toEqual({ a: "9", b: "2" });

    const forced = await kubectl("admin", "apply", "--server-side", "--force-conflicts", "-f", file);
    expect(forced.stdout.trim()).toBe("configmap/ssa serverside-applied");
    expect(stored().data).toEqual({ a: "1", b: "2" });
    const owners = ((stored().metadata.managedFields ?? []) as { manager: string }[]).map((e) => e.manager);
    // kubectl-patch owned only .data.a, which the forced apply took over.
    expect(owners).toEqual(["kubectl"]);

    // A field kubectl applied before and now leaves out is removed; one another manager set stays.
    expect(
      (await kubectl("admin", "patch", "cm", "ssa", "-n", NS, "--type=merge", "-p", '{"data":{"c":"3"}}'))
        .code,
    ).toBe(0);
    write({ a: "1" });
    expect((await kubectl("admin", "apply", "--server-side", "-f", file)).stdout.trim()).toBe(
      "configmap/ssa serverside-applied",
    );
    expect(stored().data).toEqual({ a: "1", c: "3" });

    // A DaemonSet, the other object the dashboard writes: the image changes, generation moves.
    const dsFile = path.join(dir, "ds.yaml");
    const ds = store.get(RESOURCES.daemonsets, NS, "node-local-dns")!;
    fs.writeFileSync(
      dsFile,
      stringify({
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "node-local-dns", namespace: NS },
        spec: {
          selector: { matchLabels: { "k8s-app": "node-local-dns" } },
          template: {
            metadata: { labels: { "k8s-app": "node-local-dns" } },
            spec: {
              containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.26.4" }],
            },
          },
        },
      }),
    );
    const dsApplied = await kubectl("admin", "apply", "--server-side", "-f", dsFile);
    expect(dsApplied.stderr).toBe("");
    expect(dsApplied.stdout.trim()).toBe("daemonset.apps/node-local-dns serverside-applied");
    const after = store.get(RESOURCES.daemonsets, NS, "node-local-dns")!;
    expect(after.metadata.generation).toBe((ds.metadata.generation ?? 0) + 1);
    expect(JSON.stringify(after.spec)).toContain("k8s-dns-node-cache:1.26.4");
    // Everything else the template had (the restartedAt annotation of the earlier test) is kept.
    expect(JSON.stringify(after.spec)).toContain("kubectl.kubernetes.io/restartedAt");
  });

  it("discovers resources through aggregated discovery, in two requests", async () => {
    const r = await kubectl("admin", "api-resources", "-v=6");
    expect(r.stdout).toMatch(/^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m);
    expect(r.stdout).toMatch(/^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
    const gets = r.stderr.split("\n").filter((l) => / GET https:/.test(l));
    expect(gets.map((l) => new URL(l.split(" GET ")[1]?.split(" ")[0] ?? "").pathname)).toEqual([
      "/api",
      "/apis",
    ]);
  });

  it("get -o jsonpath and a missing object's NotFound", async () => {
    const r = await kubectl(
      "admin",
      "get",
      "cm",
      "node-local-dns",
      "-n",
      NS,
      "-o",
      "jsonpath={.data.Corefile}",
    );
    expect(r.stdout).toBe(".:53 {\n    cache 30\n}\n");
    const missing = await kubectl("admin", "get", "cm", "nope", "-n", NS);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): configmaps "nope" not found');
  });
});
