/**
 * A node's page (GET /api/nodes/{node}, the route handler itself, in proxy auth mode against the
 * simulated cluster) carries the node's conditions and its cache pod's recent Events as the simulated
 * kubelet and scheduler recorded them; a person Kubernetes RBAC does not allow to list events gets the
 * rest of the page and "you may not read events" in their place.
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import type { KubeObject } from "../../sim/k8s/types";
import type { NodeDetailResponse, NodesResponse, PodEventsJson } from "@/lib/api-types";
import { waitFor } from "../support/ports";

const NS = "kube-system";
const SECRET = "node-events-test-secret";
const NO_EVENTS_USER = "no-events";
const RBAC = "rbac.authorization.k8s.io/v1";

let cluster: SimCluster;
let getNode: typeof import("@/app/api/nodes/[node]/route").GET;
let getEvents: typeof import("@/app/api/nodes/[node]/events/route").GET;
let getNodes: typeof import("@/app/api/nodes/route").GET;
let stopDashboard: () => Promise<void>;

/** May list pods in kube-system and nodes — everything the node page needs except events. */
function noEventsRbac(): KubeObject[] {
  const subject = { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: NO_EVENTS_USER };
  return [
    {
      apiVersion: RBAC,
      kind: "Role",
      metadata: { name: "pods-only", namespace: NS },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: RBAC,
      kind: "RoleBinding",
      metadata: { name: "pods-only", namespace: NS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pods-only" },
      subjects: [subject],
    },
    {
      apiVersion: RBAC,
      kind: "ClusterRoleBinding",
      metadata: { name: "no-events-nodes" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "sim-node-reader" },
      subjects: [subject],
    },
  ];
}

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: 2,
    addressBase: 34,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-node-conditions-events",
    extraObjects: noEventsRbac(),
    timing: { containerStartMs: 200 },
  });
  // The dashboard acts with the admin context and impersonates the person the proxy names.
  Object.assign(process.env, {
    KUBECONFIG: cluster.kubeconfigPath,
    DASHBOARD_CONTEXT: "sim",
    DASHBOARD_AUTH: "proxy",
    DASHBOARD_PROXY_SECRET: SECRET,
    DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
  });
  ({ GET: getNode } = await import("@/app/api/nodes/[node]/route"));
  ({ GET: getEvents } = await import("@/app/api/nodes/[node]/events/route"));
  ({ GET: getNodes } = await import("@/app/api/nodes/route"));
  ({ stopDashboard } = await import("@/lib/dashboard"));
});

afterAll(async () => {
  await stopDashboard?.();
  await cluster?.stop();
});

const headersFor = (user: string) => ({
  "x-forwarded-user": user,
  "x-dashboard-proxy-secret": SECRET,
});

async function nodePage(node: string, user: string): Promise<{ status: number; body: NodeDetailResponse }> {
  const res = await getNode(
    new Request(`http://127.0.0.1/api/nodes/${node}`, { headers: headersFor(user) }),
    { params: Promise.resolve({ node }) },
  );
  return { status: res.status, body: (await res.json()) as NodeDetailResponse };
}

/** The node's cache pod's Events, as its page reads them (GET /api/nodes/{node}/events). */
async function nodeEvents(node: string, user: string): Promise<{ status: number; body: PodEventsJson }> {
  const res = await getEvents(
    new Request(`http://127.0.0.1/api/nodes/${node}/events`, { headers: headersFor(user) }),
    { params: Promise.resolve({ node }) },
  );
  return { status: res.status, body: (await res.json()) as PodEventsJson };
}

async function nodeList(user: string): Promise<NodesResponse> {
  const res = await getNodes(new Request("http://127.0.0.1/api/nodes", { headers: headersFor(user) }));
  expect(res.status).toBe(200);
  return (await res.json()) as NodesResponse;
}

function adminCore(): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  kc.setCurrentContext("sim");
  return kc.makeApiClient(CoreV1Api);
}

