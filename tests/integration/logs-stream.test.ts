/**
 * Live query logs through the dashboard's log hub and SSE body, against the simulated cluster:
 * known queries appear once each, filters select exactly what they should, and a rollout in the middle
 * loses no line.
 */
import { randomUUID } from "node:crypto";
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { queryOnce } from "../../sim/dns/traffic";
import { parseCorefile, printCorefile, setLog } from "@/lib/corefile";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { LogHub } from "@/lib/logs/hub";
import { logEventStream } from "@/lib/logs/sse";
import type { LogLineEvent } from "@/lib/logs/types";
import { waitFor } from "../support/ports";
import { deployRbacObjects } from "../support/deploy-rbac";

/** The kubeconfig context of the dashboard's ServiceAccount (see sim/objects/kubeconfig.ts). */
const AS_DASHBOARD = "dashboard";

let cluster: SimCluster;
let inventory: ClusterInventory;
let hub: LogHub;

/** Read an SSE body into `events` until the returned stop function is called. */
function collect(query: Record<string, string>): { lines: LogLineEvent[]; stop: () => void } {
  const ac = new AbortController();
  const body = logEventStream(hub, compileLogFilter(logFilterSchema.parse(query)), ac.signal);
  const lines: LogLineEvent[] = [];
  void (async () => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event === "line" && data) lines.push(JSON.parse(data) as LogLineEvent);
      }
    }
  })();
  return { lines, stop: () => ac.abort() };
}

const names = (lines: LogLineEvent[]) =>
  lines.flatMap((l) => (l.line.kind === "query" ? [`${l.line.type} ${l.line.name}`] : []));

async function ask(nodeIndex: number, name: string, type: "A" | "AAAA" = "A"): Promise<void> {
  const n = cluster.description.nodes[nodeIndex]!;
  // Between an old pod's exit and its replacement's start the node has no DNS listener.
  if (!n.pod || n.dns.port === 0) throw new Error(`${n.name} has no node-local-dns pod right now`);
  await queryOnce({ host: n.dns.address, port: n.dns.port, name, type, proto: "udp" });
}

