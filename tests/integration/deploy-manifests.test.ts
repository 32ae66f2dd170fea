/**
 * Every object `kubectl kustomize deploy/` produces is a valid Kubernetes object. Kinds the simulated
 * API server serves (ServiceAccount, RBAC, Service) go through the real kubectl's
 * `apply --dry-run=server` against it, so its validation (and kubectl's) decides; the rest
 * (Deployment, Ingress, NetworkPolicy) are schema-checked here against what the API server would
 * require, plus what deploy/ promises: a locked-down container, probes on /healthz and /readyz,
 * resources, a NetworkPolicy allowing only the API server and :9253.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { ALL_RESOURCES } from "../../sim/k8s/store";
import { kubectlTool } from "../support/tools";

const kubectlBin = kubectlTool();
const KUBECTL = kubectlBin.path;
// Async, never execSync: the simulated API server answers kubectl on this same event loop.
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
};

let cluster: SimCluster;
let objects: Obj[];
let home: string;

async function kubectl(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(KUBECTL, args, {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, HOME: home },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: typeof e.code === "number" ? e.code : 1 };
  }
}

function served(o: Obj): boolean {
  const [group, version] = (o.apiVersion ?? "").includes("/")
    ? (o.apiVersion ?? "").split("/")
    : ["", o.apiVersion];
  return ALL_RESOURCES.some((r) => r.group === group && r.version === version && r.kind === o.kind);
}

const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const asRecord = (v: unknown) => (v ?? {}) as Record<string, unknown>;
const asArray = (v: unknown) => (Array.isArray(v) ? (v as unknown[]) : []);

beforeAll(async () => {
  if (kubectlBin.skip) return;
  kubectlBin.require();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-manifests-"));
  const built = await kubectl(["kustomize", "deploy/"]);
  expect(built.stderr).toBe("");
  expect(built.code).toBe(0);
  objects = parseAllDocuments(built.stdout).map((d) => d.toJS() as Obj);
  cluster = await startSimCluster({
    nodes: 1,
    addressBase: 220,
    apiPort: 0,
    dnsPort: 0,
    outDir: ".sim/test-deploy-manifests",
  });
});

afterAll(async () => {
  await cluster?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe.skipIf(kubectlBin.skip)("kubectl kustomize deploy/", () => {
  it("produces named, namespaced objects with apiVersion and kind", () => {
    expect(objects.length).toBeGreaterThanOrEqual(10);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const k of [
      "ServiceAccount",
      "Role",
      "ClusterRole",
      "Deployment",
      "Service",
      "Ingress",
      "NetworkPolicy",
    ])
      expect(kinds).toContain(k);
    for (const o of objects) {
      expect(o.apiVersion, JSON.stringify(o.metadata)).toMatch(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
      expect(o.kind).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(o.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/);
      const clusterScoped = ["ClusterRole", "ClusterRoleBinding", "Namespace"].includes(o.kind ?? "");
      expect(o.metadata?.namespace, `${o.kind}/${o.metadata?.name}`).toBe(
        clusterScoped ? undefined : "kube-system",
      );
      expect(o.metadata?.labels?.["app.kubernetes.io/name"]).toBe("nodelocal-dns-dashboard");
    }
  });

  it("the kinds the simulated API server serves pass kubectl apply --dry-run=server", async () => {
    const mine = objects.filter(served);
    expect(mine.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining([
        "ClusterRole",
        "ClusterRoleBinding",
        "Role",
        "RoleBinding",
        "Service",
        "ServiceAccount",
      ]),
    );
    const file = path.join(home, "served.yaml");
    fs.writeFileSync(file, mine.map((o) => stringify(o)).join("---\n"));
    const r = await kubectl([
      "--kubeconfig",
      cluster.kubeconfigPath,
      "apply",
      "--dry-run=server",
      "--validate=false",
      "-f",
      file,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const o of mine) expect(r.stdout).toContain(`/${o.metadata?.name} created (server dry run)`);
    // A dry run stores nothing.
    expect(
      cluster.store.get(
        ALL_RESOURCES.find((t) => t.kind === "ServiceAccount")!,
        "kube-system",
        "nodelocal-dns-dashboard",
      ),
    ).toBeUndefined();
  });

  it("deploy/overlays/cilium adds only deploy/cilium's optional list rules on cilium.io, which pass the dry run", async () => {
    const built = await kubectl(["kustomize", "deploy/overlays/cilium"]);
    expect(built.stderr).toBe("");
    const key = (o: Obj) => `${o.kind}/${o.metadata?.name}`;
    const base = new Set(objects.map(key));
    const extra = parseAllDocuments(built.stdout)
      .map((d) => d.toJS() as Obj)
      .filter((o) => !base.has(key(o)));
    expect(extra.map(key).sort()).toEqual([
      "ClusterRole/nodelocal-dns-dashboard-cilium",
      "ClusterRoleBinding/nodelocal-dns-dashboard-cilium",
      "Role/nodelocal-dns-dashboard-cilium",
      "RoleBinding/nodelocal-dns-dashboard-cilium",
    ]);
    const rules = extra.flatMap((o) => asArray(o.rules).map(asRecord));
    expect(rules.map((r) => [r.apiGroups, r.resources, r.verbs])).toEqual(
      expect.arrayContaining([
        [["cilium.io"], ["ciliumlocalredirectpolicies"], ["list"]],
        [["cilium.io"], ["ciliumnetworkpolicies"], ["list"]],
      ]),
    );
    expect(rules).toHaveLength(2);
    for (const o of extra)
      expect(o.metadata?.labels?.["app.kubernetes.io/name"]).toBe("nodelocal-dns-dashboard");
    const file = path.join(home, "cilium.yaml");
    fs.writeFileSync(file, extra.map((o) => stringify(o)).join("---\n"));
    const r = await kubectl([
      "--kubeconfig",
      cluster.kubeconfigPath,
      "apply",
      "--dry-run=server",
      "--validate=false",
      "-f",
      file,
    ]);
    expect(r.stderr).toBe("");
    for (const o of extra) expect(r.stdout).toContain(`/${o.metadata?.name} created (server dry run)`);
  });

  it("the Deployment is valid and locked down", () => {
    const [d] = byKind("Deployment");
    expect(d?.apiVersion).toBe("apps/v1");
    const spec = asRecord(d?.spec);
    const selector = asRecord(asRecord(spec.selector).matchLabels) as Record<string, string>;
    const template = asRecord(spec.template);
    const labels = asRecord(asRecord(template.metadata).labels) as Record<string, string>;
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(selector)) expect(labels[k]).toBe(v);
    const pod = asRecord(template.spec);
    expect(pod.serviceAccountName).toBe(byKind("ServiceAccount")[0]?.metadata?.name);
    expect(asRecord(pod.securityContext).runAsNonRoot).toBe(true);
    const containers = asArray(pod.containers).map(asRecord);
    expect(containers.length).toBeGreaterThan(0);
    const volumes = new Set(asArray(pod.volumes).map((v) => asRecord(v).name));
    for (const c of containers) {
      expect(c.name).toMatch(/^[a-z0-9-]+$/);
      expect(typeof c.image).toBe("string");
      const sc = asRecord(c.securityContext);
      expect(sc.runAsNonRoot ?? asRecord(pod.securityContext).runAsNonRoot).toBe(true);
      expect(sc.readOnlyRootFilesystem).toBe(true);
      expect(sc.allowPrivilegeEscalation).toBe(false);
      expect(asRecord(sc.capabilities).drop).toEqual(["ALL"]);
      const ports = asArray(c.ports).map(asRecord);
      const named = new Set(ports.map((p) => p.name));
      for (const [probe, pathWanted] of [
        ["livenessProbe", "/healthz"],
        ["readinessProbe", "/readyz"],
      ] as const) {
        const get = asRecord(asRecord(c[probe]).httpGet);
        expect(get.path, probe).toBe(pathWanted);
        expect(typeof get.port === "number" || named.has(get.port), `${probe} port`).toBe(true);
      }
      const res = asRecord(c.resources);
      expect(asRecord(res.requests).cpu).toBeDefined();
      expect(asRecord(res.requests).memory).toBeDefined();
      expect(asRecord(res.limits).memory).toBeDefined();
      for (const m of asArray(c.volumeMounts).map(asRecord)) expect(volumes).toContain(m.name);
      // The standalone server listens on all interfaces in the pod, on the port the probes use.
      const env = new Map(asArray(c.env).map((e) => [asRecord(e).name, asRecord(e).value]));
      expect(env.get("HOSTNAME")).toBe("0.0.0.0");
      expect(Number(env.get("PORT"))).toBe(ports.find((p) => p.name === "http")?.containerPort);
    }
  });

  it("the Service selects the Deployment's pods on a port they expose", () => {
    const [svc] = byKind("Service");
    const [d] = byKind("Deployment");
    const podLabels = asRecord(asRecord(asRecord(asRecord(d?.spec).template).metadata).labels);
    const sel = asRecord(asRecord(svc?.spec).selector);
    for (const [k, v] of Object.entries(sel)) expect(podLabels[k]).toBe(v);
    const containerPorts = asArray(asRecord(asRecord(asRecord(d?.spec).template).spec).containers)
      .flatMap((c) => asArray(asRecord(c).ports).map(asRecord))
      .flatMap((p) => [p.name, p.containerPort]);
    for (const p of asArray(asRecord(svc?.spec).ports).map(asRecord))
      expect(containerPorts).toContain(p.targetPort);
  });

  it("the Ingress routes to the Service by a port name it has", () => {
    const [ing] = byKind("Ingress");
    expect(ing?.apiVersion).toBe("networking.k8s.io/v1");
    const [svc] = byKind("Service");
    const svcPorts = asArray(asRecord(svc?.spec).ports).map(asRecord);
    const rules = asArray(asRecord(ing?.spec).rules).map(asRecord);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const p of asArray(asRecord(rule.http).paths).map(asRecord)) {
        expect(["Prefix", "Exact", "ImplementationSpecific"]).toContain(p.pathType);
        expect(String(p.path)).toMatch(/^\//);
        const backend = asRecord(asRecord(p.backend).service);
        expect(backend.name).toBe(svc?.metadata?.name);
        const port = asRecord(backend.port);
        expect(svcPorts.some((sp) => sp.name === port.name || sp.port === port.number)).toBe(true);
      }
    }
  });

  it("the NetworkPolicy selects the dashboard and allows egress to DNS-cache metrics and the API server only", () => {
    const [np] = byKind("NetworkPolicy");
    expect(np?.apiVersion).toBe("networking.k8s.io/v1");
    const spec = asRecord(np?.spec);
    const [d] = byKind("Deployment");
    const podLabels = asRecord(asRecord(asRecord(asRecord(d?.spec).template).metadata).labels);
    for (const [k, v] of Object.entries(asRecord(asRecord(spec.podSelector).matchLabels)))
      expect(podLabels[k]).toBe(v);
    expect(asArray(spec.policyTypes)).toEqual(expect.arrayContaining(["Egress"]));
    const egressPorts = asArray(spec.egress)
      .flatMap((e) => asArray(asRecord(e).ports))
      .map((p) => asRecord(p).port);
    expect(egressPorts).toContain(9253);
    for (const p of egressPorts) expect([9253, 443, 6443, 53]).toContain(p);
  });
});
