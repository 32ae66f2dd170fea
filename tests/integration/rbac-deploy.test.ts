/**
 * deploy/base/rbac.yaml is exactly enough. The simulated API server enforces RBAC for a token of the
 * dashboard's ServiceAccount; with only deploy/'s Role and ClusterRole bound, everything the dashboard
 * does works (inventory list+watch, all three scrape transports, following pod logs, and the Config
 * feature's reads and writes); and with any one rule removed, something it does fails with 403.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { ALL_RESOURCES, RESOURCES } from "../../sim/k8s/store";
import type { KubeObject } from "../../sim/k8s/types";
import { HistoryStore } from "@/lib/config/history-store";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { podForNode } from "@/lib/k8s/reshape";
import { PodEventsReader } from "@/lib/k8s/pod-events";
import { LogHub } from "@/lib/logs/hub";
import type { LogNotice } from "@/lib/logs/types";
import { directFetcher, portForwardFetcher, proxyFetcher } from "@/lib/metrics/transports";
import { waitFor } from "../support/ports";

const NS = "kube-system";
const SA_USER = "system:serviceaccount:kube-system:nodelocal-dns-dashboard";
const token = randomBytes(24).toString("hex");
const limits = { timeoutMs: 5000, maxBytes: 8 * 1024 * 1024 };
const inventoryOptions = {
  namespace: NS,
  podSelector: "k8s-app=node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
  metricsPort: 9253,
};

let cluster: SimCluster;
let kc: KubeConfig;
let role: KubeObject;
let clusterRole: KubeObject;

function loadYaml(file: string): KubeObject[] {
  const text = readFileSync(path.join(__dirname, "../../deploy/base", file), "utf8");
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => !!o);
}

function resourceOf(obj: KubeObject) {
  const rt = ALL_RESOURCES.find(
    (r) => r.kind === obj.kind && (r.group ? `${r.group}/${r.version}` : r.version) === obj.apiVersion,
  );
  if (!rt) throw new Error(`the simulated API server does not serve ${obj.apiVersion} ${obj.kind}`);
  return rt;
}

/** A KubeConfig that authenticates as the ServiceAccount, against the simulated API server. */
function serviceAccountKubeConfig(): KubeConfig {
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  const c = admin.getCurrentCluster()!;
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: [c],
    users: [{ name: "sa", token }],
    contexts: [{ name: "sa", cluster: c.name, user: "sa" }],
    currentContext: "sa",
  });
  return out;
}

type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
const rulesOf = (o: KubeObject) => (o as unknown as { rules: Rule[] }).rules;

/** Replace the stored Role/ClusterRole's rules (the API server reads RBAC from the store per request). */
function setRules(obj: KubeObject, rules: Rule[]): void {
  const rt = obj.kind === "Role" ? RESOURCES.roles : RESOURCES.clusterroles;
  const current = cluster.store.get(rt, obj.metadata.namespace, obj.metadata.name);
  cluster.store.update(rt, { ...current, rules } as unknown as KubeObject);
}

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: 2,
    addressBase: 150,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-rbac-deploy",
    extraTokens: { [token]: { name: SA_USER, groups: [] } },
    timing: { configSyncMs: 200, containerStartMs: 200, pod: { configCheckMs: 100, reloadMs: 200 } },
  });
  for (const obj of [
    ...loadYaml("serviceaccount.yaml"),
    ...loadYaml("rbac.yaml"),
    ...loadYaml("history-configmap.yaml"),
  ]) {
    cluster.store.create(resourceOf(obj), obj);
    if (obj.kind === "Role") role = obj;
    if (obj.kind === "ClusterRole") clusterRole = obj;
  }
  kc = serviceAccountKubeConfig();
});

afterAll(async () => {
  await cluster?.stop();
});

/** Start an inventory as the ServiceAccount; resolves with its snapshot once it synced or reported a problem. */
async function inventoryAsServiceAccount(): Promise<{ inv: ClusterInventory; problem: string | null }> {
  const inv = new ClusterInventory(kc, inventoryOptions);
  await inv.start();
  const problem = await waitFor(
    "the inventory to sync or report a problem",
    () => {
      const s = inv.snapshot();
      if (s.apiProblem) return s.apiProblem.message;
      return s.synced && s.pods.length === 2 ? null : undefined;
    },
    60_000,
  );
  return { inv, problem };
}

/** Follow every pod's log through the LogHub until a line arrives from each, or a failure notice. */
async function followLogs(inv: ClusterInventory): Promise<{ linesFrom: Set<string>; failures: LogNotice[] }> {
  const hub = new LogHub(kc, inv, { namespace: NS, container: "node-cache", tailLines: 20 });
  const linesFrom = new Set<string>();
  const failures: LogNotice[] = [];
  const unsubscribe = hub.subscribe({
    nodes: null,
    onLine: (l) => linesFrom.add(l.event.pod),
    onNotice: (n) => {
      if (n.kind === "failed" || n.kind === "reconnecting") failures.push(n);
    },
  });
  try {
    await waitFor(
      "a log line from every pod, or a failure",
      () => (linesFrom.size === 2 || failures.length > 0 ? true : undefined),
      60_000,
    );
  } finally {
    unsubscribe();
    hub.stop();
  }
  return { linesFrom, failures };
}

