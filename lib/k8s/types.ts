/** The dashboard's own small types for what it reads from the cluster (reshaped from V1 objects). */

export interface ClusterNode {
  name: string;
  internalIP: string | null;
  ready: boolean;
  unschedulable: boolean;
  kubeletVersion: string;
  /** status.conditions as the kubelet (and node-problem-detector) report them, in the node's order. */
  conditions: NodeCondition[];
}

/** One of a node's conditions (Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable, …). */
export interface NodeCondition {
  type: string;
  /** "True", "False" or "Unknown". */
  status: string;
  reason: string | null;
  message: string | null;
  /** lastTransitionTime, ISO: since when the condition has had this status. */
  since: string | null;
  /** Whether this status is the healthy one: Ready is nominal when True, every other condition when False. */
  nominal: boolean;
}

/** One Kubernetes Event about a pod (core v1, or events.k8s.io/v1 read through core v1). */
export interface PodEvent {
  /** "Normal" or "Warning". */
  type: string;
  reason: string;
  message: string;
  /** How often it happened (repeats are folded into one Event). */
  count: number;
  /** ISO times; null when the Event carries none. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Who reported it: "kubelet node-3", "default-scheduler". */
  source: string | null;
}

/** A node-local-dns pod, as the dashboard needs it. */
export interface CachePod {
  name: string;
  namespace: string;
  /**
   * The node the pod is for: spec.nodeName, or while the scheduler has not bound it yet the node its
   * node affinity names (a DaemonSet's pods are created that way). Null when neither names one.
   */
  nodeName: string | null;
  /** spec.nodeName is set: the scheduler has bound the pod to its node. */
  scheduled: boolean;
  podIP: string | null;
  phase: string;
  ready: boolean;
  /**
   * Running, ContainerCreating, CrashLoopBackOff, Terminating, Error ... as `kubectl get pods` shows it;
   * "Scheduling" for a pod not yet bound to its node (kubectl: Pending).
   */
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
