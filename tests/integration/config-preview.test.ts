/**
 * Reading and previewing the Corefile against the simulated cluster: permissions by
 * SelfSubjectAccessReview, diff + validation + server-side dry run, 409 with both texts.
 *
 * The app's code runs as the dashboard's ServiceAccount (context `dashboard`) under exactly deploy/'s
 * RBAC objects; the read-only person is `sim-viewer`, someone else's edit is the admin (`sim`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import { configDeps, type ConfigDeps } from "@/lib/config/deps";
import { previewChange } from "@/lib/config/preview";
import { readConfig } from "@/lib/config/read";
import { CorefileConflictError } from "@/lib/k8s/configmap";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { MetricsCollector } from "@/lib/metrics/collector";
import { metricsFetchers } from "@/lib/metrics/transports";
import { deployRbacObjects } from "../support/deploy-rbac";

/** The kubeconfig context of the dashboard's ServiceAccount (see sim/objects/kubeconfig.ts). */
const AS_DASHBOARD = "dashboard";

const NS = "kube-system";
const targets = {
  namespace: NS,
  configMap: "node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
};
let cluster: SimCluster;
const stops: (() => Promise<void>)[] = [];

function depsFor(context: string): ConfigDeps {
  const kc = loadKubeConfig(context);
  const inventory = new ClusterInventory(kc, {
    ...targets,
    podSelector: "k8s-app=node-local-dns",
    metricsPort: 9253,
  });
  const collector = new MetricsCollector(inventory, metricsFetchers(kc), {
    intervalMs: 60_000,
    timeoutMs: 5000,
    concurrency: 4,
    maxBytes: 8 << 20,
    maxSamples: 50_000,
    retentionMinutes: 5,
    transport: "direct",
  });
  stops.push(() => inventory.stop());
  return configDeps(kc, targets, inventory, collector);
}

const storedCorefile = () =>
  String(
    (cluster.store.get(RESOURCES.configmaps, NS, "node-local-dns")?.data as { Corefile: string }).Corefile,
  );

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: 2,
    // Its own range (config-apply has 120): files may run side by side.
    addressBase: 44,
    apiPort: 0,
    dnsPort: 0,
    outDir: ".sim/test-config-preview",
    extraObjects: deployRbacObjects(),
    timing: { containerStartMs: 200, configSyncMs: 300, backoffBaseMs: 500 },
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
});

afterAll(async () => {
  for (const s of stops) await s();
  await cluster?.stop();
});

describe("GET /api/config's data", () => {
  it("reads the Corefile as cards, its version, the memory estimate and the ServiceAccount's permission", async () => {
    const config = await readConfig(depsFor(AS_DASHBOARD));
    expect(config.corefile).toBe(storedCorefile());
    expect(config.resourceVersion).toMatch(/^\d+$/);
    expect(config.blocks?.map((b) => b.keys.join(" "))).toEqual([
      "cluster.local:53",
      "in-addr.arpa:53",
      "ip6.arpa:53",
      ".:53",
    ]);
    expect(config.blocks?.[0]?.cache?.success.capacity).toBe(9984);
    expect(config.problems.filter((p) => p.kind !== "advice")).toEqual([]);
    expect(config.memory?.totalBytes).toBeGreaterThan(0);
    expect(config.labels["addonmanager.kubernetes.io/mode"]).toBe("Reconcile");
    expect(config.access.canEdit).toBe(true);
    expect(config.access.missing).toBeNull();
    expect(config.user).toBe("nodelocal-dns-dashboard (context dashboard)");
  });

  it("a read-only user is told which permissions are missing", async () => {
    const config = await readConfig(depsFor("sim-viewer"));
    expect(config.access.canEdit).toBe(false);
    expect(config.access.missing).toContain('"update" on configmaps/node-local-dns');
    expect(config.access.missing).toContain('"patch" on daemonsets/node-local-dns (API group "apps")');
  });
});

describe("POST /api/config/preview's data", () => {
  it("turns log on in one block: a one-line diff, no problems, and the dry run stores nothing", async () => {
    const d = depsFor(AS_DASHBOARD);
    const { resourceVersion } = await readConfig(d);
    const before = storedCorefile();
    const p = await previewChange(d, { resourceVersion, edits: [{ op: "setLog", block: ".:53", on: true }] });
    expect(p.changed).toBe(true);
    expect(p.diff.split("\n").filter((l) => /^[+-][^+-]/.test(l))).toEqual(["+    log"]);
    expect(p.blocked).toBe(false);
    expect(p.dryRun.outcome).toBe("accepted");
    expect(p.blocks?.find((b) => b.keys[0] === ".:53")?.log).toBe(true);
    expect(storedCorefile()).toBe(before);
    const cm = await d.core.readNamespacedConfigMap({ name: "node-local-dns", namespace: NS });
    expect(cm.metadata?.resourceVersion).toBe(resourceVersion);
  });

  it("a Corefile CoreDNS would refuse is blocked with the line, and not sent to the API server", async () => {
    const d = depsFor(AS_DASHBOARD);
    const { resourceVersion, corefile } = await readConfig(d);
    const bad = corefile.replace("success 9984 30", "success lots 30");
    const p = await previewChange(d, { resourceVersion, corefile: bad });
    expect(p.blocked).toBe(true);
    expect(p.problems[0]?.line).toBe(bad.split("\n").findIndex((l) => l.includes("success lots")) + 1);
    expect(p.dryRun.outcome).toBe("skipped");
  });

  it("a preview based on an old version answers 409 with both texts", async () => {
    const d = depsFor(AS_DASHBOARD);
    const { resourceVersion, corefile } = await readConfig(d);
    const theirs = corefile.replace("cache 30", "cache 31");
    // Someone else (the admin, with kubectl edit) changes it in between.
    const core = loadKubeConfig("sim").makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: NS });
    await core.replaceNamespacedConfigMap({
      name: "node-local-dns",
      namespace: NS,
      body: { ...cm, data: { Corefile: theirs } },
    });
    const err = await previewChange(d, {
      resourceVersion,
      edits: [{ op: "setLog", block: "*", on: true }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorefileConflictError);
    const conflict = err as CorefileConflictError;
    expect(conflict.status).toBe(409);
    expect(conflict.current.corefile).toBe(theirs);
    // "yours" is the intents re-applied on top of their change: theirs kept, log added.
    expect(conflict.yours.corefile).toContain("cache 31");
    expect(conflict.yours.corefile.match(/^\s+log$/gm)?.length).toBe(4);
  });
});