const configMapRef = { name: "node-local-dns", namespace: NS };

describe("deploy/base/rbac.yaml is sufficient", () => {
  it("the inventory lists and watches nodes, pods and the DaemonSet", async () => {
    const { inv, problem } = await inventoryAsServiceAccount();
    try {
      expect(problem).toBeNull();
      const s = inv.snapshot();
      expect(s.nodes).toHaveLength(2);
      expect(s.daemonSet?.desired).toBe(2);
    } finally {
      await inv.stop();
    }
  });

  it("every scrape transport reads metrics, and pod logs are followed", async () => {
    const { inv } = await inventoryAsServiceAccount();
    try {
      const pod = podForNode(inv.snapshot().pods, cluster.description.nodes[0]!.name)!;
      for (const fetcher of [directFetcher(), proxyFetcher(kc), portForwardFetcher(kc)]) {
        expect(await fetcher(pod, limits)).toContain("coredns_build_info");
      }
      const logs = await followLogs(inv);
      expect(logs.failures).toEqual([]);
      expect(logs.linesFrom.size).toBe(2);
    } finally {
      await inv.stop();
    }
  });

  it("the Config feature can read and write the Corefile, restart the DaemonSet and record Events", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const cm = await core.readNamespacedConfigMap(configMapRef);
    await core.replaceNamespacedConfigMap({ ...configMapRef, body: cm });
    await apps.readNamespacedDaemonSet(configMapRef);
    await apps.patchNamespacedDaemonSet(
      {
        ...configMapRef,
        dryRun: "All",
        body: { spec: { template: { metadata: { annotations: { a: "b" } } } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    await core.createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { generateName: "node-local-dns.", namespace: NS },
        involvedObject: { kind: "ConfigMap", apiVersion: "v1", ...configMapRef },
        reason: "CorefileChanged",
        message: "rbac test",
        type: "Normal",
      },
    });
    expect((await core.listNamespacedEvent({ namespace: NS })).items.length).toBeGreaterThan(0);
    // The node page's read of one cache pod's Events.
    const read = await new PodEventsReader(kc, NS).read(firstPodName());
    expect(read.problem).toBeNull();
    expect(read.events.map((e) => e.reason)).toContain("Scheduled");
  });

  it("the Config feature watches the Corefile's ConfigMap and appends to the history ConfigMap", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({
      namespace: NS,
      fieldSelector: "metadata.name=node-local-dns",
    });
    expect(list.items.map((c) => c.metadata?.name)).toEqual(["node-local-dns"]);
    await watchOnce(core);
    const store = new HistoryStore(core, NS);
    expect(await store.append(historyRecord())).toBe(true);
    expect((await store.read()).records.map((r) => r.id)).toContain(historyRecord().id);
  });
});

/** One watch request of the node-local-dns ConfigMap as the dashboard makes it: resolves on its first event. */
async function watchOnce(core: CoreV1Api): Promise<void> {
  const { Watch } = await import("@kubernetes/client-node");
  const list = await core.listNamespacedConfigMap({
    namespace: NS,
    fieldSelector: "metadata.name=node-local-dns",
  });
  await new Promise<void>((resolve, reject) => {
    let req: AbortController | undefined;
    void new Watch(kc)
      .watch(
        `/api/v1/namespaces/${NS}/configmaps`,
        {
          fieldSelector: "metadata.name=node-local-dns",
          resourceVersion: list.metadata?.resourceVersion,
          allowWatchBookmarks: true,
        },
        () => undefined,
        (err: unknown) => (err ? reject(err as Error) : resolve()),
        // (An abort after resolve() reports an AbortError here, which a settled promise ignores.)
      )
      .then((r) => {
        req = r;
        // The watch was answered (a refusal calls done with the 403 first): end it.
        resolve();
        req.abort();
      }, reject);
  });
}

const historyRecord = () => ({
  id: "rbac-probe",
  at: "2026-01-01T00:00:00.000Z",
  user: "rbac test",
  action: "apply" as const,
  summary: "probe",
  diff: "",
  resourceVersionBefore: "1",
  resourceVersionAfter: "2",
  corefileBefore: "a",
  corefileAfter: "b",
  restarted: false,
  source: "dashboard" as const,
  fieldManager: null,
  rollbackOf: null,
  note: null,
});

/** Something the dashboard does that needs a given rule; rejects (with the API's 403) without it. */
type Probe = () => Promise<void>;

async function expectForbidden(p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toSatisfy((err: unknown) =>
    /403|forbidden/i.test(String((err as Error).message ?? err)),
  );
}

