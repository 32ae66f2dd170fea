/**
 * The simulated cluster at scale: 1,000 nodes in one process, in the lean-socket mode that 5,000
 * nodes need under the process's descriptor limit (sim/lean-sockets.ts), every pod Ready and serving
 * real /metrics and DNS. Light on purpose: no client traffic, a few checks.
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/client";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import { LEAN_FDS_PER_POD } from "../../sim/lean-sockets";
import { NODE_RECORD_SAMPLE_NAMES, buildNodeScrape } from "../../lib/coredns/node-record";
import { parsePrometheusText } from "../../lib/prometheus-text/parse";

const NODES = 1000;
let cluster: SimCluster;
let fdsBefore = 0;
let startMs = 0;

const openFds = () => fs.readdirSync("/proc/self/fd").length;

beforeAll(async () => {
  fdsBefore = openFds();
  const t0 = Date.now();
  cluster = await startSimCluster({
    nodes: NODES,
    addressBase: 20,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    leanSockets: true,
    outDir: ".sim/test-sim-scale",
    timing: { containerStartMs: 300, readyTimeoutMs: 240_000 },
  });
  startMs = Date.now() - t0;
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
}, 120_000);

function get(url: string): Promise<{ status: number; body: string }> {
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

describe(`a simulated cluster of ${NODES} nodes`, () => {
  it("has every node's pod Ready, within the start-up wait", () => {
    const pods = cluster.store.list(RESOURCES.pods, "kube-system", {
      labelSelector: "k8s-app=node-local-dns",
    }).items;
    const ready = pods.filter((p) =>
      ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
        (c) => c.type === "Ready" && c.status === "True",
      ),
    );
    expect(ready).toHaveLength(NODES);
    expect(cluster.description.nodes.filter((n) => n.pod)).toHaveLength(NODES);
    expect(startMs).toBeLessThan(240_000);
  });

  it("holds a few descriptors per pod, not one per listener and connection", () => {
    const perPod = (openFds() - fdsBefore) / NODES;
    expect(perPod).toBeLessThanOrEqual(LEAN_FDS_PER_POD + 0.5);
  });

  it("serves real /metrics bodies on the first, a middle and the last node", async () => {
    for (const n of [0, NODES / 2, NODES - 1].map((i) => cluster.description.nodes[i]!)) {
      const res = await get(n.metrics);
      expect(res.status).toBe(200);
      const parsed = parsePrometheusText(res.body, { families: NODE_RECORD_SAMPLE_NAMES });
      const scrape = buildNodeScrape(parsed.samples, parsed.sampleLines);
      expect(scrape.corednsVersion).toBe("1.11.3");
      expect(scrape.memoryBytes).toBeGreaterThan(0);
      expect(parsed.sampleLines).toBeGreaterThan(50);
    }
  });

  it("answers DNS over UDP on a node's link-local and kube-dns stand-ins", async () => {
    const n = cluster.description.nodes[NODES - 7]!;
    for (const target of [n.dns, n.kubeDns]) {
      const r = await queryOnce({
        host: target.address,
        port: target.port,
        name: "kubernetes.default.svc.cluster.local",
        type: "A",
        timeoutMs: 10_000,
      });
      expect(r.rcode).toBe("NOERROR");
    }
  });
});
