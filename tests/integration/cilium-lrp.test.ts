/**
 * The Cilium Local Redirect Policy layout (seed 003) end to end: a `cilium-lrp` simulated cluster
 * (pods off the host network, bind-all Corefile, the seed's CiliumLocalRedirectPolicy and its
 * kube-dns-only CiliumNetworkPolicy) and the dashboard as its ServiceAccount under deploy/'s RBAC plus
 * deploy/cilium's optional rules. Every node is "reached through the redirect policy"; the Config
 * page names the policy at risk; without the optional rules it says it may not read them; after the
 * policy is deleted through the API, every node carries the warning.
 */
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import type { KubeObject } from "../../sim/k8s/types";
import type { Dashboard } from "@/lib/dashboard";
import type { NodesResponse } from "@/lib/api-types";
import { deployCiliumRbacObjects, deployRbacObjects } from "../support/deploy-rbac";
import { waitFor } from "../support/ports";

const NS = "kube-system";
let cluster: SimCluster;
let d: Dashboard;
let nodesView: (d: Dashboard) => Promise<NodesResponse>;
let nodeDetailView: typeof import("@/lib/views/node-detail").nodeDetailView;

beforeAll(async () => {
  cluster = await startSimCluster({
    mode: "cilium-lrp",
    nodes: 3,
    addressBase: 13,
    apiPort: 0,
    dnsPort: 0,
    qps: 5,
    outDir: ".sim/test-cilium-lrp",
    extraObjects: [...deployRbacObjects(), ...deployCiliumRbacObjects()],
    timing: { containerStartMs: 200 },
  });
  Object.assign(process.env, {
    KUBECONFIG: cluster.kubeconfigPath,
    DASHBOARD_CONTEXT: "dashboard",
    DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
  });
  ({ nodesView } = await import("@/lib/views/nodes"));
  ({ nodeDetailView } = await import("@/lib/views/node-detail"));
  const { startDashboard } = await import("@/lib/dashboard");
  d = await startDashboard();
});

afterAll(async () => {
  const { stopDashboard } = await import("@/lib/dashboard");
  await stopDashboard();
  await cluster?.stop();
});

/** /api/nodes once every node has a verdict matching `done`. */
function nodesWhen(what: string, done: (v: NodesResponse) => boolean): Promise<NodesResponse> {
  return waitFor(
    what,
    async () => {
      const v = await nodesView(d);
      return v.nodes.length === 3 && done(v) ? v : undefined;
    },
    60_000,
  );
}

/** Replace the rules of a stored Role or ClusterRole (the API server reads RBAC from the store per request). */
function setRules(kind: "Role" | "ClusterRole", rules: unknown[]): void {
  const rt = kind === "Role" ? RESOURCES.roles : RESOURCES.clusterroles;
  const ns = kind === "Role" ? NS : undefined;
  const current = cluster.store.get(rt, ns, "nodelocal-dns-dashboard-cilium")!;
  cluster.store.update(rt, { ...current, rules } as unknown as KubeObject);
}

const ciliumRules = (kind: "Role" | "ClusterRole") =>
  (deployCiliumRbacObjects().find((o) => o.kind === kind) as unknown as { rules: unknown[] }).rules;

