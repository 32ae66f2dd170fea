import type { V1ContainerStatus, V1DaemonSet, V1Node, V1Pod } from "@kubernetes/client-node";
import { parseMemoryBytes } from "@/lib/config/quantity";
import type { CachePod, ClusterNode, DaemonSetSummary, NodeCacheLayout } from "./types";

export function reshapeNode(node: V1Node): ClusterNode {
  const conditions = node.status?.conditions ?? [];
  return {
    name: node.metadata?.name ?? "",
    internalIP: node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? null,
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    unschedulable: node.spec?.unschedulable === true,
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? "",
  };
}

export function reshapePod(pod: V1Pod, container: string, defaultMetricsPort: number): CachePod {
  const spec = pod.spec?.containers?.find((c) => c.name === container) ?? pod.spec?.containers?.[0];
  const statusOf = pod.status?.containerStatuses?.find((c) => c.name === (spec?.name ?? container));
  const metricsPort =
    spec?.ports?.find((p) => p.name === "metrics")?.containerPort ??
    prometheusListenPort([...(spec?.command ?? []), ...(spec?.args ?? [])]) ??
    defaultMetricsPort;
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const toIso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    name: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
    nodeName: pod.spec?.nodeName ?? null,
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

/** The STATUS column of `kubectl get pods`, simplified for one container. */
function podDisplayStatus(pod: V1Pod, status: V1ContainerStatus | undefined): string {
  if (pod.metadata?.deletionTimestamp) return "Terminating";
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
  for (const p of pods) {
    if (p.nodeName !== nodeName) continue;
    if (!best) best = p;
    else if (best.deleting !== p.deleting) best = p.deleting ? best : p;
    else if ((p.createdAt ?? "") > (best.createdAt ?? "")) best = p;
  }
  return best;
}
