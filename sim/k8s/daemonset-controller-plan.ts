/**
 * The DaemonSet controller's decisions as pure functions, following kube-controller-manager's
 * daemon controller (pkg/controller/daemon: `manage`, `rollingUpdate`, `updateDaemonSetStatus`) for
 * the case node-local-dns uses: every node runs a pod (its tolerations cover all taints), RollingUpdate
 * with maxSurge 0, minReadySeconds 0.
 */
/** What the controller needs to know about one of its pods. */
export interface DaemonPodView {
  name: string;
  nodeName: string;
  /** `controller-revision-hash` label. */
  hash: string | undefined;
  /** metadata.deletionTimestamp is set: the kubelet is stopping it. */
  terminating: boolean;
  /** The Ready condition is True (available, since minReadySeconds is 0). */
  ready: boolean;
  /** status.phase Failed: the controller deletes such pods. */
  failed: boolean;
  creationTimestamp: string;
}

/** Creates (node names) and deletes (pod names) for one sync. */
export interface DaemonSetPlan {
  create: string[];
  delete: string[];
}

/** The status block a DaemonSet reports (apps/v1 DaemonSetStatus). */
export interface DaemonSetStatus {
  currentNumberScheduled: number;
  desiredNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  numberAvailable: number;
  numberUnavailable?: number;
  updatedNumberScheduled: number;
  observedGeneration: number;
  collisionCount?: number;
}

const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** 32-bit FNV-1a, the hash client-go's ComputeHash uses. */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * `controller-revision-hash` of a pod template: FNV-32a over the template (key order independent),
 * printed with client-go's SafeEncodeString so it looks like a real one (`6c7f9d5b4c`).
 */
export function templateHash(template: unknown, collisionCount = 0): string {
  const digest = fnv32a(JSON.stringify(canonical(template)) + (collisionCount ? `#${collisionCount}` : ""));
  return [...String(digest)].map((ch) => SAFE_ALPHANUMS[ch.charCodeAt(0) % SAFE_ALPHANUMS.length]).join("");
}

/**
 * maxUnavailable as an absolute number of nodes: an int, or a percentage of the desired count rounded
 * UP (intstr.GetScaledValueFromIntOrPercent with roundUp=true); at least 1 since maxSurge is 0.
 */
export function resolveMaxUnavailable(value: number | string | undefined, desired: number): number {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^\d+%$/.test(value))
    n = Math.ceil((Number(value.slice(0, -1)) * desired) / 100);
  else if (typeof value === "string" && /^\d+$/.test(value)) n = Number(value);
  else n = 1;
  return Math.max(1, n);
}

/** Pods ordered as the controller orders them on a node: oldest first, then by name. */
function byAge(a: DaemonPodView, b: DaemonPodView): number {
  if (a.creationTimestamp !== b.creationTimestamp) return a.creationTimestamp < b.creationTimestamp ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function podsByNode(pods: readonly DaemonPodView[]): Map<string, DaemonPodView[]> {
  const map = new Map<string, DaemonPodView[]>();
  for (const p of pods) map.set(p.nodeName, [...(map.get(p.nodeName) ?? []), p]);
  for (const list of map.values()) list.sort(byAge);
  return map;
}

/** `manage`: one live pod per node, none on nodes that are gone, failed pods replaced. */
function manage(nodes: readonly string[], byNode: Map<string, DaemonPodView[]>): DaemonSetPlan {
  const plan: DaemonSetPlan = { create: [], delete: [] };
  const nodeSet = new Set(nodes);
  for (const node of nodes) {
    const live = (byNode.get(node) ?? []).filter((p) => !p.terminating);
    const failed = live.filter((p) => p.failed);
    plan.delete.push(...failed.map((p) => p.name));
    const running = live.filter((p) => !p.failed);
    if (running.length === 0) plan.create.push(node);
    // More than one: keep the oldest, as the real controller does.
    else plan.delete.push(...running.slice(1).map((p) => p.name));
  }
  for (const [node, pods] of byNode) {
    if (!nodeSet.has(node)) plan.delete.push(...pods.filter((p) => !p.terminating).map((p) => p.name));
  }
  return plan;
}

/**
 * `rollingUpdate` with maxSurge 0: old pods that are already unavailable may always go; available
 * ones only while fewer than maxUnavailable nodes are unavailable.
 */
function rollingUpdate(
  nodes: readonly string[],
  byNode: Map<string, DaemonPodView[]>,
  hash: string,
  maxUnavailable: number,
): string[] {
  let numUnavailable = 0;
  const oldAvailable: DaemonPodView[] = [];
  const deletes: string[] = [];
  for (const node of [...nodes].sort()) {
    const live = (byNode.get(node) ?? []).filter((p) => !p.terminating);
    const newPod = live.find((p) => p.hash === hash);
    const oldPod = live.find((p) => p.hash !== hash);
    if (live.length > 1 || (!newPod && !oldPod)) {
      // manage() is creating or deleting here: count the node as unavailable.
      numUnavailable++;
    } else if (newPod) {
      if (!newPod.ready) numUnavailable++;
    } else if (oldPod) {
      if (oldPod.ready) oldAvailable.push(oldPod);
      else {
        numUnavailable++;
        deletes.push(oldPod.name);
      }
    }
  }
  for (const pod of oldAvailable) {
    if (numUnavailable >= maxUnavailable) break;
    numUnavailable++;
    deletes.push(pod.name);
  }
  return deletes;
}

/** One sync's decisions: what manage() and then rollingUpdate() would do given the current state. */
export function planDaemonSet(opts: {
  nodes: readonly string[];
  pods: readonly DaemonPodView[];
  hash: string;
  maxUnavailable: number;
  rollingUpdate: boolean;
}): DaemonSetPlan {
  const byNode = podsByNode(opts.pods);
  const plan = manage(opts.nodes, byNode);
  if (opts.rollingUpdate && plan.create.length === 0 && plan.delete.length === 0) {
    plan.delete.push(...rollingUpdate(opts.nodes, byNode, opts.hash, opts.maxUnavailable));
  }
  return plan;
}

/** `updateDaemonSetStatus`: counts over the first pod (oldest) on each node. */
export function daemonSetStatus(opts: {
  nodes: readonly string[];
  pods: readonly DaemonPodView[];
  hash: string;
  generation: number;
}): DaemonSetStatus {
  const byNode = podsByNode(opts.pods);
  const nodeSet = new Set(opts.nodes);
  let current = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  let misscheduled = 0;
  for (const node of opts.nodes) {
    const first = byNode.get(node)?.[0];
    if (!first) continue;
    current++;
    if (first.ready) {
      ready++;
      available++;
    }
    if (first.hash === opts.hash) updated++;
  }
  for (const [node, pods] of byNode) if (!nodeSet.has(node) && pods.length > 0) misscheduled++;
  const desired = opts.nodes.length;
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    desiredNumberScheduled: desired,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: available,
    updatedNumberScheduled: updated,
    observedGeneration: opts.generation,
  };
  // The real status omits numberUnavailable when it is 0 (omitempty).
  if (desired - available > 0) status.numberUnavailable = desired - available;
  return status;
}
