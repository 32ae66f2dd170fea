/**
 * The apply path against the simulated cluster: write + Event + rollout restart, watched until every
 * node runs the new Corefile; 409 on a concurrent edit with nothing lost; a bad Corefile refused
 * before writing; a crash-looping rollout detected and rolled back; timed log-off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { queryOnce } from "../../sim/dns/traffic";
import { RESOURCES } from "../../sim/k8s/store";
import { configDeps, type ConfigDeps } from "@/lib/config/deps";
import { ConfigService } from "@/lib/config/service";
import { CorefileConflictError } from "@/lib/k8s/configmap";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { loadKubeConfig } from "@/lib/k8s/kubeconfig";
import { MetricsCollector } from "@/lib/metrics/collector";
import { metricsFetchers } from "@/lib/metrics/transports";
import { DashboardError } from "@/lib/errors";
import { waitFor } from "../support/ports";

const NS = "kube-system";
const NODES = 3;
const targets = {
  namespace: NS,
  configMap: "node-local-dns",
  daemonSet: "node-local-dns",
  container: "node-cache",
};
let cluster: SimCluster;
let deps: ConfigDeps;
let service: ConfigService;
const stops: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  cluster = await startSimCluster({
    nodes: NODES,
    addressBase: 120,
    apiPort: 0,
    dnsPort: 0,
    outDir: ".sim/test-config-apply",
    timing: {
      containerStartMs: 150,
      configSyncMs: 300,
      backoffBaseMs: 300,
      pod: { configCheckMs: 200, reloadMs: 300 },
    },
  });
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  const kc = loadKubeConfig("");
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
  service = new ConfigService(deps, { readyDeadlineSeconds: 20 });
  stops.push(() => service.stop());
  await waitFor("every node scraped", () =>
    cluster.description.nodes.every((n) => collector.latest(n.name)?.scrape) ? true : undefined,
  );
});

afterAll(async () => {
  for (const s of stops.reverse()) await s();
  await cluster?.stop();
});

const storedCorefile = () =>
  String(
    (cluster.store.get(RESOURCES.configmaps, NS, "node-local-dns")?.data as { Corefile: string }).Corefile,
  );

async function podLog(pod: string): Promise<string> {
  return deps.core.readNamespacedPodLog({ name: pod, namespace: NS, container: "node-cache" });
}

/** The Corefile a pod loaded last, as node-cache printed it ("Using config file:" and the text). */
async function lastLoadedCorefile(pod: string): Promise<string> {
  const log = await podLog(pod);
  return log.slice(log.lastIndexOf("Using config file:"));
}

/** Polls GET /api/rollout's data until the rollout is complete and every node runs the new Corefile. */
async function untilRolledOut() {
  let last: unknown;
  try {
    return await waitFor(
      "rollout complete with the new Corefile live on every node",
      async () => {
        const p = await service.rollout();
        last = p;
        if (p.failure) throw new Error(`rollout failed: ${p.failure.reason}`);
        const live = p.nodes.filter(
          (n) => n.revision === "new" && n.ready && n.liveness?.state === "live-restarted",
        );
        return p.status.phase === "complete" && live.length === NODES ? p : undefined;
      },
      45_000,
      250,
    );
  } catch (err) {
    throw new Error(`${String(err)}; last progress: ${JSON.stringify(last)}`);
  }
}

