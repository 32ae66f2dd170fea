import type {
  CoreV1Event,
  V1ContainerStatus,
  V1DaemonSet,
  V1Node,
  V1NodeCondition,
  V1Pod,
} from "@kubernetes/client-node";
import { parseMemoryBytes } from "@/lib/config/quantity";
import type {
  CachePod,
  ClusterNode,
  DaemonSetSummary,
  NodeCacheLayout,
  NodeCondition,
  PodEvent,
} from "./types";

export function reshapeNode(node: V1Node): ClusterNode {
  const conditions = node.status?.conditions ?? [];
  return {
    name: node.metadata?.name ?? "",
    internalIP: node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? null,
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    unschedulable: node.spec?.unschedulable === true,
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? "",
    conditions: conditions.map(reshapeNodeCondition),
  };
}

const toIso = (d: Date | string | undefined | null): string | null => {
  if (!d) return null;
  const t = new Date(d);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
};

export function reshapeNodeCondition(c: V1NodeCondition): NodeCondition {
  const status = c.status || "Unknown";
  return {
    type: c.type,
    status,
    reason: c.reason || null,
    message: c.message || null,
    since: toIso(c.lastTransitionTime),
    // Ready is the one condition that is healthy when True; the pressures, NetworkUnavailable and
    // node-problem-detector's conditions (KernelDeadlock, ReadonlyFilesystem…) are healthy when False.
    nominal: c.type === "Ready" ? status === "True" : status === "False",
  };
}

/**
 * The conditions worth a mark in the node list: every one that is not nominal, except Ready, which the
 * list shows on its own (NodeRow.nodeReady).
 */
export function conditionAlerts(conditions: readonly NodeCondition[]): string[] {
  return conditions.filter((c) => !c.nominal && c.type !== "Ready").map((c) => `${c.type}=${c.status}`);
}

/**
 * One Event as the node page shows it. Events written through events.k8s.io/v1 and read as core v1
 * carry eventTime and series (count, lastObservedTime) instead of firstTimestamp, lastTimestamp and
 * count; either form gives the same PodEvent.
 */
export function reshapeEvent(e: CoreV1Event): PodEvent {
  const created = e.metadata?.creationTimestamp;
  const first = toIso(e.firstTimestamp) ?? toIso(e.eventTime) ?? toIso(created);
  const last = toIso(e.series?.lastObservedTime) ?? toIso(e.lastTimestamp) ?? toIso(e.eventTime) ?? first;
  const component = e.source?.component || e.reportingComponent || "";
  const host = e.source?.host || e.reportingInstance || "";
  return {
    type: e.type || "Normal",
    reason: e.reason ?? "",
    message: e.message ?? "",
    count: Math.max(1, e.series?.count ?? e.count ?? 1),
    firstSeen: first,
    lastSeen: last,
    source: component ? (host && host !== component ? `${component} ${host}` : component) : null,
  };
}

/** Newest first by last seen (then first seen); Events with no time at all last. At most `limit`. */
export function newestEventsFirst(events: readonly PodEvent[], limit = 50): PodEvent[] {
  const key = (e: PodEvent) => e.lastSeen ?? e.firstSeen ?? "";
  return [...events]
    .sort((a, b) => key(b).localeCompare(key(a)) || (b.firstSeen ?? "").localeCompare(a.firstSeen ?? ""))
    .slice(0, limit);
}

/**
 * `corefileMetricsPort` is the port of the Corefile's `prometheus` directive when it names one
 * (lib/corefile/metrics-port.ts): that is where CoreDNS binds. Otherwise (`__PROMETHEUS__ENDPOINT__`,
 * or no Corefile read yet) node-cache's -prometheus-listen-address, which it substitutes for that
 * placeholder; then the container port named `metrics`, which only declares it; then the setting.
 */
export function reshapePod(
  pod: V1Pod,
  container: string,
  defaultMetricsPort: number,
  corefileMetricsPort: number | null = null,
): CachePod {
  const spec = pod.spec?.containers?.find((c) => c.name === container) ?? pod.spec?.containers?.[0];
  const statusOf = pod.status?.containerStatuses?.find((c) => c.name === (spec?.name ?? container));
  const metricsPort =
    corefileMetricsPort ??
    prometheusListenPort([...(spec?.command ?? []), ...(spec?.args ?? [])]) ??
    spec?.ports?.find((p) => p.name === "metrics")?.containerPort ??
    defaultMetricsPort;
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  return {
    name: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
    nodeName: podTargetNode(pod),
    scheduled: Boolean(pod.spec?.nodeName),
    podIP: pod.status?.podIP ?? null,
    phase: pod.status?.phase ?? "Unknown",
    ready,
    status: podDisplayStatus(pod, statusOf),
    restarts: statusOf?.restartCount ?? 0,
    startedAt: toIso(statusOf?.state?.running?.startedAt),
    createdAt: toIso(pod.metadata?.creationTimestamp),
    image: spec?.image ?? null,
    metricsPort,
    deleting: Boolean(pod.metadata?.deletionTimestamp),
    templateHash: pod.metadata?.labels?.["controller-revision-hash"] ?? null,
  };
}

