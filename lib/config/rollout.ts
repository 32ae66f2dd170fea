/**
 * Rollout progress of the node-local-dns DaemonSet: the overall line exactly as `kubectl rollout
 * status` computes it, and per node which pod is old or new and whether a new one is failing, so the
 * UI can offer rollback instead of waiting forever on a crash loop.
 */

/** What rollout status needs of a DaemonSet (lib/k8s's DaemonSetSummary plus the strategy fits). */
export interface RolloutDaemonSet {
  name: string;
  /** metadata.generation (0 when absent, as Go reads it). */
  generation: number;
  /** status.observedGeneration. */
  observedGeneration: number;
  /** status.desiredNumberScheduled. */
  desired: number;
  /** status.updatedNumberScheduled. */
  updated: number;
  /** status.numberAvailable. */
  available: number;
  /** status.numberReady. */
  ready: number;
  /** spec.updateStrategy.type; the API server defaults it to "RollingUpdate". */
  updateStrategy?: "RollingUpdate" | "OnDelete" | string;
}

/** The overall state, with kubectl's own message. */
export interface RolloutStatus {
  /** True when kubectl would stop waiting (rolled out, or the strategy cannot be watched). */
  done: boolean;
  /**
   * kubectl's line without its trailing newline, e.g.
   * `Waiting for daemon set "node-local-dns" rollout to finish: 2 out of 5 new pods have been updated...`.
   * For OnDelete it is kubectl's error text (printed after "error: ").
   */
  message: string;
  phase: "observing" | "updating" | "becoming-available" | "complete" | "unsupported";
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

/** Go's %q for a Kubernetes name (DNS-1123, so plain ASCII: JSON quoting is the same). */
const q = (s: string) => JSON.stringify(s);

/**
 * kubectl's DaemonSetStatusViewer (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go): only
 * RollingUpdate can be watched; until the controller has observed the newest generation its counts
 * are stale; then every desired pod must be updated, then available.
 */
export function rolloutStatus(ds: RolloutDaemonSet): RolloutStatus {
  const counts = { desired: ds.desired, updated: ds.updated, ready: ds.ready, available: ds.available };
  const strategy = ds.updateStrategy ?? "RollingUpdate";
  if (strategy !== "RollingUpdate") {
    return {
      done: true,
      phase: "unsupported",
      message: "rollout status is only available for RollingUpdate strategy type",
      ...counts,
    };
  }
  if (ds.generation > ds.observedGeneration) {
    return {
      done: false,
      phase: "observing",
      message: "Waiting for daemon set spec update to be observed...",
      ...counts,
    };
  }
  if (ds.updated < ds.desired) {
    return {
      done: false,
      phase: "updating",
      message: `Waiting for daemon set ${q(ds.name)} rollout to finish: ${ds.updated} out of ${ds.desired} new pods have been updated...`,
      ...counts,
    };
  }
  if (ds.available < ds.desired) {
    return {
      done: false,
      phase: "becoming-available",
      message: `Waiting for daemon set ${q(ds.name)} rollout to finish: ${ds.available} of ${ds.desired} updated pods are available...`,
      ...counts,
    };
  }
  return {
    done: true,
    phase: "complete",
    message: `daemon set ${q(ds.name)} successfully rolled out`,
    ...counts,
  };
}

/** What the per-node view needs of a pod; lib/k8s's CachePod has all of it. */
export interface RolloutPod {
  name: string;
  /** The node the pod is for, bound or (while the scheduler has not bound it) named by its node affinity. */
  nodeName: string | null;
  /** Bound to its node (spec.nodeName set); absent means bound. */
  scheduled?: boolean;
  /** ISO time the pod object was created. */
  createdAt: string | null;
  /** deletionTimestamp is set: the old pod on its way out. */
  deleting: boolean;
  ready: boolean;
  restarts: number;
  /** The pod's label `controller-revision-hash`: which DaemonSet revision made it. */
  templateHash: string | null;
  /** As `kubectl get pods` shows it: Running, ContainerCreating, CrashLoopBackOff, Error, Terminating... */
  status: string;
}

/** Whether a node's new pod has failed, and why. */
export type RolloutFailure = { failed: false } | { failed: true; reason: string };

/** One node during a rollout. */
export interface NodeRolloutState {
  node: string;
  /** The pod that stands for the node: the new one once it exists, else the old one. */
  pod: string;
  revision: "new" | "old";
  ready: boolean;
  restarts: number;
  /** Why the container is not running (ContainerCreating, CrashLoopBackOff, Error...), or null. */
  waitingReason: string | null;
  /** Other pods of the DaemonSet on the node, e.g. the old one still terminating. */
  otherPods: string[];
  /** The pod is created for this node but the scheduler has not bound it yet. */
  scheduling: boolean;
  failure: RolloutFailure;
}

/** Options of `podRolloutStates`. */
export interface RolloutPodOptions {
  /** A new pod not ready this long after creation counts as failed (default 120 s). */
  readyDeadlineSeconds?: number;
  /** Restarts of a new pod that count as a crash loop (default 2). */
  maxRestarts?: number;
}

/** Statuses that mean the container is running or on its way normally, not a waiting reason. */
const NOT_A_REASON = new Set([
  "Running",
  "Pending",
  "Succeeded",
  "Unknown",
  "Terminating",
  "Completed",
  "Scheduling",
]);

/**
 * Waiting reasons that do not fix themselves: the pod will not become ready without a change
 * (a crash loop from a Corefile CoreDNS refuses, a bad image, a bad container config).
 */
const FAILED_REASONS = new Set([
  "CrashLoopBackOff",
  "Error",
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
  "OOMKilled",
]);

function failureOf(pod: RolloutPod, now: Date, deadlineS: number, maxRestarts: number): RolloutFailure {
  if (FAILED_REASONS.has(pod.status)) {
    return {
      failed: true,
      reason: `pod ${pod.name} is ${pod.status}${pod.restarts > 0 ? ` after ${pod.restarts} restart${pod.restarts === 1 ? "" : "s"}` : ""}`,
    };
  }
  if (pod.restarts >= maxRestarts) {
    return {
      failed: true,
      reason: `pod ${pod.name} has restarted ${pod.restarts} times: it is crash-looping`,
    };
  }
  if (!pod.ready && pod.createdAt) {
    const ageS = (now.getTime() - Date.parse(pod.createdAt)) / 1000;
    if (ageS >= deadlineS) {
      return {
        failed: true,
        reason: `pod ${pod.name} is not ready ${Math.floor(ageS)} s after it was created (deadline ${deadlineS} s)`,
      };
    }
  }
  return { failed: false };
}

/** Prefer the pod not being deleted, then the newest: the one the node will keep. */
function representative(pods: RolloutPod[], hash: string): RolloutPod {
  return [...pods].sort((a, b) => {
    if (a.deleting !== b.deleting) return a.deleting ? 1 : -1;
    const aNew = a.templateHash === hash;
    if (aNew !== (b.templateHash === hash)) return aNew ? -1 : 1;
    return (b.createdAt ?? "").localeCompare(a.createdAt ?? "");
  })[0] as RolloutPod;
}

/**
 * Per node, sorted by node name: which revision runs there, its readiness and restarts, and whether
 * a new pod has failed (a crash loop, a reason that will not fix itself, or not ready within the
 * deadline). Old pods are never "failed" here: they are not the rollout's doing. A pod the scheduler
 * has not bound yet is listed under the node its affinity names, `scheduling`; one that names no node
 * under "(unscheduled)".
 */
export function podRolloutStates(
  pods: readonly RolloutPod[],
  currentTemplateHash: string,
  now: Date,
  opts: RolloutPodOptions = {},
): NodeRolloutState[] {
  const deadline = opts.readyDeadlineSeconds ?? 120;
  const maxRestarts = opts.maxRestarts ?? 2;
  const byNode = new Map<string, RolloutPod[]>();
  for (const p of pods) {
    const node = p.nodeName ?? "(unscheduled)";
    byNode.set(node, [...(byNode.get(node) ?? []), p]);
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, list]) => {
      const pod = representative(list, currentTemplateHash);
      const revision = pod.templateHash === currentTemplateHash ? "new" : "old";
      return {
        node,
        pod: pod.name,
        revision,
        ready: pod.ready,
        restarts: pod.restarts,
        waitingReason: NOT_A_REASON.has(pod.status) ? null : pod.status,
        otherPods: list.filter((p) => p !== pod).map((p) => p.name),
        scheduling: pod.scheduled === false && !pod.deleting,
        failure: revision === "new" ? failureOf(pod, now, deadline, maxRestarts) : { failed: false },
      };
    });
}

/** The first failed node, for "the rollout is failing: roll back?"; null when none has failed. */
export function firstRolloutFailure(
  states: readonly NodeRolloutState[],
): { node: string; reason: string } | null {
  for (const s of states) if (s.failure.failed) return { node: s.node, reason: s.failure.reason };
  return null;
}
