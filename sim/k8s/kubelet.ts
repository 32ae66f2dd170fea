/**
 * A simulated kubelet for one node: watches pods bound to its node (spec.nodeName) and runs each
 * with a PodWorker; follows the ConfigMaps its pods mount; answers the API server's questions about
 * its pods' containers (logs, the real address behind a container port).
 */
import { RESOURCES, type ObjectStore } from "./store";
import type { KubeObject } from "./types";
import type { SimNodeAddresses } from "../addresses";
import {
  COREDNS_VERSIONS,
  type CorednsVersion,
  type PodRuntime,
  type PodRuntimeSpec,
  type SimEndpoint,
} from "../runtime";
import { createEventRecorder } from "../objects/events";
import { PodWorker, type KubeletTiming } from "./kubelet-pod";
import { corefileSource, localIPsFromArgs, podContainers, podHostNetwork } from "./kubelet-spec";

export type { KubeletTiming } from "./kubelet-pod";
export { corefileSource, localIPsFromArgs } from "./kubelet-spec";

export interface KubeletOptions {
  store: ObjectStore;
  nodeName: string;
  addresses: SimNodeAddresses;
  corednsVersion: CorednsVersion;
  startPod: (spec: PodRuntimeSpec) => PodRuntime;
  /** Real ports for the container's DNS (0 = ephemeral), metrics (:9253) and health (:8080). */
  ports: { dns: number; metrics: number; health: number };
  clusterDns: SimEndpoint;
  upstreamResolvers: SimEndpoint[];
  timing: KubeletTiming;
  onChange?: () => void;
}

