/** The dashboard's own small types for what it reads from the cluster (reshaped from V1 objects). */

export interface ClusterNode {
  name: string;
  internalIP: string | null;
  ready: boolean;
  unschedulable: boolean;
  kubeletVersion: string;
}

/** A node-local-dns pod, as the dashboard needs it. */
export interface CachePod {
  name: string;
  namespace: string;
  nodeName: string | null;
  podIP: string | null;
  phase: string;
  ready: boolean;
  /** Running, ContainerCreating, CrashLoopBackOff, Terminating, Error ... as `kubectl get pods` shows it. */
  status: string;
  restarts: number;
  /** When the node-cache container (re)started, ISO time. */
  startedAt: string | null;
  createdAt: string | null;
  image: string | null;
  metricsPort: number;
  deleting: boolean;
  templateHash: string | null;
}

export interface DaemonSetSummary {
  name: string;
  namespace: string;
  generation: number;
  observedGeneration: number;
  desired: number;
  current: number;
  ready: number;
  updated: number;
  available: number;
  unavailable: number;
  image: string | null;
  maxUnavailable: string;
  /** spec.updateStrategy.type: RollingUpdate (the default) or OnDelete. */
  updateStrategy: string;
  /** The node-cache container's memory limit in bytes, null when unset or unreadable. */
  memoryLimitBytes: number | null;
}

/** How the DaemonSet wires its pods into the network (what interception mode reads). */
export interface NodeCacheLayout {
  namespace: string;
  /** spec.template.spec.hostNetwork (false when unset). */
  hostNetwork: boolean;
  /** node-cache's `-localip` list, e.g. ["169.254.20.10", "10.96.0.10"] or ["0.0.0.0"]. */
  localIPs: string[];
  /** The pod template's labels (what a CiliumLocalRedirectPolicy's localEndpointSelector selects). */
  podLabels: Record<string, string>;
}

/** The API server could not be read; shown on every page until it can. */
export interface ApiServerProblem {
  message: string;
  /** ISO time of the first failure in the current run of failures. */
  since: string;
}