/**
 * The port of node-cache's `-prometheus-listen-address` (kubernetes-sigs/node-local-dns after 1.26.8:
 * it replaces `__PROMETHEUS__ENDPOINT__` in the Corefile, default ":9253"), written `-flag=v`,
 * `--flag=v` or `-flag v`; null when the flag is absent or has no numeric port.
 */
export function prometheusListenPort(argv: readonly string[]): number | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const m = /^--?prometheus-listen-address(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const value = m[1] ?? argv[i + 1] ?? "";
    const port = /:(\d{1,5})$/.exec(value)?.[1];
    const n = port === undefined ? NaN : Number(port);
    return n >= 1 && n <= 65535 ? n : null;
  }
  return null;
}

/**
 * The node a pod is for: spec.nodeName once bound, else the one node its required node affinity pins
 * it to with `matchFields: metadata.name In [node]` — how the DaemonSet controller creates pods since
 * ScheduleDaemonSetPods (1.12), leaving the binding to the scheduler (GetTargetNodeName in
 * pkg/controller/daemon/util). Null when neither names a node.
 */
export function podTargetNode(pod: V1Pod): string | null {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1)
        return f.values[0] ?? null;
    }
  }
  return null;
}

/**
 * The STATUS column of `kubectl get pods`, simplified for one container; a pod not yet bound to its
 * node (kubectl: Pending) is "Scheduling".
 */
function podDisplayStatus(pod: V1Pod, status: V1ContainerStatus | undefined): string {
  if (pod.metadata?.deletionTimestamp) return "Terminating";
  if (!pod.spec?.nodeName && (pod.status?.phase ?? "Pending") === "Pending") return "Scheduling";
  const waiting = status?.state?.waiting?.reason;
  if (waiting) return waiting;
  const terminated = status?.state?.terminated?.reason;
  if (terminated) return terminated;
  return pod.status?.phase ?? "Unknown";
}

export function reshapeDaemonSet(ds: V1DaemonSet, container: string): DaemonSetSummary {
  const s = ds.status;
  const spec = ds.spec?.template?.spec?.containers?.find((c) => c.name === container);
  return {
    name: ds.metadata?.name ?? "",
    namespace: ds.metadata?.namespace ?? "",
    generation: ds.metadata?.generation ?? 0,
    observedGeneration: s?.observedGeneration ?? 0,
    desired: s?.desiredNumberScheduled ?? 0,
    current: s?.currentNumberScheduled ?? 0,
    ready: s?.numberReady ?? 0,
    updated: s?.updatedNumberScheduled ?? 0,
    available: s?.numberAvailable ?? 0,
    unavailable: s?.numberUnavailable ?? 0,
    image: spec?.image ?? null,
    maxUnavailable: String(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? "1"),
    updateStrategy: ds.spec?.updateStrategy?.type ?? "RollingUpdate",
    memoryLimitBytes: memoryBytesOrNull(spec?.resources?.limits?.["memory"]),
  };
}

/** The DaemonSet's pod network layout: hostNetwork, node-cache's -localip, the template's labels. */
export function reshapeCacheLayout(ds: V1DaemonSet, container: string): NodeCacheLayout {
  const podSpec = ds.spec?.template?.spec;
  const c = podSpec?.containers?.find((x) => x.name === container) ?? podSpec?.containers?.[0];
  return {
    namespace: ds.metadata?.namespace ?? "",
    hostNetwork: podSpec?.hostNetwork === true,
    localIPs: localIPsOf([...(c?.command ?? []), ...(c?.args ?? [])]),
    podLabels: { ...ds.spec?.template?.metadata?.labels },
  };
}

/** node-cache's `-localip 169.254.20.10,10.96.0.10` (also `--localip`, `-localip=`). */
export function localIPsOf(argv: readonly string[]): string[] {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?localip(?:=(.*))?$/.exec(argv[i] ?? "");
    if (!m) continue;
    return (m[1] ?? argv[i + 1] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return [];
}

function memoryBytesOrNull(quantity: string | undefined): number | null {
  if (!quantity) return null;
  try {
    return parseMemoryBytes(quantity);
  } catch {
    return null;
  }
}

/**
 * Which pod stands for a node: during a rollout a node briefly has the old (terminating) pod and the
 * new one. Prefer the one not being deleted, then the newest.
 */
export function podForNode(pods: readonly CachePod[], nodeName: string): CachePod | null {
  let best: CachePod | null = null;
  for (const p of pods) if (p.nodeName === nodeName) best = better(best, p);
  return best;
}

/** podForNode for every node in one pass (a 5,000-node cluster: one map, not 5,000 scans). */
export function podsByNode(pods: readonly CachePod[]): Map<string, CachePod> {
  const byNode = new Map<string, CachePod>();
  for (const p of pods) {
    if (p.nodeName === null) continue;
    byNode.set(p.nodeName, better(byNode.get(p.nodeName) ?? null, p));
  }
  return byNode;
}

/** A pod that is not being deleted over one that is; then the newer one. */
function better(best: CachePod | null, p: CachePod): CachePod {
  if (!best) return p;
  if (best.deleting !== p.deleting) return p.deleting ? best : p;
  return (p.createdAt ?? "") > (best.createdAt ?? "") ? p : best;
}