/** sim/dns pods also say where their HTTP endpoints really listen. */
interface ListeningRuntime extends PodRuntime {
  metricsEndpoint?: () => { host: string; port: number } | null;
  healthEndpoint?: () => { host: string; port: number } | null;
}

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly stopping = new Set<Promise<void>>();
  private unwatch: (() => void)[] = [];
  private readonly events;
  readonly image: string;

  constructor(private readonly opts: KubeletOptions) {
    this.events = createEventRecorder(opts.store, { component: "kubelet", host: opts.nodeName });
    this.image = `registry.k8s.io/dns/k8s-dns-node-cache:${COREDNS_VERSIONS[opts.corednsVersion].nodeCache}`;
  }

  get nodeName(): string {
    return this.opts.nodeName;
  }

  start(): void {
    const { store } = this.opts;
    this.unwatch.push(
      store.watch(
        RESOURCES.pods,
        undefined,
        undefined,
        { fieldSelector: `spec.nodeName=${this.opts.nodeName}` },
        (e) => {
          if (e.type === "BOOKMARK") return;
          this.podEvent(e.type, e.object);
        },
      ),
      store.watch(RESOURCES.configmaps, undefined, store.resourceVersion(), {}, (e) => {
        if (e.type === "BOOKMARK") return;
        for (const w of this.workers.values()) {
          const src = corefileSource(w.podObject());
          if (src && src.configMap === e.object.metadata.name && w.namespace === e.object.metadata.namespace)
            w.configMapChanged();
        }
      }),
    );
  }

  private podEvent(type: "ADDED" | "MODIFIED" | "DELETED", pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const existing = this.workers.get(key);
    if (existing && existing.uid !== pod.metadata.uid) {
      // A new pod with the same name: the old one is gone.
      this.retire(key, existing.kill());
    }
    const worker = existing && existing.uid === pod.metadata.uid ? existing : undefined;
    if (type === "DELETED") {
      if (worker) this.retire(key, worker.kill());
      return;
    }
    if (worker) {
      worker.updatePod(pod);
      if (pod.metadata.deletionTimestamp && !worker.isStopping()) this.retire(key, worker.terminate());
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      // Never started here (e.g. the kubelet just came up): nothing to stop.
      this.opts.store.delete(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name);
      return;
    }
    const w = new PodWorker(
      {
        store: this.opts.store,
        nodeName: this.opts.nodeName,
        nodeIP: this.opts.addresses.nodeIP,
        podIP: (p) => this.podIP(p),
        events: this.events,
        timing: this.opts.timing,
        image: this.image,
        corefile: (p) => this.corefileFor(p),
        runtimeSpec: (p, corefile) => this.runtimeSpec(p, corefile),
        startPod: this.opts.startPod,
        portsFree: () => Promise.all([...this.stopping]).then(() => undefined),
        onChange: () => this.opts.onChange?.(),
      },
      pod,
    );
    this.workers.set(key, w);
    w.begin();
  }

  private retire(key: string, done: Promise<void>): void {
    this.workers.delete(key);
    this.stopping.add(done);
    void done.finally(() => this.stopping.delete(done));
  }

  private corefileFor(pod: KubeObject): string | undefined {
    const src = corefileSource(pod);
    if (!src) return undefined;
    const cm = this.opts.store.get(RESOURCES.configmaps, pod.metadata.namespace, src.configMap);
    return (cm?.data as Record<string, string> | undefined)?.[src.key];
  }

  /** The node IP on the host network; otherwise the node's pod address (one pod per node here). */
  private podIP(pod: KubeObject): string {
    return podHostNetwork(pod) ? this.opts.addresses.nodeIP : this.opts.addresses.podIP;
  }

  private runtimeSpec(pod: KubeObject, corefile: string): PodRuntimeSpec {
    return {
      hostNetwork: podHostNetwork(pod),
      namespace: pod.metadata.namespace ?? "default",
      podName: pod.metadata.name,
      nodeName: this.opts.nodeName,
      addresses: this.opts.addresses,
      corefileBase: corefile,
      corednsVersion: this.opts.corednsVersion,
      dnsPort: this.opts.ports.dns,
      metricsPort: this.opts.ports.metrics,
      healthPort: this.opts.ports.health,
      clusterDns: this.opts.clusterDns,
      upstreamResolvers: this.opts.upstreamResolvers,
      localIPs: localIPsFromArgs(podContainers(pod)[0]?.args),
    };
  }

  /** The worker running a pod on this node (for logs), if any. */
  worker(namespace: string, name: string): PodWorker | undefined {
    return this.workers.get(`${namespace}/${name}`);
  }

  /** Every running container on this node, for the cluster description. */
  runningPods(): { name: string; namespace: string; runtime: PodRuntime }[] {
    const out: { name: string; namespace: string; runtime: PodRuntime }[] = [];
    for (const w of this.workers.values()) {
      const runtime = w.currentRuntime();
      if (runtime && !w.isStopping()) out.push({ name: w.name, namespace: w.namespace, runtime });
    }
    return out;
  }

  /**
   * Where a container port of a pod on this node really listens: on its pod IP (the node's on the host
   * network); 9253 and 8080 may be moved to other real ports by the simulation.
   */
  endpointFor(pod: KubeObject, port: number | string): { host: string; port: number } | undefined {
    const declared = podContainers(pod).flatMap((c) => c.ports ?? []);
    const number =
      typeof port === "number"
        ? port
        : /^\d+$/.test(port)
          ? Number(port)
          : declared.find((p) => p.name === port)?.containerPort;
    if (number === undefined) return undefined;
    const { addresses, ports } = this.opts;
    // The simulated container knows where it really bound (ephemeral ports); ask it first.
    const runtime = this.worker(pod.metadata.namespace ?? "default", pod.metadata.name)?.currentRuntime() as
      ListeningRuntime | undefined;
    const podIP = this.podIP(pod);
    if (number === 9253) return runtime?.metricsEndpoint?.() ?? { host: podIP, port: ports.metrics };
    if (number === 8080)
      return (
        runtime?.healthEndpoint?.() ?? {
          host: podHostNetwork(pod) ? addresses.linkLocal : podIP,
          port: ports.health,
        }
      );
    return { host: podIP, port: number };
  }

  /** Stops every container (no API writes: the cluster is going away). */
  async stop(): Promise<void> {
    for (const u of this.unwatch) u();
    this.unwatch = [];
    const all = [...this.workers.values()].map((w) => w.kill());
    this.workers.clear();
    await Promise.all([...all, ...this.stopping]);
  }
}