async function inventoryFailsOn(resource: string): Promise<void> {
  const { inv, problem } = await inventoryAsServiceAccount();
  await inv.stop();
  expect(problem).toMatch(new RegExp(`cannot list/watch ${resource}: .*forbidden`, "i"));
}

async function withInventory(fn: (inv: ClusterInventory) => Promise<void>): Promise<void> {
  // The inventory needs only the rules that are still in place for these probes.
  const inv = new ClusterInventory(kc, inventoryOptions);
  await inv.start();
  await waitFor("pods listed", () => (inv.snapshot().pods.length === 2 ? true : undefined), 60_000);
  try {
    await fn(inv);
  } finally {
    await inv.stop();
  }
}

/** The name of the cache pod on the first node, from the store (no RBAC of the dashboard's needed). */
const firstPodName = () =>
  cluster.store
    .list(RESOURCES.pods, NS)
    .items.find((p) => (p.spec as { nodeName?: string }).nodeName === cluster.description.nodes[0]!.name)!
    .metadata.name;

const firstPod = (inv: ClusterInventory) =>
  podForNode(inv.snapshot().pods, cluster.description.nodes[0]!.name)!;

const probes: Record<string, Probe> = {
  pods: () => inventoryFailsOn("pods"),
  "pods/log,pods/proxy": () =>
    withInventory(async (inv) => {
      await expectForbidden(proxyFetcher(kc)(firstPod(inv), limits));
      const logs = await followLogs(inv);
      expect(logs.failures.map((f) => f.message).join("\n")).toMatch(/not allowed to read .* logs/);
    }),
  "pods/portforward": () =>
    withInventory(async (inv) => expectForbidden(portForwardFetcher(kc)(firstPod(inv), limits))),
  "daemonsets:list,watch": () => inventoryFailsOn("daemonsets"),
  "daemonsets:get,patch": async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await expectForbidden(apps.readNamespacedDaemonSet(configMapRef));
    await expectForbidden(
      apps.patchNamespacedDaemonSet(
        { ...configMapRef, body: { metadata: { annotations: { a: "b" } } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    );
  },
  controllerrevisions: async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await expectForbidden(apps.listNamespacedControllerRevision({ namespace: NS }));
  },
  "configmaps:node-local-dns": async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await expectForbidden(core.readNamespacedConfigMap(configMapRef));
    const cm = cluster.store.get(RESOURCES.configmaps, NS, "node-local-dns");
    await expectForbidden(core.replaceNamespacedConfigMap({ ...configMapRef, body: cm as never }));
    await expectForbidden(
      core.listNamespacedConfigMap({ namespace: NS, fieldSelector: "metadata.name=node-local-dns" }),
    );
    await expectForbidden(watchOnce(core));
  },
  "configmaps:node-local-dns-dashboard-history": async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const store = new HistoryStore(core, NS);
    expect((await store.read()).problem).toMatch(/forbidden/i);
    await expectForbidden(store.append({ ...historyRecord(), id: "rbac-probe-2" }));
  },
  events: async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await expectForbidden(core.listNamespacedEvent({ namespace: NS }));
    const reader = new PodEventsReader(kc, NS);
    expect((await reader.read(firstPodName())).problem?.status).toBe(403);
    await expectForbidden(
      core.createNamespacedEvent({
        namespace: NS,
        body: {
          metadata: { generateName: "x." },
          involvedObject: { kind: "ConfigMap", name: "node-local-dns" },
        },
      }),
    );
  },
  nodes: () => inventoryFailsOn("nodes"),
};

function probeKey(rule: Rule): string {
  const resources = rule.resources.join(",");
  if (rule.resources[0] === "daemonsets") return `${resources}:${rule.verbs.join(",")}`;
  if (rule.resources[0] === "configmaps") return `${resources}:${(rule.resourceNames ?? []).join(",")}`;
  return resources;
}

describe("every rule in deploy/base/rbac.yaml is needed", () => {
  it("has a probe for every rule (a new rule needs a test here)", () => {
    const keys = [...rulesOf(role), ...rulesOf(clusterRole)].map(probeKey).sort();
    expect(keys).toEqual(Object.keys(probes).sort());
  });

  for (const which of ["Role", "ClusterRole"] as const) {
    it(`without any one rule of the ${which}, something the dashboard does fails with 403`, async () => {
      const obj = which === "Role" ? role : clusterRole;
      const rules = rulesOf(obj);
      for (let i = 0; i < rules.length; i++) {
        const key = probeKey(rules[i]!);
        setRules(
          obj,
          rules.filter((_, j) => j !== i),
        );
        try {
          await probes[key]!();
        } catch (err) {
          throw new Error(`rule "${key}" removed: ${(err as Error).message}`, { cause: err });
        } finally {
          setRules(obj, rules);
        }
      }
    });
  }
});