describe("apply → rollout restart → live everywhere", () => {
  it("log on everywhere and a new success capacity: every new pod loads it, and logs queries", async () => {
    const { resourceVersion } = await service.read();
    const result = await service.apply({
      resourceVersion,
      edits: [
        { op: "setLog", block: "*", on: true },
        { op: "setCache", block: "cluster.local:53", tier: "success", capacity: 5000 },
      ],
      restart: true,
    });
    expect(result.restart?.restartedAt).toMatch(/Z$/);
    expect(result.recordError).toBeNull();
    expect(result.change.summary).toBe(
      "log on in every block; success cache in cluster.local:53: capacity 5000",
    );
    expect(result.change.user).toBe("admin (context sim)");
    expect(storedCorefile()).toContain("success 5000 30");

    const progress = await untilRolledOut();
    expect(progress.status.message).toBe('daemon set "node-local-dns" successfully rolled out');
    expect(progress.lastWrite?.changeId).toBe(result.change.id);

    await waitFor("the cluster description follows the new pods", () =>
      cluster.description.nodes.every((n) => progress.nodes.some((p) => p.pod === n.pod)) ? true : undefined,
    );
    for (const n of cluster.description.nodes) {
      // node-cache prints the Corefile it loaded: the new capacity, and `log` in every block.
      const log = await podLog(n.pod!);
      expect(log).toMatch(/Using config file:[\s\S]*success 5000 30/);
      await queryOnce({
        host: n.dns.address,
        port: n.dns.port,
        name: `probe-${n.name}.example.com`,
        type: "A",
        proto: "udp",
      });
      const line = await waitFor(`a query log line from ${n.name}`, async () =>
        (await podLog(n.pod!)).split("\n").find((l) => l.includes(`"A IN probe-${n.name}.example.com. udp`)),
      );
      expect(line).toMatch(/^\[INFO\] [\d.]+:\d+ - \d+ "A IN probe-/);
    }
    // And the metrics come from the new pods.
    await waitFor("every node scraped from its new pod", () =>
      cluster.description.nodes.every(
        (n) => deps.metrics.latest(n.name)?.pod === n.pod && deps.metrics.latest(n.name)?.scrape,
      )
        ? true
        : undefined,
    );
  });

  it("the change is in the history, with its Event on the ConfigMap", async () => {
    const history = await service.history();
    const change = history.changes[0]!;
    expect(change.action).toBe("apply");
    expect(change.diff).toContain("+    log");
    expect(change.diff).toMatch(/^-\s+success 9984 30$/m);
    expect(change.diff).toMatch(/^\+\s+success 5000 30$/m);
    const events = await deps.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: "reason=CorefileChanged",
    });
    const ev = events.items.find((e) => e.message?.includes(change.summary));
    expect(ev?.involvedObject.name).toBe("node-local-dns");
    expect(ev?.involvedObject.kind).toBe("ConfigMap");
    expect(ev?.message).toBe(`admin (context sim) changed the Corefile: ${change.summary} (rollout restart)`);
  });
});