describe("a node's conditions and its cache pod's Events", () => {
  it("shows the kubelet's conditions, and a condition that is not nominal in the node list", async () => {
    const node = cluster.description.nodes[0]!.name;
    const first = await waitFor(
      "the node page with its pod",
      async () => {
        const p = await nodePage(node, "viewer");
        return p.status === 200 && p.body.node.pod ? p : undefined;
      },
      60_000,
    );
    expect(first.body.conditions.map((c) => [c.type, c.status, c.nominal])).toEqual([
      ["MemoryPressure", "False", true],
      ["DiskPressure", "False", true],
      ["PIDPressure", "False", true],
      ["Ready", "True", true],
    ]);
    expect(first.body.conditions.find((c) => c.type === "Ready")?.reason).toBe("KubeletReady");
    expect(first.body.node.nodeConditions).toEqual([]);

    const since = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    cluster.store.mutate(
      RESOURCES.nodes,
      undefined,
      node,
      (o) => {
        const status = o.status as { conditions: Record<string, string>[] };
        const c = status.conditions.find((x) => x.type === "MemoryPressure")!;
        Object.assign(c, {
          status: "True",
          reason: "KubeletHasInsufficientMemory",
          message: "kubelet has insufficient memory available",
          lastTransitionTime: since,
        });
      },
      { subresource: "status" },
    );
    const pressured = await waitFor(
      "MemoryPressure=True on the node page",
      async () => {
        const p = await nodePage(node, "viewer");
        return p.body.conditions.find((c) => c.type === "MemoryPressure")?.status === "True" ? p : undefined;
      },
      60_000,
    );
    expect(pressured.body.conditions.find((c) => c.type === "MemoryPressure")).toEqual({
      type: "MemoryPressure",
      status: "True",
      reason: "KubeletHasInsufficientMemory",
      message: "kubelet has insufficient memory available",
      since: new Date(since).toISOString(),
      nominal: false,
    });
    expect(pressured.body.node.nodeConditions).toEqual(["MemoryPressure=True"]);
    const rows = (await nodeList("viewer")).nodes;
    expect(rows.find((r) => r.node === node)?.nodeConditions).toEqual(["MemoryPressure=True"]);
    expect(rows.find((r) => r.node !== node)?.nodeConditions).toEqual([]);
  });

  it("after a pod is deleted, shows its replacement's Scheduled, Pulled, Created and Started Events, newest first", async () => {
    const node = cluster.description.nodes[1]!.name;
    const before = await waitFor(
      "the node page with a ready pod",
      async () => {
        const p = await nodePage(node, "viewer");
        return p.body.node.podReady ? p : undefined;
      },
      60_000,
    );
    const oldPod = before.body.node.pod!;
    const beforeEvents = (await nodeEvents(node, "viewer")).body;
    expect(beforeEvents.problem).toBeNull();
    expect(beforeEvents.pod).toBe(oldPod);
    expect(beforeEvents.events.map((e) => e.reason)).toContain("Started");

    await adminCore().deleteNamespacedPod({ name: oldPod, namespace: NS });
    const after = await waitFor(
      "the replacement pod with its Started Event",
      async () => {
        const p = await nodeEvents(node, "viewer");
        const pod = p.body.pod;
        return pod && pod !== oldPod && p.body.events.some((e) => e.reason === "Started") ? p : undefined;
      },
      60_000,
    );
    const newPod = after.body.pod!;
    const events = after.body.events;
    expect((await nodePage(node, "viewer")).body.node.pod).toBe(newPod);
    expect(new Set(events.map((e) => e.reason))).toEqual(
      new Set(["Scheduled", "Pulled", "Created", "Started"]),
    );
    const scheduled = events.find((e) => e.reason === "Scheduled")!;
    expect(scheduled).toMatchObject({
      type: "Normal",
      count: 1,
      message: `Successfully assigned ${NS}/${newPod} to ${node}`,
      source: "default-scheduler",
    });
    expect(events.find((e) => e.reason === "Started")).toMatchObject({
      message: "Started container node-cache",
      source: `kubelet ${node}`,
    });
    const times = events.map((e) => e.lastSeen!);
    expect(times).toEqual([...times].sort().reverse());
    // The deleted pod's own Events end with the kubelet stopping its container.
    const { startDashboard } = await import("@/lib/dashboard");
    const old = await waitFor(
      "the deleted pod's Killing Event",
      async () => {
        const r = await (await startDashboard()).podEvents.read(oldPod);
        return r.events.some((e) => e.reason === "Killing") ? r : undefined;
      },
      30_000,
      1000,
    );
    expect(old.events.find((e) => e.reason === "Killing")?.message).toBe("Stopping container node-cache");
  });

  it("a person RBAC does not allow to list events gets the page, with 'you may not read events' in their place", async () => {
    const node = cluster.description.nodes[1]!.name;
    const page = await nodePage(node, NO_EVENTS_USER);
    expect(page.status).toBe(200);
    expect(page.body.node.pod).not.toBeNull();
    expect(page.body.conditions.length).toBeGreaterThan(0);
    const events = await nodeEvents(node, NO_EVENTS_USER);
    expect(events.status).toBe(200);
    expect(events.body.pod).toBe(page.body.node.pod);
    expect(events.body.events).toEqual([]);
    expect(events.body.problem?.status).toBe(403);
    expect(events.body.problem?.message).toMatch(
      /^you may not read events: Kubernetes RBAC does not allow "list" on events in kube-system.*; ask a cluster admin for it$/,
    );
    // And without pods, the whole page is refused as before.
    const stranger = await nodePage(node, "stranger");
    expect(stranger.status).toBe(403);
    expect((await nodeEvents(node, "stranger")).status).toBe(403);
    expect((await nodeEvents("no-such-node", "viewer")).status).toBe(404);
  });
});
