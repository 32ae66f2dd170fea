/**
 * The default scheduler, for the pods the simulation has: every pod of `schedulerName:
 * default-scheduler` without spec.nodeName is bound (binding.ts, the same write as
 * `POST pods/<name>/binding`) to the node its required node affinity names — the DaemonSet
 * controller's `matchFields: metadata.name In [node]` — once `delayMs` has passed.
 *
 * While it waits the pod is Pending with PodScheduled=False, reason Unschedulable, as the real
 * scheduler reports a pod it could not place yet (a node still holding the old pod's host ports is the
 * usual cause during a DaemonSet rollout); with no delay it is bound on the next turn of the event
 * loop, as fast as a real scheduler in practice.
 */
import { formatTime, RESOURCES, StoreError, type ObjectStore } from "./store";
import type { KubeObject } from "./types";
import { createEventRecorder, type EventRecorder } from "../objects/events";
import { bindPod, isBound, setPodCondition, targetNodeOf } from "./binding";

export interface SchedulerOptions {
  store: ObjectStore;
  /** How long a new pod waits before it is bound (ms). 0: at once. */
  delayMs: number;
}

type Json = Record<string, unknown>;

function key(pod: Pick<KubeObject, "metadata">): string {
  return `${pod.metadata.namespace ?? ""}/${pod.metadata.name}`;
}

function wantsDefaultScheduler(pod: Readonly<KubeObject>): boolean {
  const name = (pod.spec as { schedulerName?: unknown } | undefined)?.schedulerName;
  return name === undefined || name === "default-scheduler";
}

export class Scheduler {
  private unwatch: (() => void) | undefined;
  /** Pods waiting to be bound, by namespace/name. */
  private readonly waiting = new Map<string, NodeJS.Timeout | NodeJS.Immediate>();
  private readonly events: EventRecorder;

  constructor(private readonly opts: SchedulerOptions) {
    this.events = createEventRecorder(opts.store, { component: "default-scheduler" });
  }

  start(): void {
    const { store } = this.opts;
    this.unwatch = store.watch(
      RESOURCES.pods,
      undefined,
      undefined,
      {},
      (e) => {
        if (e.type === "DELETED") this.forget(key(e.object));
        else this.consider(e.object);
      },
      { shared: true },
    );
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    for (const t of this.waiting.values()) {
      clearTimeout(t as NodeJS.Timeout);
      clearImmediate(t as NodeJS.Immediate);
    }
    this.waiting.clear();
  }

  private forget(k: string): void {
    const t = this.waiting.get(k);
    if (!t) return;
    clearTimeout(t as NodeJS.Timeout);
    clearImmediate(t as NodeJS.Immediate);
    this.waiting.delete(k);
  }

  private consider(pod: Readonly<KubeObject>): void {
    const k = key(pod);
    if (isBound(pod) || pod.metadata.deletionTimestamp || !wantsDefaultScheduler(pod)) {
      this.forget(k);
      return;
    }
    if (this.waiting.has(k)) return;
    const namespace = pod.metadata.namespace ?? "default";
    const name = pod.metadata.name;
    const { delayMs } = this.opts;
    if (delayMs <= 0) {
      this.waiting.set(
        k,
        setImmediate(() => this.bind(namespace, name)),
      );
      return;
    }
    this.waiting.set(
      k,
      setTimeout(() => this.bind(namespace, name), delayMs),
    );
    // Recorded after the timer is set: the status write below comes back through the watch.
    this.reportUnschedulable(namespace, name);
  }

  /** Whether `name` is a node that can take pods (one lookup: a bind per pod must not list every node). */
  private nodeExists(name: string): boolean {
    const node = this.opts.store.get(RESOURCES.nodes, undefined, name);
    return node !== undefined && !node.metadata.deletionTimestamp;
  }

  /** The first node by name, for a pod whose affinity names none. */
  private anyNode(): string | undefined {
    const names = this.opts.store
      .peek(RESOURCES.nodes, undefined)
      .filter((n) => !n.metadata.deletionTimestamp)
      .map((n) => n.metadata.name)
      .sort();
    return names[0];
  }

  /** The message of a real FailedScheduling for a daemon pod whose node cannot take it yet. */
  private unschedulableMessage(): string {
    const total = this.opts.store.peek(RESOURCES.nodes, undefined).length;
    const others = Math.max(0, total - 1);
    const parts = ["1 node(s) didn't have free ports for the requested pod ports"];
    if (others) parts.push(`${others} node(s) didn't match Pod's node affinity/selector`);
    const preemption = [`1 No preemption victims found for incoming pod`];
    if (others) preemption.push(`${others} Preemption is not helpful for scheduling`);
    return `0/${total} nodes are available: ${parts.join(", ")}. preemption: 0/${total} nodes are available: ${preemption.join(", ")}.`;
  }

  private reportUnschedulable(namespace: string, name: string): void {
    const { store } = this.opts;
    const message = this.unschedulableMessage();
    try {
      const pod = store.mutate(
        RESOURCES.pods,
        namespace,
        name,
        (o) => {
          const status = (o.status ?? {}) as Json;
          setPodCondition(status, {
            type: "PodScheduled",
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: formatTime(store.clock()),
            reason: "Unschedulable",
            message,
          });
          o.status = status;
        },
        { subresource: "status" },
      );
      this.events.record(pod, "Warning", "FailedScheduling", message);
    } catch (err) {
      if (!(err instanceof StoreError) || err.status !== 404) throw err;
    }
  }

  private bind(namespace: string, name: string): void {
    const k = `${namespace}/${name}`;
    this.waiting.delete(k);
    const { store } = this.opts;
    const pod = store.get(RESOURCES.pods, namespace, name);
    if (!pod || isBound(pod) || pod.metadata.deletionTimestamp) return;
    const target = targetNodeOf(pod) ?? this.anyNode();
    if (!target || !this.nodeExists(target)) {
      // Nowhere to go (its node is gone): it stays Pending, as with a real scheduler.
      return;
    }
    try {
      const bound = bindPod(store, namespace, name, target);
      this.events.record(
        bound,
        "Normal",
        "Scheduled",
        `Successfully assigned ${namespace}/${name} to ${target}`,
      );
    } catch (err) {
      // Deleted or bound by someone else meanwhile: nothing to do.
      if (!(err instanceof StoreError)) throw err;
    }
  }
}
