/**
 * Pod status as a v1.32 kubelet writes it, from what the kubelet knows about its one container.
 * Pure: the kubelet calls this after every state change and writes the result to `pods/status`.
 */
import crypto from "node:crypto";
import { formatTime } from "./store";

/** The container's last exit, kept as `lastState.terminated` after a restart. */
export interface TerminatedState {
  exitCode: number;
  reason: string;
  startedAt: Date;
  finishedAt: Date;
  containerID: string;
}

/** Where the container is in its life, in the kubelet's terms. */
export type ContainerPhase =
  /** Waiting for the ConfigMap mount or for the node's previous pod to release its ports. */
  | { kind: "creating" }
  /** Running; `ready` once every listener is up (there is no readinessProbe). */
  | { kind: "running"; startedAt: Date; ready: boolean }
  /** Exited; the kubelet restarts it after `delayMs` (0 for the first exit). */
  | { kind: "backoff"; delayMs: number }
  /** Stopped for a deletion. */
  | { kind: "terminated"; state: TerminatedState };

export interface ContainerView {
  name: string;
  /** The image the node really runs (the node's CoreDNS version decides the node-cache tag). */
  image: string;
  containerID: string | undefined;
  restartCount: number;
  phase: ContainerPhase;
  lastTerminated: TerminatedState | undefined;
}

export interface PodStatusInput {
  podName: string;
  namespace: string;
  podUid: string;
  nodeIP: string;
  /** The node IP for a host-network pod, else its own. */
  podIP: string;
  startTime: Date;
  container: ContainerView;
  /** When the Ready/ContainersReady conditions last flipped (kept by the kubelet). */
  readySince: Date;
  scheduledAt: Date;
}

/** `registry.k8s.io/dns/k8s-dns-node-cache@sha256:…`, stable per image so every node shows the same digest. */
export function imageID(image: string): string {
  const repo = image.replace(/:[^/:]+$/, "");
  return `${repo}@sha256:${crypto.createHash("sha256").update(image).digest("hex")}`;
}

/** containerd's 64-hex container id with the runtime prefix. */
export function newContainerID(): string {
  return `containerd://${crypto.randomBytes(32).toString("hex")}`;
}

function terminatedJson(t: TerminatedState): Record<string, unknown> {
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    startedAt: formatTime(t.startedAt),
    finishedAt: formatTime(t.finishedAt),
    containerID: t.containerID,
  };
}

function stateJson(input: PodStatusInput): Record<string, unknown> {
  const c = input.container;
  switch (c.phase.kind) {
    case "creating":
      return { waiting: { reason: "ContainerCreating" } };
    case "running":
      return { running: { startedAt: formatTime(c.phase.startedAt) } };
    case "backoff": {
      // Restarting at once: the exit itself is what the kubelet reports (kubectl shows "Error").
      if (c.phase.delayMs === 0 && c.lastTerminated) return { terminated: terminatedJson(c.lastTerminated) };
      const seconds = Math.round(c.phase.delayMs / 1000);
      // The kubelet's own wording, including the `10s`-style duration.
      const message = `back-off ${seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`} restarting failed container=${c.name} pod=${input.podName}_${input.namespace}(${input.podUid})`;
      return { waiting: { reason: "CrashLoopBackOff", message } };
    }
    case "terminated":
      return { terminated: terminatedJson(c.phase.state) };
  }
}

function condition(
  type: string,
  ok: boolean,
  at: Date,
  reason?: string,
  message?: string,
): Record<string, unknown> {
  return {
    type,
    status: ok ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: formatTime(at),
    ...(ok || !reason ? {} : { reason, message }),
  };
}

/** The full `status` of the pod (phase, conditions, IPs, containerStatuses). */
export function podStatus(input: PodStatusInput): Record<string, unknown> {
  const c = input.container;
  const ready = c.phase.kind === "running" && c.phase.ready;
  const hasRun = c.containerID !== undefined;
  const unready = `containers with unready status: [${c.name}]`;
  const phase = c.phase.kind === "creating" && !hasRun ? "Pending" : "Running";
  return {
    phase,
    conditions: [
      condition("PodReadyToStartContainers", true, input.scheduledAt),
      condition("Initialized", true, input.scheduledAt),
      condition("Ready", ready, input.readySince, "ContainersNotReady", unready),
      condition("ContainersReady", ready, input.readySince, "ContainersNotReady", unready),
      condition("PodScheduled", true, input.scheduledAt),
    ],
    hostIP: input.nodeIP,
    hostIPs: [{ ip: input.nodeIP }],
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: formatTime(input.startTime),
    containerStatuses: [
      {
        name: c.name,
        state: stateJson(input),
        lastState: c.lastTerminated ? { terminated: terminatedJson(c.lastTerminated) } : {},
        ready,
        restartCount: c.restartCount,
        image: c.image,
        imageID: hasRun ? imageID(c.image) : "",
        ...(c.containerID ? { containerID: c.containerID } : {}),
        started: c.phase.kind === "running",
      },
    ],
    qosClass: "Burstable",
  };
}

/**
 * Delay before restart number `restarts + 1`. The kubelet restarts a container's first exit at once
 * (no back-off entry yet), then waits base, 2×base, 4×base… capped (CrashLoopBackOff).
 */
export function backoffDelay(restarts: number, baseMs: number, maxMs: number): number {
  if (restarts <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** (restarts - 1));
}
