/**
 * A garbage, truncated, oversized or slow /metrics body marks that node's scrape failed with a clear
 * reason, never takes the collector down, and never corrupts history; the other nodes keep updating.
 * The bad bodies come from a real HTTP server on loopback that the direct transport is pointed at.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import type { CachePod } from "@/lib/k8s/types";
import { MetricsCollector } from "@/lib/metrics/collector";
import { directFetcher, type FetchLimits, type MetricsFetcher } from "@/lib/metrics/transports";
import { waitFor } from "../support/ports";
import { deployRbacObjects } from "../support/deploy-rbac";

/** The kubeconfig context of the dashboard's ServiceAccount (see sim/objects/kubeconfig.ts). */
const AS_DASHBOARD = "dashboard";

type Mode = "good" | "garbage" | "truncated" | "oversized" | "slow";

let cluster: SimCluster;
let inventory: ClusterInventory;
let bad: http.Server;
let badPort = 0;
const mode: { current: Mode } = { current: "good" };

beforeAll(async () => {
  cluster = await startSimCluster({
    // The app runs as its ServiceAccount under exactly deploy/'s RBAC.
    extraObjects: deployRbacObjects(),
    nodes: 2,
    addressBase: 170,
    apiPort: 0,
    dnsPort: 0,
    qps: 5,
    outDir: ".sim/test-bad-input",
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
  bad = http.createServer((_req, res) => {
    switch (mode.current) {
      case "garbage":
        res.end("<html><body>502 Bad Gateway</body></html>\n");
        return;
      case "truncated":
        res.writeHead(200, { "content-length": "100000" });
        res.write(
          '# TYPE coredns_cache_hits_total counter\ncoredns_cache_hits_total{server="dns://169.254.20.10:53",type="succ',
        );
        setTimeout(() => res.destroy(), 20);
        return;
      case "oversized":
        res.end(`# TYPE x counter\n${"x 1\n".repeat(400_000)}`);
        return;
      case "slow":
        res.write("# TYPE coredns_cache_hits_total counter\n"); // and never finishes
        return;
      default:
        res.end("");
    }
  });
  await new Promise<void>((r) => bad.listen(0, "127.0.0.1", () => r()));
  badPort = (bad.address() as AddressInfo).port;
}, 120_000);

afterAll(async () => {
  bad?.closeAllConnections();
  await new Promise((r) => bad?.close(r));
  await inventory?.stop();
  await cluster?.stop();
});

describe("bad /metrics bodies", () => {
  it("fail that node's scrape with a clear reason; the collector and the other node keep going", async () => {
    const badNode = cluster.description.nodes[0]!.name;
    const real = directFetcher();
    // The first node's metrics come from the misbehaving server once `mode` says so.
    const fetcher: MetricsFetcher = (pod: CachePod, limits: FetchLimits) =>
      pod.nodeName === badNode && mode.current !== "good"
        ? real({ ...pod, podIP: "127.0.0.1", metricsPort: badPort }, limits)
        : real(pod, limits);
    const collector = new MetricsCollector(
      inventory,
      { direct: fetcher, proxy: fetcher, portforward: fetcher },
      {
        intervalMs: 60_000,
        timeoutMs: 1000,
        concurrency: 4,
        maxBytes: 1_000_000,
        maxSamples: 50_000,
        retentionMinutes: 5,
        transport: "direct",
      },
    );
    await waitFor(
      "two good rounds",
      async () => {
        await collector.round();
        return (await collector.nodeHistory(badNode, 0)).length ? true : undefined;
      },
      30_000,
    );
    const expectations: [Mode, RegExp][] = [
      ["garbage", /line 1/],
      ["truncated", /truncated|closed|ended|aborted|socket hang up/i],
      ["oversized", /limit/],
      ["slow", /timed out/],
    ];
    const other = cluster.description.nodes[1]!.name;
    for (const [m, reason] of expectations) {
      mode.current = m;
      const otherBefore = collector.latest(other)!.lastScrapeAt;
      await collector.round();
      const state = collector.latest(badNode)!;
      expect(state.error?.message, m).toMatch(reason);
      // The other node was scraped in the same round.
      expect(collector.latest(other)!.error).toBeNull();
      expect(collector.latest(other)!.lastScrapeAt).not.toBe(otherBefore);
    }
    // History holds only good points: no negative or non-finite rates crept in.
    for (const p of await collector.nodeHistory(badNode, 0)) {
      for (const [k, v] of Object.entries(p))
        if (v !== null) expect(Number.isFinite(v) && v >= 0, `${k}=${v}`).toBe(true);
    }
    // And it recovers.
    mode.current = "good";
    await collector.round();
    expect(collector.latest(badNode)!.error).toBeNull();
  });
});
