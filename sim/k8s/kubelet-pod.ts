/**
 * One pod on one kubelet: starts its container (a simulated node-local-dns PodRuntime), reports
 * status and events as a kubelet does, restarts a crashed container with CrashLoopBackOff back-off,
 * hands ConfigMap updates to it, and stops it for a graceful deletion.
 */
import { RESOURCES, StoreError, type ObjectStore } from "./store";
import type { KubeObject } from "./types";
import type { ContainerLog, PodRuntime, PodRuntimeSpec } from "../runtime";
import type { EventRecorder } from "../objects/events";
import { podContainers } from "./kubelet-spec";
import {
  backoffDelay,
  newContainerID,
  podStatus,
  type ContainerPhase,
  type TerminatedState,
} from "./kubelet-status";

/** Kubelet timings; real values in comments, the simulation's defaults are shorter. */
export interface KubeletTiming {
  /** First CrashLoopBackOff delay (real: 10 s), doubled per restart. */
  backoffBaseMs: number;
  /** Back-off cap (real: 300 s). */
  backoffMaxMs: number;
  /** How long a ConfigMap change takes to reach the mounted file (real: up to ~60–90 s). */
  configSyncMs: number;
  /** From "Pulled" to the container running (sandbox + create + start; real: around a second). */
  containerStartMs?: number;
}

/** What a pod worker needs from its kubelet. */
export interface PodWorkerContext {
  store: ObjectStore;
  nodeName: string;
  nodeIP: string;
  /** The pod's IP: the node IP on the host network, else the node's pod address. */
  podIP(pod: KubeObject): string;
  events: EventRecorder;
  timing: KubeletTiming;
  /** The image the node really runs for this container. */
  image: string;
  /** The mounted ConfigMap's Corefile now, or undefined if the ConfigMap does not exist. */
  corefile(pod: KubeObject): string | undefined;
  runtimeSpec(pod: KubeObject, corefile: string): PodRuntimeSpec;
  startPod(spec: PodRuntimeSpec): PodRuntime;
  /** Resolves when earlier pods on this node have released their ports. */
  portsFree(): Promise<void>;
  /** Called after every container start/stop (the cluster description follows pods). */
  onChange(): void;
}

