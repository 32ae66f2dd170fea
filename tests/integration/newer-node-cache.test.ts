/**
 * Nodes on the newer node-cache images (kubernetes-sigs/node-local-dns 1.26.5 → CoreDNS 1.12.2,
 * 1.26.7 → CoreDNS 1.13.1) against the dashboard: versions read per node from coredns_build_info,
 * node-cache's setup errors per node, and the Corefile validated against every version running.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { configDeps, type ConfigDeps } from "@/lib/config/deps";
import { previewChange } from "@/lib/config/preview";
import { readConfig } from "@/lib/config/read";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { MetricsCollector } from "@/lib/metrics/collector";
import { metricsFetchers } from "@/lib/metrics/transports";
import { waitFor } from "../support/ports";

const NS = "kube-system";
const targets = {
  namespace: NS,
  configMap: "node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
};
let cluster: SimCluster;
let inventory: ClusterInventory;
let collector: MetricsCollector;
let deps: ConfigDeps;

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: 2,
    addressBase: 30,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    corednsVersions: ["1.13.1", "1.12.2"],
    outDir: ".sim/test-newer-node-cache",
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig("");
  inventory = new ClusterInventory(kc, {
    ...targets,
    podSelector: "k8s-app=node-local-dns",
    metricsPort: 9253,
  });
  await inventory.start();
  await waitFor(
    "2 ready pods",
    () => {
      const s = inventory.snapshot();
      return s.synced && s.pods.filter((p) => p.ready).length === 2 ? true : undefined;
    },
    60_000,
  );
  collector = new MetricsCollector(inventory, metricsFetchers(kc), {
    intervalMs: 60_000,
    timeoutMs: 5000,
    concurrency: 4,
    maxBytes: 8 << 20,
    maxSamples: 50_000,
    retentionMinutes: 5,
    transport: "direct",
  });
  await collector.round();
  deps = configDeps(kc, targets, inventory, collector);
});

afterAll(async () => {
  await inventory?.stop();
  await cluster?.stop();
});

describe("newer node-cache in the simulated cluster", () => {
  it("reports the CoreDNS version per node from coredns_build_info", () => {
    const versions = cluster.description.nodes.map((n) => collector.latest(n.name)?.scrape?.corednsVersion);
    expect(versions).toEqual(["1.13.1", "1.12.2"]);
  });

  it("each pod logs its node-cache image, automaxprocs' line and its CoreDNS banner", async () => {
    const core = loadKubeConfig("").makeApiClient(CoreV1Api);
    const pods = inventory.snapshot().pods;
    const expected: Record<string, [string, string]> = {
      "1.13.1": ["1.26.7", "go1.24.8"],
      "1.12.2": ["1.26.5", "go1.23.7"],
    };
    for (const n of cluster.description.nodes) {
      const pod = pods.find((p) => p.nodeName === n.name)!;
      const log = await core.readNamespacedPodLog({ name: pod.name, namespace: NS, container: "node-cache" });
      const [image, go] = expected[n.corednsVersion]!;
      expect(log).toContain(`[INFO] Starting node-cache image: ${image}`);
      expect(log).toContain("\nmaxprocs: Leaving GOMAXPROCS=2: CPU quota undefined\n");
      expect(log).toContain(`\nCoreDNS-${n.corednsVersion}\nlinux/amd64, ${go}, `);
    }
  });

  it("reads node-cache's setup errors per node (default registry: on the CoreDNS port too)", () => {
    for (const n of cluster.description.nodes) {
      expect(collector.latest(n.name)?.scrape?.setupErrors).toEqual({
        configmap: 0,
        interface_add: 0,
        interface_check: 0,
        iptables: 0,
        iptables_lock: 0,
      });
    }
  });

  it("validates the current Corefile against both versions", async () => {
    const config = await readConfig(deps);
    expect(config.corednsVersions).toEqual(["1.12.2", "1.13.1"]);
    expect(config.problems.filter((p) => p.kind !== "advice")).toEqual([]);
  });

  it("a forward `failover` (CoreDNS 1.13.0+) is refused for the 1.12.2 node only, and not sent", async () => {
    const { resourceVersion, corefile } = await readConfig(deps);
    const withFailover = corefile.replace(
      "            force_tcp\n",
      "            force_tcp\n            failover SERVFAIL\n",
    );
    expect(withFailover).not.toBe(corefile);
    const p = await previewChange(deps, { resourceVersion, corefile: withFailover });
    expect(p.blocked).toBe(true);
    expect(p.problems.length).toBeGreaterThan(0);
    for (const problem of p.problems)
      expect(problem.message).toMatch(/unknown property 'failover' \(CoreDNS 1\.12\.2\)$/);
    expect(p.dryRun.outcome).toBe("skipped");
  });

  it("serve_stale_policy (CoreDNS 1.14.7) is refused on both, naming the version that added it", async () => {
    const { resourceVersion, corefile } = await readConfig(deps);
    const text = corefile.replace(
      "            denial 9984 5\n",
      "            denial 9984 5\n            serve_stale 1h\n            serve_stale_policy prefer_positive\n",
    );
    const p = await previewChange(deps, { resourceVersion, corefile: text });
    expect(p.blocked).toBe(true);
    expect(p.problems[0]?.note).toMatch(
      /^cache's serve_stale_policy arrived in CoreDNS 1\.14\.7: older versions refuse it$/,
    );
  });
});
