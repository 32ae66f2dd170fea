/**
 * Nothing the operator relies on lives only in one process's memory or one hour of Events (issue 13),
 * against the simulated cluster, with the config services running as the dashboard's ServiceAccount
 * under exactly deploy/'s RBAC (and its empty history ConfigMap):
 * - a change survives the deletion of every Event (the history ConfigMap keeps it, with its diff);
 * - a real `kubectl replace` shows in the history with its field manager, outside the dashboard, and
 *   can be rolled back; two watching services record it once;
 * - a timed log-off outlives the service that set it: the next one turns logging off at the deadline,
 *   or at once (saying so) when the deadline passed while none ran; two services racing at the
 *   deadline turn it off once;
 * - two services writing at once both land in the history.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { RESOURCES } from "../../sim/k8s/store";
import { configDeps, type ConfigDeps } from "@/lib/config/deps";
import { HISTORY_CONFIGMAP } from "@/lib/config/history-log";
import { HistoryStore } from "@/lib/config/history-store";
import { LOG_OFF_ANNOTATION } from "@/lib/config/log-off-plan";
import { ConfigService } from "@/lib/config/service";
import { CorefileConflictError } from "@/lib/k8s/configmap";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { MetricsCollector } from "@/lib/metrics/collector";
import { metricsFetchers } from "@/lib/metrics/transports";
import { deployRbacObjects } from "../support/deploy-rbac";
import { waitFor } from "../support/ports";

const NS = "kube-system";
const KUBECTL = "/usr/bin/kubectl";
const run = promisify(execFile);
const targets = {
  namespace: NS,
  configMap: "node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
};

let cluster: SimCluster;
let deps: ConfigDeps;
const services: ConfigService[] = [];
const stops: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: 2,
    addressBase: 74,
    apiPort: 0,
    dnsPort: 0,
    qps: 0,
    outDir: ".sim/test-config-history",
    extraObjects: deployRbacObjects(),
    timing: { containerStartMs: 150, configSyncMs: 200, pod: { configCheckMs: 150, reloadMs: 200 } },
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig("dashboard");
  const inventory = new ClusterInventory(kc, {
    ...targets,
    podSelector: "k8s-app=node-local-dns",
    metricsPort: 9253,
  });
  const collector = new MetricsCollector(inventory, metricsFetchers(kc), {
    intervalMs: 300,
    timeoutMs: 3000,
    concurrency: 4,
    maxBytes: 8 << 20,
    maxSamples: 50_000,
    retentionMinutes: 5,
    transport: "direct",
  });
  await inventory.start();
  collector.start();
  stops.push(
    () => collector.stop(),
    () => inventory.stop(),
  );
  deps = configDeps(kc, targets, inventory, collector);
  await waitFor("every node scraped", () =>
    cluster.description.nodes.every((n) => collector.latest(n.name)?.scrape) ? true : undefined,
  );
});

afterAll(async () => {
  for (const s of services) await s.stop();
  for (const s of stops.reverse()) await s();
  await cluster?.stop();
});

/** A config service (a dashboard process's Config side); `skewMs` shifts its clock. */
function newService(skewMs = 0): ConfigService {
  const s = new ConfigService(skewMs ? { ...deps, now: () => new Date(Date.now() + skewMs) } : deps, {
    logOffRetryMs: 300,
  });
  services.push(s);
  return s;
}

const stored = () => cluster.store.get(RESOURCES.configmaps, NS, "node-local-dns")!;
const storedCorefile = () => String((stored().data as { Corefile: string }).Corefile);
const logLines = () => storedCorefile().match(/^\s+log$/gm)?.length ?? 0;

/** The machine's real kubectl, as the cluster's admin. */
async function kubectl(args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, ["--kubeconfig", cluster.kubeconfigPath, ...args], {
    timeout: 30_000,
    env: { ...process.env, HOME: "/tmp/sim-kubectl-home" },
  });
  return stdout;
}

/** Every change of ours from the start is logged-off again, so each test starts from `log` nowhere. */
async function logOffEverywhere(s: ConfigService): Promise<void> {
  if (logLines() === 0) return;
  await s.apply({
    resourceVersion: (await s.read()).resourceVersion,
    edits: [{ op: "setLog", block: "*", on: false }],
    restart: false,
  });
}

