/**
 * The DaemonSet controller: watches DaemonSets, their pods and the nodes, and after every change
 * creates/deletes pods and writes status as planned by daemonset-controller-plan.ts, keeping a
 * ControllerRevision per template (daemonset-controller-history.ts).
 * Deleting a pod is graceful (deletionTimestamp), exactly like `DELETE pods/x`: the kubelet stops the
 * container and removes the object.
 */
import { RESOURCES, StoreError, type ObjectStore } from "./store";
import type { KubeObject, OwnerReference } from "./types";
import { createEventRecorder, type EventRecorder } from "../objects/events";
import { syncHistory } from "./daemonset-controller-history";
import { targetNodeOf } from "./binding";
import {
  daemonSetStatus,
  planDaemonSet,
  resolveMaxUnavailable,
  templateHash,
  type DaemonPodView,
} from "./daemonset-controller-plan";
import { isObj, type Json } from "./json";

export interface DaemonSetControllerOptions {
  store: ObjectStore;
  /** Called to delete a pod gracefully (the same path as the API's DELETE). */
  deletePod: (namespace: string, name: string) => void;
}

/** Tolerations the real controller adds to every daemon pod (pkg/controller/daemon/util). */
const DAEMON_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" },
];

function controllerOf(pod: KubeObject): OwnerReference | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller);
}

function podView(pod: KubeObject): DaemonPodView {
  const status = isObj(pod.status) ? pod.status : {};
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
  return {
    name: pod.metadata.name,
    // Bound or not: the node its affinity names counts (GetTargetNodeName), so a pod waiting for the
    // scheduler is not replaced.
    nodeName: targetNodeOf(pod) ?? "",
    hash: pod.metadata.labels?.["controller-revision-hash"],
    terminating: Boolean(pod.metadata.deletionTimestamp),
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    failed: status.phase === "Failed",
    creationTimestamp: pod.metadata.creationTimestamp ?? "",
  };
}

/** A new daemon pod for `node` from the DaemonSet's template. */
export function daemonPod(ds: KubeObject, node: string, hash: string): KubeObject {
  const spec = isObj(ds.spec) ? ds.spec : {};
  const template = isObj(spec.template) ? spec.template : {};
  const tmeta = (isObj(template.metadata) ? template.metadata : {}) as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  const podSpec = structuredClone(isObj(template.spec) ? template.spec : {});
  const tolerations = Array.isArray(podSpec.tolerations) ? (podSpec.tolerations as Json[]) : [];
  const extra = DAEMON_TOLERATIONS.filter(
    (t) => !tolerations.some((x) => x.key === t.key && x.effect === t.effect),
  );
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "",
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: {
        ...tmeta.labels,
        "controller-revision-hash": hash,
        "pod-template-generation": String(ds.metadata.generation ?? 1),
      },
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: ds.metadata.name,
          uid: ds.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      ...podSpec,
      // As the real controller (ScheduleDaemonSetPods, GA in 1.17): node affinity only, no nodeName;
      // the scheduler (scheduler.ts) binds it.
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
          },
        },
      },
      tolerations: [...tolerations, ...extra],
    },
  };
}

export class DaemonSetController {
  private unwatch: (() => void)[] = [];
  private scheduled: NodeJS.Immediate | true | undefined;
  private delayed: NodeJS.Timeout | undefined;
  /** How long the last sync took (ms). */
  private lastSyncMs = 0;
  private readonly events: EventRecorder;

  constructor(private readonly opts: DaemonSetControllerOptions) {
    this.events = createEventRecorder(opts.store, { component: "daemonset-controller" });
  }

  start(): void {
    const { store } = this.opts;
    const rv = store.resourceVersion();
    const poke = () => this.schedule();
    this.unwatch = [
      // Pokes only: the events' objects are not read, so they need not be copied.
      store.watch(RESOURCES.daemonsets, undefined, rv, {}, poke, { shared: true }),
      store.watch(RESOURCES.pods, undefined, rv, {}, poke, { shared: true }),
      store.watch(RESOURCES.nodes, undefined, rv, {}, poke, { shared: true }),
    ];
    this.schedule();
  }

