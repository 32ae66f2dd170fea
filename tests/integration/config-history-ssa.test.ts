/**
 * GitOps against the dashboard, with server-side apply: the machine's real `kubectl apply
 * --server-side --field-manager=gitops` on the node-local-dns ConfigMap the dashboard (its
 * ServiceAccount, deploy/'s RBAC) last wrote. The simulated API server refuses the apply with the real
 * conflict naming the dashboard, takes it with --force-conflicts; the dashboard's history records the
 * change under "gitops"; the dashboard's rollback takes the Corefile back, so gitops conflicts again.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import { configDeps } from "@/lib/config/deps";
import { ConfigService } from "@/lib/config/service";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { MetricsCollector } from "@/lib/metrics/collector";
import { metricsFetchers } from "@/lib/metrics/transports";
import { deployRbacObjects } from "../support/deploy-rbac";
import { waitFor } from "../support/ports";
import { kubectlTool } from "../support/tools";

const NS = "kube-system";
const kubectlBin = kubectlTool();
const run = promisify(execFile);
const targets = {
  namespace: NS,
  configMap: "node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
};

let cluster: SimCluster;
let service: ConfigService;
const stops: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  if (kubectlBin.skip) return;
  kubectlBin.require();
  cluster = await startSimCluster({
    nodes: 2,
    addressBase: 9,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-config-history-ssa",
    extraObjects: deployRbacObjects(),
    timing: { containerStartMs: 150, configSyncMs: 200, pod: { configCheckMs: 150, reloadMs: 200 } },
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig("dashboard");
  const inventory = new ClusterInventory(kc, {
    ...targets,
    podSelector: "k8s-app=node-local-dns",
    metricsPort: 9253,
  });
  const collector = new MetricsCollector(inventory, metricsFetchers(kc), {
    intervalMs: 300,
    timeoutMs: 3000,
    concurrency: 4,
    maxBytes: 8 << 20,
    maxSamples: 50_000,
    retentionMinutes: 5,
    transport: "direct",
  });
  await inventory.start();
  collector.start();
  stops.push(
    () => collector.stop(),
    () => inventory.stop(),
  );
  service = new ConfigService(configDeps(kc, targets, inventory, collector), {});
  stops.push(() => service.stop());
  await service.start();
}, 90_000);

afterAll(async () => {
  for (const s of stops.reverse()) await s();
  await cluster?.stop();
});

const storedCorefile = () =>
  String(
    (cluster.store.get(RESOURCES.configmaps, NS, "node-local-dns")!.data as { Corefile: string }).Corefile,
  );

/** `kubectl apply --server-side --field-manager=gitops` of the ConfigMap with `corefile`. */
async function gitopsApply(
  corefile: string,
  force = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(cluster.kubeconfigPath, "..", "gitops.yaml");
  fs.writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "node-local-dns", namespace: NS },
      data: { Corefile: corefile },
    }),
  );
  const args = [
    "--kubeconfig",
    cluster.kubeconfigPath,
    "apply",
    "--server-side",
    "--field-manager=gitops",
    "-f",
    file,
  ];
  if (force) args.push("--force-conflicts");
  try {
    const { stdout, stderr } = await run(kubectlBin.path, args, {
      timeout: 30_000,
      env: { ...process.env, HOME: "/tmp/sim-kubectl-home" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe.skipIf(kubectlBin.skip)("server-side apply beside the dashboard", () => {
  it("conflicts with the dashboard's write, is recorded under its field manager when forced, and conflicts again after a rollback", async () => {
    // The dashboard writes the Corefile: it owns data.Corefile.
    const written = await service.apply({
      resourceVersion: (await service.read()).resourceVersion,
      edits: [{ op: "setLog", block: "*", on: true }],
      restart: false,
    });
    expect(written.change.user).toBeTruthy();
    const dashboardCorefile = storedCorefile();
    const gitops = dashboardCorefile.replace(/^(\s+)log$/m, "$1# managed by gitops");
    expect(gitops).not.toBe(dashboardCorefile);

    const refused = await gitopsApply(gitops);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "nodelocal-dns-dashboard" using v1: .data.Corefile',
    );
    expect(storedCorefile()).toBe(dashboardCorefile);

    const forced = await gitopsApply(gitops, true);
    expect(forced.stdout.trim()).toBe("configmap/node-local-dns serverside-applied");
    expect(storedCorefile()).toBe(gitops);
    const outside = await waitFor(
      "the gitops apply in the history",
      async () =>
        (await service.history()).changes.find(
          (c) => c.source === "outside" && c.diff.includes("# managed by gitops"),
        ),
      30_000,
    );
    expect(outside).toMatchObject({ fieldManager: "gitops", user: "gitops", action: "outside" });
    expect(outside.corefileBefore).toBe(dashboardCorefile);

    // The dashboard rolls the gitops change back: its Update takes data.Corefile over again.
    await service.rollback({ id: outside.id });
    expect(storedCorefile()).toBe(dashboardCorefile);
    const again = await gitopsApply(gitops);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('conflict with "nodelocal-dns-dashboard" using v1: .data.Corefile');
  }, 90_000);
});