describe("the history is kept in the cluster", () => {
  it("a change is still listed, with its diff, after every Event is deleted", async () => {
    const s = newService();
    const { resourceVersion } = await s.read();
    const applied = await s.apply({
      resourceVersion,
      edits: [{ op: "setCache", block: ".:53", tier: "success", capacity: 4321 }],
      restart: false,
    });
    expect(applied.recordError).toBeNull();
    const events = cluster.store.list(RESOURCES.events, NS).items;
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) cluster.store.delete(RESOURCES.events, NS, e.metadata.name);
    expect(cluster.store.list(RESOURCES.events, NS).items).toEqual([]);

    const { changes } = await newService().history();
    const found = changes.find((c) => c.id === applied.change.id);
    expect(found?.summary).toBe("success cache in .:53: capacity 4321");
    expect(found?.diff).toMatch(/^\+\s+success 4321/m);
    expect(found?.source).toBe("dashboard");
    const historyCm = cluster.store.get(RESOURCES.configmaps, NS, HISTORY_CONFIGMAP);
    expect(Object.keys((historyCm?.data as Record<string, string>) ?? {})).toContain(
      `change-${applied.change.id}.json`,
    );
  });

  it("two services writing at once: both changes are in the history, nothing lost", async () => {
    const a = newService();
    const b = newService();
    const base = (await a.read()).resourceVersion;
    const results = await Promise.allSettled([
      a.apply({
        resourceVersion: base,
        edits: [{ op: "setCacheTtl", block: ".:53", ttl: 41 }],
        restart: false,
      }),
      b.apply({
        resourceVersion: base,
        edits: [{ op: "setCacheTtl", block: "cluster.local:53", ttl: 42 }],
        restart: false,
      }),
    ]);
    // Both were based on the same version: one wins, the other gets 409 and applies again on top.
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const conflict = (lost[0] as PromiseRejectedResult).reason as CorefileConflictError;
    expect(conflict).toBeInstanceOf(CorefileConflictError);
    const loser = results[0]!.status === "rejected" ? a : b;
    const retried = await loser.apply({
      resourceVersion: conflict.current.resourceVersion,
      edits: [
        results[0]!.status === "rejected"
          ? { op: "setCacheTtl", block: ".:53", ttl: 41 }
          : { op: "setCacheTtl", block: "cluster.local:53", ttl: 42 },
      ],
      restart: false,
    });
    const ids = [
      (won[0] as PromiseFulfilledResult<{ change: { id: string } }>).value.change.id,
      retried.change.id,
    ];
    const { changes } = await a.history();
    for (const id of ids) expect(changes.map((c) => c.id)).toContain(id);
    expect(storedCorefile()).toMatch(/cache 41/);
    expect(storedCorefile()).toMatch(/cache 42/);

    // A third edit still based on the first version: the 409 names both writers since then, from the history.
    const stale = await b
      .apply({
        resourceVersion: base,
        edits: [{ op: "setCacheTtl", block: ".:53", ttl: 43 }],
        restart: false,
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(stale).toBeInstanceOf(CorefileConflictError);
    const stalePreview = await b
      .preview({ resourceVersion: base, edits: [{ op: "setCacheTtl", block: ".:53", ttl: 43 }] })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect((stalePreview as CorefileConflictError).changedBy).toEqual(
      (stale as CorefileConflictError).changedBy,
    );
    expect((stale as CorefileConflictError).changedBy).toEqual(
      [
        retried.change,
        (won[0] as PromiseFulfilledResult<{ change: { at: string; user: string } }>).value.change,
      ].map((c) => ({ user: c.user, at: c.at, source: "dashboard" })),
    );
  });

  it("appends racing on the history ConfigMap itself (409 on its resourceVersion) all land", async () => {
    const core = deps.kc.makeApiClient(CoreV1Api);
    const one = new HistoryStore(core, NS);
    const two = new HistoryStore(core, NS);
    const record = (id: string) => ({
      id,
      at: new Date().toISOString(),
      user: "race",
      action: "apply" as const,
      summary: id,
      diff: "",
      resourceVersionBefore: "x",
      resourceVersionAfter: `y-${id}`,
      corefileBefore: "a",
      corefileAfter: "b",
      restarted: false,
      source: "dashboard" as const,
      fieldManager: null,
      rollbackOf: null,
      note: null,
    });
    const ids = Array.from({ length: 8 }, (_, i) => `race-${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? one : two).append(record(id))));
    const { records } = await one.read();
    for (const id of ids) expect(records.map((r) => r.id)).toContain(id);
  });
});

describe.skipIf(!fs.existsSync(KUBECTL))("edits made outside the dashboard", () => {
  it("a kubectl replace shows in the history with its field manager, once, and rolls back", async () => {
    const a = newService();
    const b = newService();
    await Promise.all([a.start(), b.start()]);
    const before = storedCorefile();
    const cm = JSON.parse(await kubectl(["-n", NS, "get", "configmap", "node-local-dns", "-o", "json"])) as {
      data: { Corefile: string };
      metadata: Record<string, unknown>;
    };
    cm.data.Corefile = cm.data.Corefile.replace(
      /prometheus :9253/,
      "prometheus :9253\n    # edited with kubectl",
    );
    const file = path.join(cluster.kubeconfigPath, "..", "replace.json");
    fs.writeFileSync(file, JSON.stringify(cm));
    await kubectl(["replace", "-f", file]);
    expect(storedCorefile()).toContain("# edited with kubectl");
    const managers = (stored().metadata.managedFields as { manager: string }[]).map((m) => m.manager);
    expect(managers).toContain("kubectl-replace");

    const outside = await waitFor(
      "the kubectl replace in the history",
      async () => (await a.history()).changes.find((c) => c.source === "outside"),
      10_000,
    );
    expect(outside.fieldManager).toBe("kubectl-replace");
    expect(outside.user).toBe("kubectl-replace");
    expect(outside.action).toBe("outside");
    expect(outside.corefileBefore).toBe(before);
    expect(outside.diff).toMatch(/^\+\s+# edited with kubectl$/m);
    // Both services saw it; the history has it once.
    await waitFor("b has handled the event", async () =>
      (await b.history()).changes.some((c) => c.id === outside.id) ? true : undefined,
    );
    expect(
      (await b.history()).changes.filter((c) => c.resourceVersionAfter === outside.resourceVersionAfter),
    ).toHaveLength(1);

    const rolledBack = await a.rollback({ id: outside.id });
    expect(rolledBack.change.rollbackOf).toBe(outside.id);
    expect(storedCorefile()).toBe(before);
    // The dashboard's own write is not taken for an outside one.
    const after = (await a.history()).changes;
    expect(after.filter((c) => c.source === "outside")).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("kubectl edit and kubectl apply are recorded under their own field managers", async () => {
    const s = newService();
    await s.start();
    const original = storedCorefile();
    // kubectl edit runs $EDITOR on a temporary file, then patches what changed.
    const editor = path.join(cluster.kubeconfigPath, "..", "editor.sh");
    fs.writeFileSync(
      editor,
      '#!/bin/sh\nsed -i "s/prometheus :9253/prometheus :9253\\n    # via kubectl edit/" "$1"\n',
      {
        mode: 0o755,
      },
    );
    await run(
      KUBECTL,
      ["--kubeconfig", cluster.kubeconfigPath, "-n", NS, "edit", "configmap", "node-local-dns"],
      {
        timeout: 30_000,
        env: { ...process.env, HOME: "/tmp/sim-kubectl-home", KUBE_EDITOR: editor },
      },
    );
    const edited = await waitFor("the kubectl edit in the history", async () =>
      (await s.history()).changes.find((c) => c.diff.includes("# via kubectl edit")),
    );
    expect(edited.fieldManager).toBe("kubectl-edit");

    const file = path.join(cluster.kubeconfigPath, "..", "apply.yaml");
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "node-local-dns", namespace: NS },
        data: { Corefile: original.replace(/prometheus :9253/, "prometheus :9253\n    # via kubectl apply") },
      }),
    );
    await kubectl(["apply", "-f", file]);
    const applied = await waitFor("the kubectl apply in the history", async () =>
      (await s.history()).changes.find((c) => c.diff.includes("# via kubectl apply")),
    );
    expect(applied.fieldManager).toBe("kubectl-client-side-apply");
    expect(applied.corefileBefore).toContain("# via kubectl edit");
    await s.rollback({ id: edited.id });
    expect(storedCorefile()).toBe(original);
    await s.stop();
  });

  it("an edit made while no dashboard ran is recorded when one starts", async () => {
    const before = storedCorefile();
    const cm = stored();
    const file = path.join(cluster.kubeconfigPath, "..", "replace2.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...cm,
        data: { Corefile: before.replace(/prometheus :9253/, "prometheus :9253\n    # offline edit") },
      }),
    );
    await kubectl(["replace", "-f", file]);
    const s = newService();
    await s.start();
    const found = await waitFor("the offline edit in the history", async () =>
      (await s.history()).changes.find((c) => c.source === "outside" && c.diff.includes("# offline edit")),
    );
    expect(found.fieldManager).toBe("kubectl-replace");
    expect(found.corefileBefore).toBe(before);
    await s.rollback({ id: found.id });
    await s.stop();
  });
});

describe("timed query logging survives the dashboard", () => {
  it("set by one service, that service stopped, another started: logging goes off at the deadline", async () => {
    const first = newService(-58_000); // "for 1 minute" ends about 2 s from now
    await logOffEverywhere(first);
    const applied = await first.apply({
      resourceVersion: (await first.read()).resourceVersion,
      edits: [{ op: "setLog", block: ".:53", on: true }],
      logFor: { minutes: 1 },
      restart: false,
    });
    expect(applied.logOffAt).not.toBeNull();
    await first.stop();
    expect(JSON.parse(stored().metadata.annotations?.[LOG_OFF_ANNOTATION] ?? "null")).toMatchObject({
      blocks: [".:53"],
    });
    expect(logLines()).toBe(1);

    const next = newService();
    await next.start();
    // The Config page shows the deadline, wherever it was set.
    expect((await next.read()).logOff?.at).toBe(applied.logOffAt);
    await waitFor("logging off", () => (logLines() === 0 ? true : undefined), 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(applied.logOffAt!));
    expect(stored().metadata.annotations?.[LOG_OFF_ANNOTATION]).toBeUndefined();
    const off = await waitFor("the log-auto-off record", async () =>
      (await next.history()).changes.find((c) => c.action === "log-auto-off"),
    );
    expect(off.summary).toBe("log off in .:53");
    expect(off.note).toBeNull();
    expect((await next.read()).logOff).toBeNull();
    await next.stop();
  });

  it("the deadline passed while no dashboard ran: the next start turns it off and says so", async () => {
    const gone = newService(-3 * 60_000); // "for 1 minute" ended 2 minutes ago
    await logOffEverywhere(gone);
    await gone.apply({
      resourceVersion: (await gone.read()).resourceVersion,
      edits: [{ op: "setLog", block: "*", on: true }],
      logFor: { minutes: 1 },
      restart: false,
    });
    // Stopped before its timer could run (timers run after this continuation).
    await gone.stop();
    expect(logLines()).toBeGreaterThan(0);
    expect(stored().metadata.annotations?.[LOG_OFF_ANNOTATION]).toBeDefined();

    // Two start at once: exactly one turns it off (the other's write meets 409 and finds it done).
    const [x, y] = [newService(), newService()];
    await Promise.all([x.start(), y.start()]);
    await waitFor("logging off", () => (logLines() === 0 ? true : undefined), 15_000);
    await waitFor("the annotation removed", () =>
      stored().metadata.annotations?.[LOG_OFF_ANNOTATION] === undefined ? true : undefined,
    );
    const offs = await waitFor("the late log-auto-off record", async () => {
      const c = (await x.history()).changes.filter((r) => r.action === "log-auto-off" && r.note);
      return c.length ? c : undefined;
    });
    expect(offs).toHaveLength(1);
    expect(offs[0]?.note).toMatch(/passed while no dashboard was running; turned off 2 min late/);
    await Promise.all([x.stop(), y.stop()]);
  });
});