describe("concurrent edits", () => {
  it("the second writer gets 409 with both texts, re-applies on top, and neither edit is lost", async () => {
    const alice = await service.read();
    const bob = await service.read();
    await service.apply({
      resourceVersion: alice.resourceVersion,
      edits: [{ op: "setCache", block: ".:53", tier: "denial", capacity: 2048 }],
      restart: false,
    });
    const bobEdit = [{ op: "setCacheTtl" as const, block: "in-addr.arpa:53", ttl: 45 }];
    const err = await service
      .apply({ resourceVersion: bob.resourceVersion, edits: bobEdit, restart: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorefileConflictError);
    const conflict = err as CorefileConflictError;
    expect(conflict.current.corefile).toBe(storedCorefile());
    expect(conflict.current.corefile).toContain("denial 2048");
    expect(conflict.yours.corefile).toContain("denial 2048");
    expect(conflict.yours.corefile).toMatch(/in-addr\.arpa:53 \{[\s\S]*?cache 45/);
    await service.apply({
      resourceVersion: conflict.current.resourceVersion,
      edits: bobEdit,
      restart: false,
    });
    expect(storedCorefile()).toContain("denial 2048");
    expect(storedCorefile()).toMatch(/in-addr\.arpa:53 \{[\s\S]*?cache 45/);
  });

  it("a Corefile CoreDNS would refuse is refused before writing, and the ConfigMap is unchanged", async () => {
    const { resourceVersion, corefile } = await service.read();
    const err = await service
      .apply({ resourceVersion, corefile: corefile.replace("cache 45", "cache -5"), restart: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DashboardError);
    expect((err as DashboardError).status).toBe(422);
    expect((err as DashboardError).message).toMatch(
      /^not written: CoreDNS would refuse this Corefile \(line \d+: /,
    );
    expect(storedCorefile()).toBe(corefile);
    expect((await service.read()).resourceVersion).toBe(resourceVersion);
  });
});

describe("a change without a restart", () => {
  it("is shown live per node once CoreDNS's reload hash changes", async () => {
    // The writes above (no restart) made every pod reload: wait until each has loaded the latest
    // (its log prints the Corefile it loaded) and a scrape shows its hash, so the next change starts clean.
    await waitFor("every pod running the latest Corefile", async () => {
      for (const n of cluster.description.nodes) {
        if (!(await lastLoadedCorefile(n.pod!)).match(/in-addr\.arpa:53 \{[\s\S]*?cache 45/))
          return undefined;
        // CoreDNS prints the hash it runs after a reload; the scrape must already show that one.
        const log = await podLog(n.pod!);
        const running = [...log.matchAll(/Running configuration SHA512 = ([0-9a-f]+)/g)].pop()?.[1];
        if (log.lastIndexOf("Reloading complete") < log.lastIndexOf("Using config file:")) return undefined;
        if (!running || running !== deps.metrics.latest(n.name)?.scrape?.configHash) return undefined;
      }
      return true;
    });
    const { resourceVersion } = await service.read();
    await service.apply({
      resourceVersion,
      edits: [{ op: "setCacheTtl", block: "ip6.arpa:53", ttl: 33 }],
      restart: false,
    });
    const progress = await waitFor(
      "every node reloaded the new Corefile",
      async () => {
        const p = await service.rollout();
        return p.nodes.length === NODES && p.nodes.every((n) => n.liveness?.state === "live-reloaded")
          ? p
          : undefined;
      },
      30_000,
      250,
    );
    expect(progress.nodes.every((n) => n.revision === "new" && n.restarts === 0)).toBe(true);
    for (const n of cluster.description.nodes) {
      expect(await lastLoadedCorefile(n.pod!)).toMatch(/ip6\.arpa:53 \{[\s\S]*?cache 33/);
    }
  });
});

describe("a crash-looping rollout", () => {
  it("is detected, and rollback restores the Corefile from before a change and finishes the rollout", async () => {
    const { resourceVersion, corefile: good } = await service.read();
    const applied = await service.apply({
      resourceVersion,
      edits: [{ op: "setLog", block: "*", on: false }],
      restart: true,
    });
    await untilRolledOut();
    // Our validator refuses what CoreDNS refuses, so the bad file comes from someone else: kubectl edit.
    const cm = await deps.core.readNamespacedConfigMap({ name: "node-local-dns", namespace: NS });
    await deps.core.replaceNamespacedConfigMap({
      name: "node-local-dns",
      namespace: NS,
      body: { ...cm, data: { Corefile: storedCorefile().replace("cache 45", "cache -5") } },
    });
    await service.restart();
    const failed = await waitFor(
      "the rollout's failure",
      async () => {
        const p = await service.rollout();
        return p.failure ? p : undefined;
      },
      30_000,
      250,
    );
    expect(failed.status.done).toBe(false);
    expect(failed.failure?.reason).toMatch(/CrashLoopBackOff|Error|restarted/);

    const rolledBack = await service.rollback({ id: applied.change.id });
    expect(rolledBack.change.action).toBe("rollback");
    expect(rolledBack.change.corefileAfter).toBe(good);
    expect(storedCorefile()).toBe(good);
    await untilRolledOut();
    const history = await service.history();
    expect(history.changes[0]?.id).toBe(rolledBack.change.id);
  });
});

describe("timed query logging", () => {
  it("turns log off again through the same apply path when the time is up", async () => {
    // A clock 59 s behind makes "for 1 minute" end about a second from now.
    const early = new ConfigService({ ...deps, now: () => new Date(Date.now() - 59_000) });
    stops.push(() => early.stop());
    // The rollback above brought `log` back in every block: start from all off.
    await service.apply({
      resourceVersion: (await service.read()).resourceVersion,
      edits: [{ op: "setLog", block: "*", on: false }],
      restart: false,
    });
    const { resourceVersion } = await early.read();
    const result = await early.apply({
      resourceVersion,
      edits: [{ op: "setLog", block: ".:53", on: true }],
      logFor: { minutes: 1 },
      restart: false,
    });
    expect(result.logOffAt).not.toBeNull();
    expect((await early.read()).logOff?.blocks).toEqual([".:53"]);
    expect(storedCorefile()).toMatch(/\.:53 \{\n\s+log\n/);
    await waitFor(
      "log turned off",
      async () => ((await early.read()).logOff === null ? true : undefined),
      20_000,
    );
    expect(storedCorefile()).not.toMatch(/^\s+log$/m);
    // The early clock dates its records a minute back: find the record by what it did. The plan leaves
    // the ConfigMap in the write itself; the record follows after the restart.
    const last = await waitFor("the log-auto-off record", async () =>
      (await early.history()).changes.find((c) => c.action === "log-auto-off"),
    );
    expect(last.action).toBe("log-auto-off");
    expect(last.summary).toBe("log off in .:53");
  });
});