beforeAll(async () => {
  cluster = await startSimCluster({
    // The app runs as its ServiceAccount under exactly deploy/'s RBAC.
    extraObjects: deployRbacObjects(),
    nodes: 2,
    addressBase: 100,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-logs-stream",
    timing: { configSyncMs: 200, containerStartMs: 200, pod: { configCheckMs: 100, reloadMs: 200 } },
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig(AS_DASHBOARD);
  // Turn the log directive on in every server block, as an operator would.
  const core = kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
  let doc = parseCorefile(cm.data!.Corefile!, { checkDirectives: false });
  for (let i = 0; i < doc.blocks.length; i++) doc = setLog(doc, i, true);
  await core.replaceNamespacedConfigMap({
    name: "node-local-dns",
    namespace: "kube-system",
    body: { ...cm, data: { Corefile: printCorefile(doc) } },
  });
  inventory = new ClusterInventory(kc, {
    namespace: "kube-system",
    podSelector: "k8s-app=node-local-dns",
    daemonSet: "node-local-dns",
    container: "node-cache",
    metricsPort: 9253,
  });
  await inventory.start();
  hub = new LogHub(kc, inventory, { namespace: "kube-system", container: "node-cache", tailLines: 5 });
  // Wait until both pods have reloaded the Corefile and log queries.
  const probe = collect({});
  const probes: string[] = [];
  await waitFor(
    "query logging live on both nodes",
    async () => {
      const tag = `probe-${randomUUID().slice(0, 8)}.example.com.`;
      probes.push(tag);
      await ask(0, tag);
      await ask(1, tag);
      // Lines take a moment through the stream: any earlier probe seen from both nodes will do.
      return probes.some((p) => names(probe.lines).filter((n) => n === `A ${p}`).length === 2)
        ? true
        : undefined;
    },
    60_000,
    500,
  );
  probe.stop();
}, 120_000);

afterAll(async () => {
  hub?.stop();
  await inventory?.stop();
  await cluster?.stop();
});

describe("GET /api/logs/stream body against the simulated cluster", () => {
  it("a known set of queries appears once each, from the node that answered", async () => {
    const all = collect({});
    const tag = randomUUID().slice(0, 8);
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      const name = `q${i}-${tag}.example.org.`;
      await ask(i % 2, name);
      sent.push(`A ${name}`);
    }
    await waitFor(
      "all 10 lines",
      () => (names(all.lines).filter((n) => n.includes(tag)).length >= 10 ? true : undefined),
      20_000,
    );
    all.stop();
    const got = names(all.lines).filter((n) => n.includes(tag));
    expect(got.sort()).toEqual(sent.sort());
    for (const l of all.lines.filter((l) => l.line.kind === "query" && l.line.name.includes(tag))) {
      const idx = Number((l.line as { name: string }).name.slice(1, 2));
      expect(l.node).toBe(cluster.description.nodes[idx % 2]!.name);
      expect(l.line.raw).toMatch(/^\[INFO\] /);
    }
  });

  it("filters select exactly what they should: node, name regex, type, rcode", async () => {
    const tag = randomUUID().slice(0, 8);
    const node1 = cluster.description.nodes[1]!.name;
    const byNode = collect({ node: node1, name: tag });
    const byType = collect({ type: "AAAA", name: tag });
    const byRegex = collect({ name: `/^x-${tag}\\./` });
    const nx = collect({ rcode: "NXDOMAIN", name: tag });
    await ask(0, `x-${tag}.example.com.`, "A");
    await ask(1, `y-${tag}.example.com.`, "AAAA");
    await ask(1, `x-${tag}.example.com.`, "AAAA");
    await waitFor(
      "filtered lines",
      () =>
        byNode.lines.length >= 2 && byType.lines.length >= 2 && byRegex.lines.length >= 2 ? true : undefined,
      20_000,
    );
    // A short settle read: the streams are live, give late duplicates a chance to show up.
    await ask(0, `settle-${tag}.example.net.`);
    await waitFor(
      "settle line",
      () =>
        nx.lines.some((l) => l.line.kind === "query" && l.line.name.startsWith("settle")) ? true : undefined,
      20_000,
    );
    for (const c of [byNode, byType, byRegex, nx]) c.stop();
    expect(names(byNode.lines).sort()).toEqual([`AAAA x-${tag}.example.com.`, `AAAA y-${tag}.example.com.`]);
    expect(byNode.lines.every((l) => l.node === node1)).toBe(true);
    expect(names(byType.lines).sort()).toEqual([`AAAA x-${tag}.example.com.`, `AAAA y-${tag}.example.com.`]);
    expect(names(byRegex.lines).sort()).toEqual([`A x-${tag}.example.com.`, `AAAA x-${tag}.example.com.`]);
    // Names outside the simulated resolver's table are NXDOMAIN: every line here must say so.
    expect(nx.lines.length).toBeGreaterThan(0);
    expect(nx.lines.every((l) => l.line.kind === "query" && l.line.rcode === "NXDOMAIN")).toBe(true);
  });

  it("a rollout restart in the middle loses no line and duplicates none", async () => {
    const all = collect({});
    const tag = randomUUID().slice(0, 8);
    const answered: string[] = [];
    let i = 0;
    let rolling = true;
    const sender = (async () => {
      while (rolling) {
        const name = `r${i++}-${tag}.example.com.`;
        const node = i % 2;
        try {
          await ask(node, name);
          answered.push(`A ${name}`);
        } catch {
          // The node's pod is being replaced: no answer, so no log line is owed.
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const kc = loadKubeConfig(AS_DASHBOARD);
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.patchNamespacedDaemonSet(
      {
        name: "node-local-dns",
        namespace: "kube-system",
        body: {
          spec: {
            template: {
              metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } },
            },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    await waitFor(
      "rollout complete",
      async () => {
        const ds = await apps.readNamespacedDaemonSet({ name: "node-local-dns", namespace: "kube-system" });
        const s = ds.status;
        return (ds.metadata?.generation ?? 0) <= (s?.observedGeneration ?? 0) &&
          s?.updatedNumberScheduled === 2 &&
          s?.numberAvailable === 2
          ? true
          : undefined;
      },
      60_000,
      250,
    );
    // Keep sending a little after the rollout so the new pods are followed too.
    const before = answered.length;
    await waitFor(
      "traffic after the rollout",
      () => (answered.length >= before + 10 ? true : undefined),
      20_000,
    );
    rolling = false;
    await sender;
    await waitFor(
      "every answered query logged",
      () => {
        const got = new Set(names(all.lines));
        return answered.every((a) => got.has(a)) ? true : undefined;
      },
      30_000,
      250,
    );
    all.stop();
    const got = names(all.lines).filter((n) => n.includes(tag));
    expect(new Set(got).size).toBe(got.length);
    expect(got.length).toBeGreaterThanOrEqual(answered.length);
  });
});
