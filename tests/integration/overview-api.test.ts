/**
 * `/api/overview` against the simulated cluster, through the route handlers: a browser that merges
 * the compact first load and its refreshes (lib/overview/apply.ts) holds, round after round, the
 * same rows as `/api/nodes` answers for the same round — and a node that leaves the cluster leaves
 * its table in a refresh.
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import type { NodesResponse, OverviewResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { applyOverview, type OverviewState } from "@/lib/overview/apply";
import { summarizeCluster } from "@/lib/overview/summary";
import { overviewRow, type OverviewRow } from "@/lib/overview/wire";
import { deployRbacObjects } from "../support/deploy-rbac";
import { waitFor } from "../support/ports";

let cluster: SimCluster;
let dashboard: Dashboard;
let getNodes: (r: Request) => Promise<Response>;
let getOverview: (r: Request) => Promise<Response>;

beforeAll(async () => {
  cluster = await startSimCluster({
    extraObjects: deployRbacObjects(),
    nodes: 4,
    addressBase: 124,
    apiPort: 0,
    dnsPort: 0,
    qps: 20,
    corednsVersions: ["1.11.3", "1.10.0", "1.7.0", "1.11.3"],
    outDir: ".sim/test-overview-api",
  });
  Object.assign(process.env, {
    KUBECONFIG: cluster.kubeconfigPath,
    DASHBOARD_CONTEXT: "dashboard",
    DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
  });
  const { startDashboard } = await import("@/lib/dashboard");
  dashboard = await startDashboard();
  getNodes = (await import("@/app/api/nodes/route")).GET;
  getOverview = (await import("@/app/api/overview/route")).GET;
});

afterAll(async () => {
  await dashboard?.metrics.stop();
  await dashboard?.inventory.stop();
  await cluster?.stop();
});

async function get<T>(handler: (r: Request) => Promise<Response>, path: string): Promise<T> {
  const res = await handler(new Request(`http://127.0.0.1${path}`));
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

const nodes = () => get<NodesResponse>(getNodes, "/api/nodes");
function overview(since: string | undefined, rows: readonly string[]): Promise<OverviewResponse> {
  const q = new URLSearchParams();
  if (since) q.set("since", since);
  if (rows.length) q.set("rows", rows.join(","));
  return get<OverviewResponse>(getOverview, `/api/overview?${q.toString()}`);
}

const byName = (rows: readonly OverviewRow[]) => new Map(rows.map((r) => [r.node, r]));

/** One merged answer between two identical /api/nodes answers of the same round, or undefined. */
async function sameRound(held: OverviewState | null, window: (full: NodesResponse) => string[]) {
  const before = await nodes();
  const res = await overview(held?.meta.version, window(before));
  const after = await nodes();
  const state = applyOverview(held, res);
  expect(state, "a refresh of the version held applies").not.toBeNull();
  const stable =
    before.lastRoundAt === res.lastRoundAt &&
    after.lastRoundAt === res.lastRoundAt &&
    JSON.stringify(before.nodes) === JSON.stringify(after.nodes);
  return { res, state: state as OverviewState, full: stable ? before : null };
}

