/**
 * Logs at thousands of nodes, in small: with DASHBOARD_LOG_FOLLOW_MAX at 3 in a simulated cluster of
 * 6 nodes, a stream that names no node follows exactly the first 3 by name and says so in its first
 * event; one that names 4 follows exactly those 4; one that names more than the cap is refused.
 */
import { randomUUID } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { queryOnce } from "../../sim/dns/traffic";
import { parseCorefile, printCorefile, setLog } from "@/lib/corefile";
import { DashboardError } from "@/lib/errors";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { logFilterSchema } from "@/lib/logs/filter";
import { followedLogFilter } from "@/lib/logs/follow-set";
import { LogHub } from "@/lib/logs/hub";
import { logEventStream } from "@/lib/logs/sse";
import type { LogFollowing, LogLineEvent } from "@/lib/logs/types";
import { deployRbacObjects } from "../support/deploy-rbac";
import { waitFor } from "../support/ports";

const LIMITS = { max: 3, cap: 5 };
const NODES = 6;

let cluster: SimCluster;
let inventory: ClusterInventory;
let hub: LogHub;

interface Collected {
  following: LogFollowing[];
  lines: LogLineEvent[];
  stop: () => void;
}

/** Opens a stream as GET /api/logs/stream does (followedLogFilter, then the SSE body) and reads it. */
function open(query: Record<string, string>): Collected {
  const { filter, following } = followedLogFilter(
    logFilterSchema.parse(query),
    inventory.snapshot().pods,
    LIMITS,
  );
  const ac = new AbortController();
  const body = logEventStream(hub, filter, ac.signal, { following });
  const got: Collected = { following: [], lines: [], stop: () => ac.abort() };
  void (async () => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event === "line" && data) got.lines.push(JSON.parse(data) as LogLineEvent);
        if (event === "following" && data) got.following.push(JSON.parse(data) as LogFollowing);
      }
    }
  })();
  return got;
}

const nodeNames = () => cluster.description.nodes.map((n) => n.name);
const sortedNodes = () => [...nodeNames()].sort();

async function askAll(name: string): Promise<void> {
  for (const n of cluster.description.nodes)
    await queryOnce({ host: n.dns.address, port: n.dns.port, name, type: "A", proto: "udp" });
}

/** Nodes whose log carried a query for `tag`. */
const nodesWith = (c: Collected, tag: string) =>
  new Set(c.lines.filter((l) => l.line.kind === "query" && l.line.name.includes(tag)).map((l) => l.node));

/** Pods the hub follows now, by node. */
function followedNodes(): string[] {
  const pods = new Map(inventory.snapshot().pods.map((p) => [p.name, p.nodeName]));
  return hub
    .activePods()
    .map((p) => pods.get(p) ?? "?")
    .sort();
}

beforeAll(async () => {
  cluster = await startSimCluster({
    extraObjects: deployRbacObjects(),
    nodes: NODES,
    addressBase: 104,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-logs-follow-set",
    timing: { configSyncMs: 200, containerStartMs: 200, pod: { configCheckMs: 100, reloadMs: 200 } },
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig("dashboard");
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
  await waitFor(
    "every pod on a node",
    () => (new Set(inventory.snapshot().pods.map((p) => p.nodeName)).size === NODES ? true : undefined),
    60_000,
  );
  hub = new LogHub(kc, inventory, { namespace: "kube-system", container: "node-cache", tailLines: 5 });
  // Query logging live everywhere, probed in two streams of three (one naming all six is over the cap).
  const halves = [sortedNodes().slice(0, 3), sortedNodes().slice(3)].map((ns) =>
    open({ node: ns.join(",") }),
  );
  const probes: string[] = [];
  await waitFor(
    "query logging live on all six nodes",
    async () => {
      const tag = `probe-${randomUUID().slice(0, 8)}`;
      probes.push(tag);
      await askAll(`${tag}.example.com.`);
      return probes.some((p) => halves.every((h) => nodesWith(h, p).size === 3)) ? true : undefined;
    },
    90_000,
    500,
  );
  for (const h of halves) h.stop();
  await waitFor("the probes' pods let go", () => (hub.activePods().length === 0 ? true : undefined), 20_000);
}, 180_000);

afterAll(async () => {
  hub?.stop();
  await inventory?.stop();
  await cluster?.stop();
});

describe("which nodes a log stream follows, against a simulated cluster of 6 with a default of 3", () => {
  it("with no node named: exactly the first 3 by name, and its first event says so", async () => {
    const s = open({});
    const first3 = sortedNodes().slice(0, 3);
    await waitFor("the following event", () => (s.following.length ? true : undefined), 10_000);
    expect(s.following).toHaveLength(1);
    expect(s.following[0]).toMatchObject({ mode: "first", following: 3, total: 6, max: 3, nodes: first3 });
    expect(s.following[0]?.message).toMatch(/^following 3 of 6 nodes .* — choose nodes to follow others$/);
    await waitFor(
      "the hub following 3 pods",
      () => (followedNodes().length === 3 ? true : undefined),
      20_000,
    );
    expect(followedNodes()).toEqual(first3);

    // Two rounds to all six nodes: both rounds arrive from the three followed ones, never from others.
    const tags = [randomUUID().slice(0, 8), randomUUID().slice(0, 8)];
    for (const tag of tags) {
      await askAll(`${tag}.example.org.`);
      await waitFor(
        `round ${tag} from 3 nodes`,
        () => (nodesWith(s, tag).size === 3 ? true : undefined),
        30_000,
      );
    }
    s.stop();
    for (const tag of tags) expect([...nodesWith(s, tag)].sort()).toEqual(first3);
    expect(s.lines.every((l) => first3.includes(l.node))).toBe(true);
  });

  it("with 4 nodes named, beyond the default: exactly those 4", async () => {
    const chosen = sortedNodes().slice(2);
    const s = open({ node: chosen.join(",") });
    await waitFor("the following event", () => (s.following.length ? true : undefined), 10_000);
    expect(s.following[0]).toMatchObject({ mode: "chosen", following: 4, total: 6, nodes: chosen });
    await waitFor(
      "the hub following the 4 chosen",
      () => (followedNodes().join() === chosen.join() ? true : undefined),
      20_000,
    );
    const tag = randomUUID().slice(0, 8);
    await askAll(`${tag}.example.net.`);
    await waitFor(
      "the line from each of the 4",
      () => (nodesWith(s, tag).size === 4 ? true : undefined),
      30_000,
    );
    s.stop();
    expect([...nodesWith(s, tag)].sort()).toEqual(chosen);
    expect(s.lines.every((l) => chosen.includes(l.node))).toBe(true);
  });

  it("with more nodes named than the cap: refused with a 400 that says the cap", () => {
    let err: unknown;
    try {
      open({ node: nodeNames().join(",") });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DashboardError);
    expect((err as DashboardError).status).toBe(400);
    expect((err as DashboardError).message).toMatch(
      /^6 nodes chosen, but one log stream follows at most 5 \(DASHBOARD_LOG_FOLLOW_CAP\)/,
    );
  });
});