  stop(): void {
    for (const u of this.unwatch) u();
    this.unwatch = [];
    if (this.scheduled && this.scheduled !== true) clearImmediate(this.scheduled);
    if (this.delayed) clearTimeout(this.delayed);
    this.scheduled = undefined;
    this.delayed = undefined;
  }

  /**
   * Coalesces a burst of watch events into one sync. A sync lists every node and pod; when one takes
   * long (thousands of nodes), the next waits three times as long, so syncing stays under a quarter
   * of the process while thousands of pods start and report.
   */
  private schedule(): void {
    if (this.scheduled || this.unwatch.length === 0) return;
    const run = () => {
      this.scheduled = undefined;
      this.delayed = undefined;
      const started = performance.now();
      this.syncAll();
      this.lastSyncMs = performance.now() - started;
    };
    if (this.lastSyncMs > 5) {
      this.scheduled = true;
      this.delayed = setTimeout(run, this.lastSyncMs * 3);
    } else this.scheduled = setImmediate(run);
  }

  syncAll(): void {
    for (const ds of this.opts.store.list(RESOURCES.daemonsets, undefined).items) {
      if (ds.metadata.deletionTimestamp) continue;
      this.sync(ds);
    }
  }

  private sync(ds: KubeObject): void {
    const { store } = this.opts;
    const spec = isObj(ds.spec) ? ds.spec : {};
    const strategy = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
    const rolling = isObj(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    const namespace = ds.metadata.namespace;
    // peek, not list: read-only, and copying every pod each sync is quadratic in the nodes.
    const nodes = store
      .peek(RESOURCES.nodes, undefined)
      .filter((n) => !n.metadata.deletionTimestamp)
      .map((n) => n.metadata.name)
      .sort();
    const owned = this.owned(ds);
    const status = isObj(ds.status) ? ds.status : {};
    const hash = templateHash(
      spec.template,
      typeof status.collisionCount === "number" ? status.collisionCount : 0,
    );
    const views = owned.map(podView);
    syncHistory(store, ds, hash, new Set(views.map((v) => v.hash ?? "")));
    const plan = planDaemonSet({
      nodes,
      pods: views,
      hash,
      maxUnavailable: resolveMaxUnavailable(
        rolling.maxUnavailable as number | string | undefined,
        nodes.length,
      ),
      rollingUpdate: (strategy.type ?? "RollingUpdate") === "RollingUpdate",
    });
    for (const node of plan.create) this.createPod(ds, node, hash);
    for (const name of plan.delete) {
      const pod = owned.find((p) => p.metadata.name === name);
      try {
        this.opts.deletePod(namespace ?? "default", name);
        if (pod) this.events.record(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
      } catch (err) {
        if (!(err instanceof StoreError) || err.status !== 404) throw err;
      }
    }
    const after = this.owned(ds);
    const next = daemonSetStatus({
      nodes,
      pods: after.map(podView),
      hash,
      generation: ds.metadata.generation ?? 1,
    });
    try {
      store.mutate(
        RESOURCES.daemonsets,
        namespace,
        ds.metadata.name,
        (o) => {
          const prev = isObj(o.status) ? o.status : {};
          o.status = {
            ...next,
            ...(prev.collisionCount !== undefined ? { collisionCount: prev.collisionCount } : {}),
            ...(prev.conditions ? { conditions: prev.conditions } : {}),
          };
        },
        { subresource: "status" },
      );
    } catch (err) {
      if (!(err instanceof StoreError) || err.status !== 404) throw err;
    }
  }

  /** The DaemonSet's pods in name order, as the store holds them (read only). */
  private owned(ds: KubeObject): KubeObject[] {
    return this.opts.store
      .peek(RESOURCES.pods, ds.metadata.namespace)
      .filter((p) => controllerOf(p as KubeObject)?.uid === ds.metadata.uid)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
      .map((p) => p as KubeObject);
  }

  private createPod(ds: KubeObject, node: string, hash: string): void {
    try {
      const pod = this.opts.store.create(RESOURCES.pods, daemonPod(ds, node, hash));
      this.events.record(ds, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`);
    } catch (err) {
      this.events.record(
        ds,
        "Warning",
        "FailedCreate",
        `Error creating: ${err instanceof Error ? err.message : String(err)}`,
      );
      if (!(err instanceof StoreError)) throw err;
    }
  }
}