describe("a cilium-lrp cluster", () => {
  it("runs the pods off the host network on their own IPs, serving DNS and metrics there", async () => {
    const s = await waitFor(
      "three ready pods",
      () => {
        const snap = d.inventory.snapshot();
        return snap.pods.filter((p) => p.ready).length === 3 ? snap : undefined;
      },
      60_000,
    );
    expect(s.layout).toMatchObject({ hostNetwork: false, localIPs: ["0.0.0.0"] });
    for (const n of cluster.description.nodes) {
      const pod = s.pods.find((p) => p.nodeName === n.name)!;
      expect(pod.podIP).toBe(n.podIP);
      expect(pod.podIP).not.toBe(n.nodeIP);
      const text = await (await fetch(`http://${pod.podIP}:9253/metrics`)).text();
      expect(text).toMatch(/coredns_dns_requests_total\{[^}]*server="dns:\/\/0\.0\.0\.0:53"/);
    }
  });

  it("answers every node 'reached through the redirect policy kube-system/nodelocaldns'", async () => {
    const v = await nodesWhen("every node redirected", (x) =>
      x.nodes.every((r) => r.reachability === "redirected"),
    );
    expect(v.interception).toMatchObject({
      mode: "redirect",
      redirect: { policies: ["kube-system/nodelocaldns"], problem: null },
    });
    for (const row of v.nodes) {
      expect(row.redirectPolicy).toBe("kube-system/nodelocaldns");
      const detail = await nodeDetailView(d, row.node);
      expect(detail.reachability?.verdict).toBe("redirected");
      expect(detail.reachability?.redirectPolicy).toEqual({
        namespace: NS,
        name: "nodelocaldns",
        frontend: "Service kube-system/kube-dns",
      });
      const bindAll = detail.reachability?.byAddress.find((a) => a.server === "dns://0.0.0.0:53");
      expect(bindAll?.bindAll).toBe(true);
      expect(bindAll?.queriesPerSecond).toBeGreaterThan(0);
    }
  });

  it("the Config page names the CiliumNetworkPolicy the redirect breaks, and not a fixed one", async () => {
    const admin = adminApi();
    await admin.createNamespacedCustomObject({
      group: "cilium.io",
      version: "v2",
      namespace: "default",
      plural: "ciliumnetworkpolicies",
      body: fixedPolicy(),
    });
    const snapshot = await d.config.read();
    const w = snapshot.warnings.find((x) => x.code === "cilium-network-policy");
    expect(w?.policies).toEqual(["default/dns-client-egress"]);
    expect(w?.message).toMatch(/k8s:k8s-app: node-local-dns/);
  });

  it("without the optional rules it says it may not read the policies, and does not fail", async () => {
    setRules("Role", []);
    setRules("ClusterRole", []);
    try {
      const v = await nodesWhen("every node unverified", (x) =>
        x.nodes.every((r) => r.reachability === "redirect-unverified"),
      );
      expect(v.interception?.redirect?.problem).toMatch(
        /may not read CiliumLocalRedirectPolicies in kube-system .*"list" on "ciliumlocalredirectpolicies" in API group "cilium\.io"/,
      );
      const detail = await nodeDetailView(d, v.nodes[0]!.node);
      expect(detail.reachability?.note).toMatch(/may not read CiliumLocalRedirectPolicies/);
      const w = (await d.config.read()).warnings.find((x) => x.code === "cilium-network-policy");
      expect(w?.policies).toBeUndefined();
      expect(w?.message).toMatch(/may not list CiliumNetworkPolicies/);
    } finally {
      setRules("Role", ciliumRules("Role"));
      setRules("ClusterRole", ciliumRules("ClusterRole"));
    }
    await nodesWhen("every node redirected again", (x) =>
      x.nodes.every((r) => r.reachability === "redirected"),
    );
  });

  it("after the LRP is deleted through the API, every node carries the warning that says what to do", async () => {
    await adminApi().deleteNamespacedCustomObject({
      group: "cilium.io",
      version: "v2",
      namespace: NS,
      plural: "ciliumlocalredirectpolicies",
      name: "nodelocaldns",
    });
    const v = await nodesWhen("every node without a redirect policy", (x) =>
      x.nodes.every((r) => r.reachability === "no-redirect-policy"),
    );
    expect(v.interception?.redirect).toEqual({ policies: [], problem: null });
    expect(v.nodes.every((r) => r.redirectPolicy === null)).toBe(true);
    const detail = await nodeDetailView(d, v.nodes[0]!.node);
    expect(detail.reachability?.note).toMatch(
      /No CiliumLocalRedirectPolicy selects this pod.*Create one in the pod's namespace/,
    );
  });
});

function adminApi(): CustomObjectsApi {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  kc.setCurrentContext("sim");
  return kc.makeApiClient(CustomObjectsApi);
}

/** The seed's fix: DNS egress to kube-dns and to node-local-dns. */
function fixedPolicy(): Record<string, unknown> {
  const sel = (app: string) => ({
    matchLabels: { "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s:k8s-app": app },
  });
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: { name: "secure-workload-policy", namespace: "default" },
    spec: {
      endpointSelector: { matchLabels: { app: "critical-workload" } },
      egress: [
        {
          toEndpoints: [sel("kube-dns"), sel("node-local-dns")],
          toPorts: [{ ports: [{ port: "53", protocol: "ANY" }], rules: { dns: [{ matchPattern: "*" }] } }],
        },
      ],
    },
  };
}