export class PodWorker {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly containerName: string;
  private runtime: PodRuntime | undefined;
  private previousLog: ContainerLog | undefined;
  private phase: ContainerPhase = { kind: "creating" };
  private containerID: string | undefined;
  private restartCount = 0;
  private lastTerminated: TerminatedState | undefined;
  private readonly startTime = new Date();
  private readySince = new Date();
  private timer: NodeJS.Timeout | undefined;
  private configTimer: NodeJS.Timeout | undefined;
  private mountedCorefile: string | undefined;
  private stopping = false;
  private readonly endListeners = new Set<() => void>();
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly ctx: PodWorkerContext,
    private pod: KubeObject,
  ) {
    this.namespace = pod.metadata.namespace ?? "default";
    this.name = pod.metadata.name;
    this.uid = pod.metadata.uid ?? "";
    this.containerName = podContainers(pod)[0]?.name ?? "container";
  }

  /** The container instance serving now (also after it exited), and the one before a restart. */
  logs(): { current: ContainerLog | undefined; previous: ContainerLog | undefined; running: boolean } {
    return { current: this.runtime?.log, previous: this.previousLog, running: this.phase.kind === "running" };
  }

  currentRuntime(): PodRuntime | undefined {
    return this.phase.kind === "running" ? this.runtime : undefined;
  }

  /** Called when the current container instance stops (exit or kill); returns unsubscribe. */
  onContainerEnd(cb: () => void): () => void {
    this.endListeners.add(cb);
    return () => this.endListeners.delete(cb);
  }

  isStopping(): boolean {
    return this.stopping;
  }

  begin(): void {
    this.writeStatus();
    void this.ctx.portsFree().then(() => this.startContainer());
  }

  private startContainer(): void {
    if (this.stopping) return;
    const corefile = this.ctx.corefile(this.pod);
    if (corefile === undefined) {
      // The kubelet keeps retrying the mount; the ConfigMap may appear later.
      this.ctx.events.record(
        this.pod,
        "Warning",
        "FailedMount",
        `MountVolume.SetUp failed for volume "config-volume" : configmap "node-local-dns" not found`,
      );
      this.timer = setTimeout(() => this.startContainer(), this.ctx.timing.backoffBaseMs);
      return;
    }
    const fieldPath = `spec.containers{${this.containerName}}`;
    this.ctx.events.record(
      this.pod,
      "Normal",
      "Pulled",
      `Container image "${this.ctx.image}" already present on machine`,
      fieldPath,
    );
    const delay = this.ctx.timing.containerStartMs ?? 0;
    if (delay > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.runContainer(corefile, fieldPath);
      }, delay);
    } else {
      this.runContainer(corefile, fieldPath);
    }
  }

  private runContainer(mounted: string, fieldPath: string): void {
    if (this.stopping) return;
    // The mount may have changed while the container was being created.
    const corefile = this.ctx.corefile(this.pod) ?? mounted;
    this.mountedCorefile = corefile;
    let runtime: PodRuntime;
    try {
      runtime = this.ctx.startPod(this.ctx.runtimeSpec(this.pod, corefile));
    } catch (err) {
      // The runtime could not even be created: report it like a container that failed to start.
      this.ctx.events.record(
        this.pod,
        "Warning",
        "Failed",
        `Error: ${err instanceof Error ? err.message : String(err)}`,
        fieldPath,
      );
      this.containerExited(new Date(), 128, "StartError");
      return;
    }
    if (this.runtime) this.previousLog = this.runtime.log;
    this.runtime = runtime;
    this.containerID = newContainerID();
    const startedAt = new Date();
    this.ctx.events.record(
      this.pod,
      "Normal",
      "Created",
      `Created container: ${this.containerName}`,
      fieldPath,
    );
    this.ctx.events.record(
      this.pod,
      "Normal",
      "Started",
      `Started container ${this.containerName}`,
      fieldPath,
    );
    this.phase = { kind: "running", startedAt, ready: false };
    this.writeStatus();
    this.ctx.onChange();
    runtime.started.then(
      () => {
        if (this.runtime !== runtime || this.stopping) return;
        this.phase = { kind: "running", startedAt, ready: true };
        this.readySince = new Date();
        this.writeStatus();
        this.ctx.onChange();
      },
      () => {
        // The runtime has logged why (CoreDNS's own error lines); the kubelet only sees the exit.
        if (this.runtime !== runtime || this.stopping) return;
        const s = runtime.state();
        this.containerExited(startedAt, s.phase === "exited" ? s.exitCode : 1, "Error");
      },
    );
  }

  private containerExited(startedAt: Date, exitCode: number, reason: string): void {
    this.lastTerminated = {
      exitCode,
      reason,
      startedAt,
      finishedAt: new Date(),
      containerID: this.containerID ?? newContainerID(),
    };
    const delayMs = backoffDelay(
      this.restartCount,
      this.ctx.timing.backoffBaseMs,
      this.ctx.timing.backoffMaxMs,
    );
    this.phase = { kind: "backoff", delayMs };
    this.readySince = new Date();
    this.fireEnd();
    if (delayMs > 0) {
      this.ctx.events.record(
        this.pod,
        "Warning",
        "BackOff",
        `Back-off restarting failed container ${this.containerName} in pod ${this.name}_${this.namespace}(${this.uid})`,
        `spec.containers{${this.containerName}}`,
      );
    }
    this.writeStatus();
    this.ctx.onChange();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.restartCount++;
      this.startContainer();
    }, delayMs);
  }

  /** The ConfigMap changed: the kubelet updates the mounted file after its sync delay. */
  configMapChanged(): void {
    if (this.configTimer || this.stopping) return;
    this.configTimer = setTimeout(() => {
      this.configTimer = undefined;
      const text = this.ctx.corefile(this.pod);
      const running = this.currentRuntime();
      if (text === undefined || !running || text === this.mountedCorefile) return;
      this.mountedCorefile = text;
      running.updateCorefileBase(text);
    }, this.ctx.timing.configSyncMs);
  }

  /** Graceful deletion: Killing event, stop the container, then remove the pod object. */
  terminate(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopping = true;
    this.stopped = (async () => {
      this.clearTimers();
      const runtime = this.runtime;
      if (runtime && this.phase.kind === "running") {
        this.ctx.events.record(
          this.pod,
          "Normal",
          "Killing",
          `Stopping container ${this.containerName}`,
          `spec.containers{${this.containerName}}`,
        );
        const startedAt = this.phase.startedAt;
        await runtime.stop();
        this.phase = {
          kind: "terminated",
          state: {
            exitCode: 0,
            reason: "Completed",
            startedAt,
            finishedAt: new Date(),
            containerID: this.containerID ?? "",
          },
        };
        this.writeStatus();
      } else if (runtime) {
        await runtime.stop();
      }
      this.fireEnd();
      try {
        this.ctx.store.delete(RESOURCES.pods, this.namespace, this.name);
      } catch (err) {
        if (!(err instanceof StoreError) || err.status !== 404) throw err;
      }
      this.ctx.onChange();
    })();
    return this.stopped;
  }

  /** The object is already gone (forced deletion) or the kubelet shuts down: stop without API writes. */
  kill(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopping = true;
    this.clearTimers();
    this.stopped = (async () => {
      await this.runtime?.stop();
      this.fireEnd();
    })();
    return this.stopped;
  }

  podObject(): KubeObject {
    return this.pod;
  }

  updatePod(pod: KubeObject): void {
    this.pod = pod;
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.configTimer) clearTimeout(this.configTimer);
    this.timer = this.configTimer = undefined;
  }

  private fireEnd(): void {
    for (const cb of [...this.endListeners]) cb();
  }

  private writeStatus(): void {
    const status = podStatus({
      podName: this.name,
      namespace: this.namespace,
      podUid: this.uid,
      nodeIP: this.ctx.nodeIP,
      podIP: this.ctx.podIP(this.pod),
      startTime: this.startTime,
      scheduledAt: this.startTime,
      readySince: this.readySince,
      container: {
        name: this.containerName,
        image: this.ctx.image,
        containerID: this.containerID,
        restartCount: this.restartCount,
        phase: this.phase,
        lastTerminated: this.lastTerminated,
      },
    });
    try {
      this.ctx.store.mutate(
        RESOURCES.pods,
        this.namespace,
        this.name,
        (o) => {
          o.status = status;
        },
        { subresource: "status" },
      );
    } catch (err) {
      // The pod may be gone already (forced deletion); nothing to report then.
      if (!(err instanceof StoreError) || err.status !== 404) throw err;
    }
  }
}
