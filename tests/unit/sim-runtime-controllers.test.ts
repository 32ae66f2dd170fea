/**
 * Kubelets + the DaemonSet controller over a real ObjectStore, with a stand-in container runtime
 * (the real node-local-dns pod is exercised by the integration tests).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ObjectStore, RESOURCES, ALL_RESOURCES } from "../../sim/k8s/store";
import type { KubeObject } from "../../sim/k8s/types";
import { Kubelet } from "../../sim/k8s/kubelet";
import { DaemonSetController } from "../../sim/k8s/daemonset-controller";
import { Scheduler } from "../../sim/k8s/scheduler";
import { runtimeHooks } from "../../sim/k8s/kubelet-hooks";
import { initialObjects, nodeName } from "../../sim/manifests";
import { nodeAddresses } from "../../sim/addresses";
import type { LogEntry, PodRuntime, PodRuntimeSpec, PodRuntimeState } from "../../sim/runtime";
import { waitFor } from "../support/ports";

interface FakeRuntime extends PodRuntime {
  corefiles: string[];
}

function fakeRuntime(spec: PodRuntimeSpec): FakeRuntime {
  const entries: LogEntry[] = [];
  const subs = new Set<(e: LogEntry) => void>();
  const emit = (text: string) => {
    const e = { time: new Date(), text };
    entries.push(e);
    for (const s of subs) s(e);
  };
  const bad = spec.corefileBase.includes("cache -5");
  let state: PodRuntimeState = { phase: "starting" };
  const corefiles = [spec.corefileBase];
  emit(`[INFO] starting ${spec.podName}`);
  const started = bad
    ? Promise.reject(new Error("plugin/cache: cache TTL can not be zero or negative: -5"))
    : Promise.resolve();
  started.then(
    () => {
      state = { phase: "running", startedAt: new Date() };
      emit("CoreDNS-1.11.3");
    },
    () => {
      state = { phase: "exited", exitCode: 1, reason: "Error", finishedAt: new Date() };
      emit("[ERROR] plugin/cache: cache TTL can not be zero or negative: -5");
    },
  );
  return {
    spec,
    corefiles,
    log: { entries: () => entries, subscribe: (cb) => (subs.add(cb), () => subs.delete(cb)) },
    state: () => state,
    started,
    updateCorefileBase: (text) => corefiles.push(text),
    stop: async () => {
      emit("[INFO] SIGTERM: Shutting down servers then terminating");
    },
  };
}

const running: { stop(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

function startCluster(nodes: number, schedulerDelayMs = 0) {
  const store = new ObjectStore();
  for (const o of initialObjects({ addressBase: 50, nodes })) {
    store.create(
      ALL_RESOURCES.find((r) => r.kind === o.kind)!,
      o,
    );
  }
  const runtimes: FakeRuntime[] = [];
  const kubelets = Array.from({ length: nodes }, (_, i) => {
    const k = new Kubelet({
      store,
      nodeName: nodeName(i),
      addresses: nodeAddresses(50, i),
      corednsVersion: "1.11.3",
      startPod: (spec) => {
        const r = fakeRuntime(spec);
        runtimes.push(r);
        return r;
      },
      ports: { dns: 0, metrics: 19253, health: 18080 },
      clusterDns: { virtualIP: "10.96.0.11", host: "127.53.0.2", port: 53 },
      upstreamResolvers: [{ virtualIP: "10.0.0.2", host: "127.53.0.3", port: 53 }],
      timing: { backoffBaseMs: 50, backoffMaxMs: 200, configSyncMs: 20 },
    });
    k.start();
    running.push(k);
    return k;
  });
  const hooks = runtimeHooks(store, kubelets);
  const controller = new DaemonSetController({ store, deletePod: hooks.deletePodGracefully });
  controller.start();
  const scheduler = new Scheduler({ store, delayMs: schedulerDelayMs });
  scheduler.start();
  running.push(controller, scheduler, { stop: () => hooks.close() });
  return { store, runtimes, kubelets };
}

function dsPods(store: ObjectStore): KubeObject[] {
  return store.list(RESOURCES.pods, "kube-system", { labelSelector: "k8s-app=node-local-dns" }).items;
}

function isReady(p: KubeObject): boolean {
  return ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
    (c) => c.type === "Ready" && c.status === "True",
  );
}

function dsStatus(store: ObjectStore): Record<string, number> {
  return store.get(RESOURCES.daemonsets, "kube-system", "node-local-dns")!.status as Record<string, number>;
}

describe("kubelets and the DaemonSet controller", () => {
  it("run one Ready pod per node, with kubelet-style status and events, and DS status to match", async () => {
    const { store } = startCluster(3);
    await waitFor(
      "3 ready pods",
      () => (dsPods(store).filter(isReady).length === 3 ? true : undefined),
      5000,
      20,
    );
    const pods = dsPods(store);
    expect(new Set(pods.map((p) => (p.spec as { nodeName: string }).nodeName))).toEqual(
      new Set(["node-1", "node-2", "node-3"]),
    );
    const pod = pods[0]!;
    expect(pod.metadata.name).toMatch(/^node-local-dns-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "DaemonSet",
      name: "node-local-dns",
      controller: true,
    });
    const status = pod.status as {
      phase: string;
      podIP: string;
      containerStatuses: { containerID: string; started: boolean; state: { running?: unknown } }[];
    };
    expect(status.phase).toBe("Running");
    expect(status.containerStatuses[0]!.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(status.containerStatuses[0]!.state.running).toBeDefined();
    await waitFor("DS status", () => (dsStatus(store).numberAvailable === 3 ? true : undefined), 5000, 20);
    expect(dsStatus(store)).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      observedGeneration: 1,
    });
    const reasons = store.list(RESOURCES.events, "kube-system").items.map((e) => e.reason);
    for (const r of ["SuccessfulCreate", "Scheduled", "Pulled", "Created", "Started"])
      expect(reasons).toContain(r);
  });

  it("creates daemon pods with node affinity and no nodeName; the scheduler binds them after its delay", async () => {
    const { store } = startCluster(2, 400);
    const conditionOf = (p: KubeObject, type: string) =>
      ((p.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find(
        (c) => c.type === type,
      );
    const pending = await waitFor(
      "2 unbound pods",
      () => {
        const pods = dsPods(store);
        return pods.length === 2 && pods.every((p) => conditionOf(p, "PodScheduled")) ? pods : undefined;
      },
      5000,
      5,
    );
    for (const p of pending) {
      const spec = p.spec as Record<string, unknown>;
      expect(spec.nodeName).toBeUndefined();
      expect(p.status).toMatchObject({ phase: "Pending" });
      expect(conditionOf(p, "PodScheduled")).toMatchObject({
        status: "False",
        reason: "Unschedulable",
        message: expect.stringMatching(/^0\/2 nodes are available: /),
      });
    }
    expect(
      new Set(
        pending.map(
          (p) =>
            (
              p.spec as {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: {
                        matchFields: { key: string; operator: string; values: string[] }[];
                      }[];
                    };
                  };
                };
              }
            ).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]!
              .matchFields[0]!.values[0],
        ),
      ),
    ).toEqual(new Set(["node-1", "node-2"]));
    // The controller counts an unbound pod as its node's: it creates no second one meanwhile.
    expect(dsPods(store)).toHaveLength(2);
    await waitFor(
      "2 ready pods",
      () => (dsPods(store).filter(isReady).length === 2 ? true : undefined),
      5000,
      20,
    );
    for (const p of dsPods(store)) {
      expect(conditionOf(p, "PodScheduled")).toMatchObject({ status: "True" });
      expect((p.spec as { nodeName?: string }).nodeName).toMatch(/^node-[12]$/);
    }
    const reasons = store.list(RESOURCES.events, "kube-system").items.map((e) => e.reason);
    expect(reasons).toContain("FailedScheduling");
    expect(reasons.filter((r) => r === "Scheduled")).toHaveLength(2);
  });

  it("rolls a template change through every node, one at a time, and reports it done", async () => {
    const { store } = startCluster(3);
    await waitFor(
      "3 ready pods",
      () => (dsPods(store).filter(isReady).length === 3 ? true : undefined),
      5000,
      20,
    );
    const before = new Set(dsPods(store).map((p) => p.metadata.name));
    let maxDown = 0;
    const unwatch = store.watch(RESOURCES.pods, "kube-system", store.resourceVersion(), {}, () => {
      const live = dsPods(store).filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length;
      maxDown = Math.max(maxDown, 3 - live);
    });
    store.mutate(RESOURCES.daemonsets, "kube-system", "node-local-dns", (ds) => {
      const t = (ds.spec as { template: { metadata: { annotations: Record<string, string> } } }).template;
      t.metadata.annotations["kubectl.kubernetes.io/restartedAt"] = new Date().toISOString();
    });
    await waitFor(
      "rollout done",
      () => {
        const ds = store.get(RESOURCES.daemonsets, "kube-system", "node-local-dns")!;
        const s = ds.status as Record<string, number>;
        const pods = dsPods(store);
        return s.observedGeneration === ds.metadata.generation &&
          s.updatedNumberScheduled === 3 &&
          s.numberAvailable === 3 &&
          pods.length === 3
          ? true
          : undefined;
      },
      10_000,
      20,
    );
    unwatch();
    const after = dsPods(store).map((p) => p.metadata.name);
    expect(after.filter((n) => before.has(n))).toEqual([]);
    expect(maxDown).toBeLessThanOrEqual(1);
    expect(
      store.list(RESOURCES.events, "kube-system").items.some((e) => e.reason === "SuccessfulDelete"),
    ).toBe(true);
    const revisions = store
      .list(RESOURCES.controllerrevisions, "kube-system")
      .items.map((cr) => cr.revision)
      .sort();
    expect(revisions).toEqual([1, 2]);
  });

  it("restarts a container that exits with CrashLoopBackOff and keeps the previous log", async () => {
    const { store, kubelets } = startCluster(1);
    await waitFor("ready", () => (dsPods(store).filter(isReady).length === 1 ? true : undefined), 5000, 20);
    store.mutate(RESOURCES.configmaps, "kube-system", "node-local-dns", (cm) => {
      (cm.data as Record<string, string>).Corefile += "\nbad.:53 {\n    cache -5\n}\n";
    });
    // A ConfigMap edit reaches running pods as a reload, not a restart; the restart picks the bad file up.
    store.mutate(RESOURCES.daemonsets, "kube-system", "node-local-dns", (ds) => {
      (
        ds.spec as { template: { metadata: { annotations: Record<string, string> } } }
      ).template.metadata.annotations.x = "1";
    });
    // The first exit is restarted at once; the second one enters CrashLoopBackOff.
    const crashing = await waitFor(
      "CrashLoopBackOff",
      () =>
        dsPods(store).find((p) => {
          const cs = (
            p.status as {
              containerStatuses?: { restartCount: number; state: { waiting?: { reason: string } } }[];
            }
          ).containerStatuses?.[0];
          return (cs?.restartCount ?? 0) >= 1 && cs?.state.waiting?.reason === "CrashLoopBackOff";
        }),
      5000,
      20,
    );
    const cs = (crashing.status as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0]!;
    expect(cs.ready).toBe(false);
    expect((cs.lastState as { terminated: { exitCode: number } }).terminated.exitCode).toBe(1);
    const logs = kubelets[0]!.worker("kube-system", crashing.metadata.name)!.logs();
    expect(logs.previous?.entries().some((e) => e.text.includes("cache TTL"))).toBe(true);
    expect(
      store
        .list(RESOURCES.events, "kube-system")
        .items.some((e) => e.reason === "BackOff" && e.type === "Warning"),
    ).toBe(true);
  });

  it("hands a ConfigMap change to running pods after the kubelet sync delay", async () => {
    const { store, runtimes } = startCluster(2);
    await waitFor("ready", () => (dsPods(store).filter(isReady).length === 2 ? true : undefined), 5000, 20);
    store.mutate(RESOURCES.configmaps, "kube-system", "node-local-dns", (cm) => {
      (cm.data as Record<string, string>).Corefile = (cm.data as Record<string, string>).Corefile!.replace(
        "cache 30",
        "cache 60",
      );
    });
    await waitFor(
      "both reloaded",
      () => (runtimes.filter((r) => r.corefiles.length === 2).length === 2 ? true : undefined),
      5000,
      20,
    );
    expect(runtimes[0]!.corefiles[1]).toContain("cache 60");
  });
});
