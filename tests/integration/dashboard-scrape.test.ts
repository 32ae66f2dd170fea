/**
 * The dashboard's own cluster access and scraping, against the simulated cluster, through the
 * kubeconfig it writes — the same code path as a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { queryOnce } from "../../sim/dns/traffic";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { podForNode } from "@/lib/k8s/reshape";
import { MetricsCollector } from "@/lib/metrics/collector";
import { buildNodeScrape } from "@/lib/coredns/node-record";
import { parsePrometheusText } from "@/lib/prometheus-text/parse";
import {
  directFetcher,
  metricsFetchers,
  portForwardFetcher,
  proxyFetcher,
  type MetricsFetcher,
  type TransportKind,
} from "@/lib/metrics/transports";
import { waitFor } from "../support/ports";
import { deployRbacObjects } from "../support/deploy-rbac";

/** The kubeconfig context of the dashboard's ServiceAccount (see sim/objects/kubeconfig.ts). */
const AS_DASHBOARD = "dashboard";

let cluster: SimCluster;
let inventory: ClusterInventory;
const limits = { timeoutMs: 5000, maxBytes: 8 * 1024 * 1024 };

beforeAll(async () => {
  cluster = await startSimCluster({
    // The app runs as its ServiceAccount under exactly deploy/'s RBAC.
    extraObjects: deployRbacObjects(),
    nodes: 3,
    addressBase: 90,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    corednsVersions: ["1.11.3", "1.10.0", "1.7.0"],
    outDir: ".sim/test-dashboard-scrape",
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  inventory = new ClusterInventory(loadKubeConfig(AS_DASHBOARD), {
    namespace: "kube-system",
    podSelector: "k8s-app=node-local-dns",
    daemonSet: "node-local-dns",
    container: "node-cache",
    metricsPort: 9253,
  });
  await inventory.start();
  await waitFor(
    "3 ready pods",
    () => {
      const s = inventory.snapshot();
      return s.synced && s.pods.filter((p) => p.ready).length === 3 ? true : undefined;
    },
    60_000,
  );
});

afterAll(async () => {
  await inventory?.stop();
  await cluster?.stop();
});

describe("cluster inventory", () => {
  it("lists every node with its node-local-dns pod and the DaemonSet's status", () => {
    const s = inventory.snapshot();
    expect(s.nodes.map((n) => n.name)).toEqual(cluster.description.nodes.map((n) => n.name));
    for (const n of cluster.description.nodes) {
      const pod = podForNode(s.pods, n.name);
      expect(pod?.podIP).toBe(n.nodeIP);
      expect(pod?.ready).toBe(true);
    }
    expect(s.daemonSet?.desired).toBe(3);
    expect(s.daemonSet?.ready).toBe(3);
    expect(s.apiProblem).toBeNull();
  });
});

describe("scraping", () => {
  it("all three transports read the same numbers from the same pod", async () => {
    const kc = loadKubeConfig(AS_DASHBOARD);
    const node = cluster.description.nodes[0]!;
    // A known burst: 3 distinct names, each asked twice → 3 misses then 3 hits.
    for (const name of [
      "kubernetes.default.svc.cluster.local",
      "example.com",
      "api.shop.svc.cluster.local",
    ]) {
      for (let i = 0; i < 2; i++)
        await queryOnce({ host: node.dns.address, port: node.dns.port, name, type: "A", proto: "udp" });
    }
    const pod = podForNode(inventory.snapshot().pods, node.name)!;
    const fetchers: Record<TransportKind, ReturnType<typeof directFetcher>> = {
      direct: directFetcher(),
      proxy: proxyFetcher(kc),
      portforward: portForwardFetcher(kc),
    };
    const scrapes = await Promise.all(
      (Object.keys(fetchers) as TransportKind[]).map(async (k) =>
        buildNodeScrape(parsePrometheusText(await fetchers[k](pod, limits)).samples),
      ),
    );
    for (const s of scrapes) {
      expect(s.corednsVersion).toBe("1.11.3");
      expect(s.counters.hits).toBe(scrapes[0]!.counters.hits);
      expect(s.counters.misses).toBe(scrapes[0]!.counters.misses);
      expect(s.counters.requests).toBe(scrapes[0]!.counters.requests);
      expect(s.entries).toEqual(scrapes[0]!.entries);
    }
    expect(scrapes[0]!.counters.hits).toBeGreaterThanOrEqual(3);
  });

  it("the collector reads every node, whatever CoreDNS version it runs, and reports the transport", async () => {
    const collector = new MetricsCollector(inventory, metricsFetchers(loadKubeConfig(AS_DASHBOARD)), {
      intervalMs: 60_000,
      timeoutMs: 5000,
      concurrency: 4,
      maxBytes: limits.maxBytes,
      maxSamples: 50_000,
      retentionMinutes: 5,
      transport: "auto",
    });
    await collector.round();
    const versions = cluster.description.nodes.map((n) => collector.latest(n.name)?.scrape?.corednsVersion);
    expect(versions).toEqual(["1.11.3", "1.10.0", "1.7.0"]);
    for (const n of cluster.description.nodes) {
      expect(collector.latest(n.name)?.error).toBeNull();
      expect(collector.latest(n.name)?.transport).toBe("direct");
    }
  });

  it("a pod whose metrics cannot be read gets a per-node error with the reason, others keep updating", async () => {
    const brokenNode = cluster.description.nodes[1]!;
    const brokenPod = podForNode(inventory.snapshot().pods, brokenNode.name)!.name;
    // The same transports, except that node-2's pod is asked on a port nothing listens on.
    const real = metricsFetchers(loadKubeConfig(AS_DASHBOARD));
    const fetchers = Object.fromEntries(
      (Object.keys(real) as TransportKind[]).map((k) => [
        k,
        ((pod, lim) =>
          real[k](pod.name === brokenPod ? { ...pod, metricsPort: 1 } : pod, lim)) as MetricsFetcher,
      ]),
    ) as Record<TransportKind, MetricsFetcher>;
    const collector = new MetricsCollector(inventory, fetchers, {
      intervalMs: 60_000,
      timeoutMs: 5000,
      concurrency: 4,
      maxBytes: limits.maxBytes,
      maxSamples: 50_000,
      retentionMinutes: 5,
      transport: "direct",
    });
    await collector.round();
    const first = new Map(
      cluster.description.nodes.map((n) => [n.name, collector.latest(n.name)?.lastScrapeAt]),
    );
    // Traffic to a healthy node between the rounds: its numbers must move on.
    const healthy = cluster.description.nodes[0]!;
    const before = collector.latest(healthy.name)?.scrape?.counters.requests ?? 0;
    await queryOnce({
      host: healthy.dns.address,
      port: healthy.dns.port,
      name: "example.com",
      type: "A",
      proto: "udp",
    });
    await collector.round();

    const broken = collector.latest(brokenNode.name)!;
    expect(broken.error?.message).toMatch(/refused/);
    expect(broken.error?.transport).toBe("direct");
    expect(broken.scrape).toBeNull();
    for (const n of cluster.description.nodes) {
      if (n.name === brokenNode.name) continue;
      const st = collector.latest(n.name)!;
      expect(st.error).toBeNull();
      expect(st.scrape).not.toBeNull();
      expect(Date.parse(st.lastScrapeAt!)).toBeGreaterThan(Date.parse(first.get(n.name)!));
    }
    expect(collector.latest(healthy.name)!.scrape!.counters.requests).toBeGreaterThan(before);
  });
});