describe("/api/overview on the simulated cluster", () => {
  it("the first load and every refresh hold the same rows as /api/nodes of the same round", async () => {
    await waitFor(
      "numbers for every node",
      async () => ((await nodes()).nodes.every((r) => r.cache && r.rates) ? true : undefined),
      60_000,
    );
    let held: OverviewState | null = null;
    const rounds = new Set<string>();
    let refreshesWithChanges = 0;
    await waitFor(
      "four rounds compared, refreshes among them carrying changes",
      async () => {
        const { res, state, full } = await sameRound(held, (f) => f.nodes.map((r) => r.node));
        if (held) expect(res.kind).toBe("delta");
        if (res.kind === "delta" && res.table.n > 0) refreshesWithChanges++;
        held = state;
        if (full?.lastRoundAt) {
          // Every row on screen: every field exactly as /api/nodes has it.
          expect(byName(state.rows)).toEqual(byName(full.nodes.map(overviewRow)));
          expect(res.summary).toEqual(summarizeCluster(full.nodes));
          expect(res.daemonSet).toEqual(full.daemonSet);
          rounds.add(full.lastRoundAt);
        }
        return rounds.size >= 4 && refreshesWithChanges >= 2 ? true : undefined;
      },
      60_000,
      300,
    );
  });

  it("with no row on screen it still lists every node, its names and states exact", async () => {
    const { state, full } = await waitFor(
      "a stable round",
      async () => {
        const r = await sameRound(null, () => []);
        return r.full ? r : undefined;
      },
      60_000,
    );
    expect(state.window.size).toBe(0);
    const truth = byName(full!.nodes.map(overviewRow));
    expect([...byName(state.rows).keys()].sort()).toEqual([...truth.keys()].sort());
    for (const r of state.rows) {
      const t = truth.get(r.node)!;
      expect({ ...r, cache: null, rates: null, memoryBytes: null, lastScrapeAt: null }).toEqual({
        ...t,
        cache: null,
        rates: null,
        memoryBytes: null,
        lastScrapeAt: null,
      });
      expect(r.cache === null).toBe(t.cache === null);
    }
  });

  it("a node deleted from the cluster leaves the table in the next refresh", async () => {
    let held = (await sameRound(null, () => [])).state;
    const gone = cluster.description.nodes.at(-1)!.name;
    expect(held.byName.has(gone)).toBe(true);
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    kc.setCurrentContext("sim");
    await kc.makeApiClient(CoreV1Api).deleteNode({ name: gone });
    const removal = await waitFor(
      `${gone} removed in a refresh`,
      async () => {
        const res = await overview(held.meta.version, []);
        const next = applyOverview(held, res);
        expect(next).not.toBeNull();
        held = next!;
        return res.kind === "delta" && res.removed.n > 0 ? res : undefined;
      },
      60_000,
    );
    expect(removal.removed.n).toBe(1);
    expect(held.byName.has(gone)).toBe(false);
    expect(held.rows.map((r) => r.node).sort()).toEqual((await nodes()).nodes.map((r) => r.node).sort());
  });

  it("answers a full load to a version it does not know, and 400 to too many rows", async () => {
    expect((await overview("0123abcd.1", [])).kind).toBe("full");
    const many = Array.from({ length: 501 }, (_, i) => `n${i}`).join(",");
    const res = await getOverview(new Request(`http://127.0.0.1/api/overview?rows=${many}`));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/at most 500 nodes/);
  });

  it("?fields=names answers only the node names, in the table's order; another fields value is 400", async () => {
    const names = await get<{ names: string[] }>(getNodes, "/api/nodes?fields=names");
    expect(names.names).toEqual((await nodes()).nodes.map((r) => r.node));
    expect(Object.keys(names).sort()).toEqual(["generatedAt", "names"]);
    const res = await getNodes(new Request("http://127.0.0.1/api/nodes?fields=everything"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/fields/);
  });

  // Last: it stops the collector, so that the numbers hold still while the shared rows age.
  it("a node's own page carries the same row as the list, marks and health included, also when it builds that row alone", async () => {
    const { nodeRow, nodeRows } = await import("@/lib/views/nodes");
    await dashboard.metrics.stop();
    const list = nodeRows(dashboard);
    const listedAt = Date.now();
    expect(list.length).toBeGreaterThan(0);
    // The shared rows are kept for a second: past it, a node's page builds its own row and takes the
    // marks and health of the last judgement (made just now, for the list).
    await waitFor(
      "the shared rows to be a second old",
      () => (Date.now() - listedAt > 1000 ? true : undefined),
      10_000,
      50,
    );
    for (const row of list) {
      const own = nodeRow(dashboard, row.node);
      expect(own, row.node).not.toBe(row);
      expect({ ...own, health: { ...own!.health, since: "" } }).toEqual({
        ...row,
        health: { ...row.health, since: "" },
      });
    }
    expect(nodeRow(dashboard, "no-such-node")).toBeNull();
  });
});
